{#- dbt's own unique test (a NULL is no value, so not a duplicate), counting on a kept
    table only the values of rows written since the last published build
    (keys_written_since_published). Named as dbt's, so the models' `unique` is this one. -#}
{% test unique(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }} as tested
{{ keys_written_since_published(model, [column_name], condition=column_name ~ ' is not null') }}
group by {{ column_name }}
having count(*) > 1
{% endtest %}
