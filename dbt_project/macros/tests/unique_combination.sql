{#- Fails on every combination of the columns that occurs more than once. On a table kept
    by the build (keys_written_since_published) only the combinations of rows written since
    the last published build are counted. -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }} as tested
{{ keys_written_since_published(model, columns) }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
