{#- The dimensions the dashboards' filters choose clients by, as (dimension_type, the
    column of a client's row that holds its value in it); the company is one value for
    every client. ar_totals and ar_kpis_monthly sum by each. -#}
{% macro filter_dimensions() -%}
{{ return([('company', "'all'"), ('branch', 'branch'), ('salesperson', 'salesperson'), ('segment', 'segment'),
    ('currency', 'currency_code'), ('grade', 'grade')]) }}
{%- endmacro %}
