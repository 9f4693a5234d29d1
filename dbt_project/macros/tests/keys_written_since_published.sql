{#- A WHERE clause for a uniqueness test on `model` (aliased `tested`): only the rows
    whose key a row written since the last published build also has. Every build that
    published passed these tests, so the rows of a kept table that it held, unchanged
    since, are unique among themselves; a duplicate needs a row written since. Such a row
    carries a position (_read_through_file_id) at least the published build's: every row a
    kept model writes is stamped with its build's (read_through_file_id), file ids only
    grow, and its hooks change in place only columns no key holds or, like as_of_date, all
    rows alike. Not `>`: a build with no new file stamps the published position again.
    Whole (every row) on a table rebuilt whole, on one whose rows carry positions they
    copied (int_open_item_months: its balances'), and before a first publish
    (raw.published_builds, written by orchestration/publish.py). `condition` is ANDed in. -#}
{% macro keys_written_since_published(model, columns, condition=none) -%}
{%- set position = published_read_through() if stamps_its_rows(model) else none %}
{%- if position is not none %}
where exists (
    select 1
    from {{ model }} as written
    where written._read_through_file_id >= {{ position }}
    {%- for column in columns %}
        and written.{{ column }} is not distinct from tested.{{ column }}
    {%- endfor %}
){{ ' and ' ~ condition if condition }}
{%- elif condition %}
where {{ condition }}
{%- endif %}
{%- endmacro %}

{#- True when `model` is a kept model stamping each row it writes with its build's
    position (read_through_file_id). -#}
{% macro stamps_its_rows(model) -%}
{%- if not execute %}{{ return(false) }}{% endif -%}
{%- for node in graph.nodes.values()
    if node.resource_type == 'model' and node.alias == model.identifier and node.schema == model.schema %}
    {{- return(node.config.materialized == 'incremental'
        and 'read_through_file_id() }} as _read_through_file_id' in node.raw_code) }}
{%- endfor %}
{{- return(false) }}
{%- endmacro %}

{#- The position (raw file id) the last published build read through, or none. -#}
{% macro published_read_through() -%}
{%- set relation = adapter.get_relation(database=target.database, schema='raw', identifier='published_builds') %}
{%- if relation is none %}{{ return(none) }}{% endif -%}
{{- return(run_query('select max(read_through_file_id) from ' ~ relation).columns[0].values()[0]) }}
{%- endmacro %}
