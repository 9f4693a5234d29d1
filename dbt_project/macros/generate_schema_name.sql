{#- Schemas are named raw / staging / intermediate / marts exactly, so the published
    file reads the same whatever the target: dashboards query marts.ar_aging. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
