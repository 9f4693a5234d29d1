{#- Money is DECIMAL(18,2) everywhere; aggregates widen the type, so re-cast after them. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}

{#- Converts a document-currency amount with a factor from int_fx_rates; the rounding to
    the cent happens once, here. -#}
{% macro to_reporting(amount, factor) -%}
    cast(round(({{ amount }}) * {{ factor }}, 2) as decimal(18, 2))
{%- endmacro %}
