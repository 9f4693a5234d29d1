{#- The reporting-currency factor of an amount dated date_column in currency_column.
    Pair join_fx_factor (in the FROM clause) with fx_factor (in the SELECT list). -#}
{% macro join_fx_factor(alias, currency_column, date_column) -%}
left join {{ ref('int_fx_rates') }} as {{ alias }}
    on {{ alias }}.currency_code = {{ currency_column }}
    and {{ date_column }} >= {{ alias }}.valid_from
    and ({{ date_column }} < {{ alias }}.valid_to or {{ alias }}.valid_to is null)
{%- endmacro %}

{% macro fx_factor(alias, currency_column) -%}
case
    when {{ currency_column }} = '{{ var("reporting_currency") }}' then cast(1 as decimal(18, 10))
    else {{ alias }}.to_reporting_factor
end
{%- endmacro %}
