{#- "The latest export wins" (DECISIONLOG: corrected re-exports), written once.

    latest_version: the rows of `relation` that are the latest version of their key;
    `order_by` ranks versions, newest first, and always ends with the file and line.
    latest_file: the rows of `relation` from the latest file that lists their `parent`
    (a document's instalments, a receipt's allocations come whole from one file).
    Either reads only the keys (parents) `only` selects when given. -#}
{% macro latest_version(relation, key, order_by=[], only=none) -%}
select *
from (
    select
        *,
        row_number() over (
            partition by {{ key | join(', ') }}
            order by {% for column in order_by %}{{ column }} desc, {% endfor %}_file_id desc, _line_number desc
        ) as version_rank
    from {{ relation }}
    {%- if only is not none %}
    where ({{ key | join(', ') }}) in ({{ only }})
    {%- endif %}
) as versions
where version_rank = 1
{%- endmacro %}

{% macro latest_file(relation, parent, only=none) -%}
select *
from (
    select *, max(_file_id) over (partition by {{ parent }}) as latest_file_id
    from {{ relation }}
    {%- if only is not none %}
    where {{ parent }} in ({{ only }})
    {%- endif %}
) as files
where _file_id = latest_file_id
{%- endmacro %}

{#- A staging model kept by the file (DECISIONLOG: Models kept by the file) reads, of a
    raw table, only the keys (or parents) that `relation`'s lines of files registered
    after the position it reads after list: what latest_version and latest_file take as
    `only`; none (every key) when it reads everything. -#}
{% macro keys_read_again(relation, key, entities) -%}
{%- set position = read_after(entities, rules=staging_rules()) -%}
{%- if position is none -%}
{{ return(none) }}
{%- endif -%}
{{ return('select ' ~ key ~ ' from ' ~ relation ~ ' where _file_id > ' ~ position) }}
{%- endmacro %}

{#- What a kept staging model's rows depend on besides its code: the latest-export rules
    and the money cast. -#}
{% macro staging_rules() -%}
{{ return(latest_version('relation', ['key']) ~ latest_file('relation', 'parent') ~ money('amount')) }}
{%- endmacro %}

{#- The documents stg_invoicing__documents reads again after `position`: those that lines
    of later files list, and the notes that relate to one of them (whose link depends on
    that document's client). -#}
{% macro documents_read_again(position) -%}
select document_id from {{ source('raw', 'documents') }} where _file_id > {{ position }}
union
select document_id from {{ source('raw', 'documents') }}
where related_document_id in (select document_id from {{ source('raw', 'documents') }} where _file_id > {{ position }})
{%- endmacro %}

{#- Lineage carried from raw to staging. -#}
{% macro lineage_columns() -%}
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
{%- endmacro %}
