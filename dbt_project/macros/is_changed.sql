{#- True when `current` differs from `previous`, NULL counting as a value: a column that
    becomes empty, or gets filled, has changed. Portable spelling of IS DISTINCT FROM. -#}
{% macro is_changed(current, previous) -%}
    case when {{ current }} = {{ previous }} or ({{ current }} is null and {{ previous }} is null) then false else true end
{%- endmacro %}
