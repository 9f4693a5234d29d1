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
