{#- "The latest export wins" (DECISIONLOG: corrected re-exports), written once.

    latest_version: the rows of `relation` that are the latest version of their key;
    `order_by` ranks versions, newest first, and always ends with the file and line.
    latest_file: the rows of `relation` from the latest file that lists their `parent`
    (a document's instalments, a receipt's allocations come whole from one file). -#}
{% macro latest_version(relation, key, order_by=[]) -%}
select *
from (
    select
        *,
        row_number() over (
            partition by {{ key | join(', ') }}
            order by {% for column in order_by %}{{ column }} desc, {% endfor %}_file_id desc, _line_number desc
        ) as version_rank
    from {{ relation }}
) as versions
where version_rank = 1
{%- endmacro %}

{% macro latest_file(relation, parent) -%}
select *
from (
    select *, max(_file_id) over (partition by {{ parent }}) as latest_file_id
    from {{ relation }}
) as files
where _file_id = latest_file_id
{%- endmacro %}

{#- Lineage carried from raw to staging. -#}
{% macro lineage_columns() -%}
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
{%- endmacro %}
