{#- Fails on every row with an empty (NULL) value in one of `columns`, once per empty
    column, naming it in `empty_column`: one test per model instead of one `not_null` per
    column, each of which is a dbt node and a Dagster asset check (DECISIONLOG: dbt nodes). -#}
{% test not_null_columns(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as empty_column, *
from {{ model }}
where {{ column }} is null
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endtest %}
