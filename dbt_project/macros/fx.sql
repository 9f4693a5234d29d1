{#- The reporting-currency factor of an amount dated date_column in currency_column.
    Pair join_fx_factor (in the FROM clause) with fx_factor (in the SELECT list). -#}
{% macro join_fx_factor(alias, currency_column, date_column) -%}
    {{ return(adapter.dispatch('join_fx_factor', 'cartera')(alias, currency_column, date_column)) }}
{%- endmacro %}

{% macro default__join_fx_factor(alias, currency_column, date_column) -%}
left join {{ ref('int_fx_rates') }} as {{ alias }}
    on {{ alias }}.currency_code = {{ currency_column }}
    and {{ date_column }} >= {{ alias }}.valid_from
    and ({{ date_column }} < {{ alias }}.valid_to or {{ alias }}.valid_to is null)
{%- endmacro %}

{#- The same row: a currency's intervals follow one another (valid_to is the next
    valid_from), so the interval holding the date is the one that starts last on or
    before it. DuckDB's hash join on the currency compared every amount with every
    interval of its currency (6.6 s for L's 8.2 M receipts); an as-of join sorts once. -#}
{% macro duckdb__join_fx_factor(alias, currency_column, date_column) -%}
asof left join {{ ref('int_fx_rates') }} as {{ alias }}
    on {{ alias }}.currency_code = {{ currency_column }}
    and {{ date_column }} >= {{ alias }}.valid_from
{%- endmacro %}

{% macro fx_factor(alias, currency_column) -%}
case
    when {{ currency_column }} = '{{ var("reporting_currency") }}' then cast(1 as decimal(18, 10))
    else {{ alias }}.to_reporting_factor
end
{%- endmacro %}

{#- The condition on a row in `currency_column` whose factor, read at `date_column`, may
    read otherwise after `position`: in another currency than the reporting one and dated
    on or after the earliest rate staging read since (a rate is the factor from its date
    on, and int_fx_rates carries each currency's last rate to every date any currency is
    quoted, so every currency counts from it), or any date after a withdrawal of rates.
    A daily rates file reads again the rows of its day, not every row in another currency
    (L's +1 day read 292,086 documents and 332,488 receipts again for it). -#}
{% macro rated_again(currency_column, date_column, position) -%}
(
    {{ currency_column }} <> '{{ var("reporting_currency") }}'
    and (
        {{ date_column }} >= (select min(rate_date) from {{ ref('stg_fx__rates') }} where _file_id > {{ position }})
        or exists (
            select 1 from {{ file_registry() }}
            where entity = 'fx_rates' and status = 'withdrawal' and file_id > {{ position }}
        )
    )
)
{%- endmacro %}
