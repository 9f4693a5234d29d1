{#- A WHERE clause for a uniqueness test on `model` (aliased `tested`): only the rows
    whose key a row written since the last published build also has. A build is published
    only when every test passed, so the rows of a kept table it held, unchanged since, are
    unique among themselves: a duplicate needs a row written since. Every row a kept model
    writes carries its build's position (read_through_file_id(), as _read_through_file_id
    or, in a model whose _read_through_file_id is copied from its input, as
    _written_through_file_id: int_open_item_months), file ids only grow, and its hooks
    change in place only columns no key holds or, like as_of_date, all rows alike. The
    rows written since are those above the published build's position, or at it too when
    a build since (this one, or one that failed) had no new file and stamped that same
    position (builds_since_published).
    Whole (every row) on a table rebuilt whole and before a first publish. `condition` is
    ANDed in. -#}
{% macro keys_written_since_published(model, columns, condition=none) -%}
{%- set stamp = build_stamp(model) %}
{%- set since = builds_since_published() if stamp else none %}
{%- if since is not none %}
where exists (
    select 1
    from {{ model }} as written
    where written.{{ stamp }} {{ since.operator }} {{ since.position }}
    {%- for column in columns %}
        and written.{{ column }} is not distinct from tested.{{ column }}
    {%- endfor %}
){{ ' and ' ~ condition if condition }}
{%- elif condition %}
where {{ condition }}
{%- endif %}
{%- endmacro %}

{#- The column in which `model`, a kept model, stamps each row it writes with its build's
    position (read_through_file_id), read off its code; none when it stamps none. -#}
{% macro build_stamp(model) -%}
{%- if not execute %}{{ return(none) }}{% endif -%}
{%- for node in graph.nodes.values()
    if node.resource_type == 'model' and node.alias == model.identifier and node.schema == model.schema
        and node.config.materialized == 'incremental' %}
    {%- for column in ['_written_through_file_id', '_read_through_file_id']
        if ('read_through_file_id() }} as ' ~ column) in node.raw_code %}
        {{- return(column) }}
    {%- endfor %}
{%- endfor %}
{{- return(none) }}
{%- endmacro %}

{#- The rows written since the last published build (raw.dbt_builds, recorded by
    orchestration/builds.py), as {position, operator}: `>` its position, or `>=` when a
    build started since read through that same position; none before a first publish. -#}
{% macro builds_since_published() -%}
{%- set relation = adapter.get_relation(database=target.database, schema='raw', identifier='dbt_builds') %}
{%- if relation is none %}{{ return(none) }}{% endif -%}
{%- set found = run_query(
    "select published.read_through_file_id, exists (select 1 from " ~ relation ~ " as later"
    ~ " where later.build_id > published.build_id and later.read_through_file_id = published.read_through_file_id)"
    ~ " from " ~ relation ~ " as published where published.published_at is not null"
    ~ " order by published.build_id desc limit 1").rows -%}
{%- if found | length == 0 %}{{ return(none) }}{% endif -%}
{{- return({'position': found[0][0], 'operator': '>=' if found[0][1] else '>'}) }}
{%- endmacro %}
