{#- Models kept from build to build by the files they have read (DECISIONLOG: Models kept
    by the file). Each row carries the registry's last file id when it was computed
    (_read_through_file_id) and the version of the code that computed it (_model_version).
    File ids only grow, and a withdrawal is registered as a file of its own, so "after a
    position" holds every file loaded or withdrawn since. A kept table is right for every
    file up to its latest rows' position: each build reads what the files after it reach. -#}

{#- The file registry, named without source(): a kept model reads it to keep its books (which
    files it has read), not as data its rows depend on. As a source it would put the
    registry, which every ingest writes (a committee decision's too), upstream of every
    kept model and all that reads them, and each partial refresh would rebuild them
    (DECISIONLOG: A refresh rebuilds what its changes reach). -#}
{% macro file_registry() -%}
{{ return(api.Relation.create(database=target.database, schema='raw', identifier='file_registry')) }}
{%- endmacro %}

{#- The registry's position now: the value a row computed in this build carries. -#}
{% macro read_through_file_id() -%}
(select coalesce(max(file_id), 0) from {{ file_registry() }})
{%- endmacro %}

{#- The version of the model's code and of `rules` (the SQL of the macros its rows depend
    on, rendered), with the versions of the kept models it reads (upstream_versions), as a
    SQL string: a changed rule recomputes every row. -#}
{% macro model_version(rules='') -%}
'{{ local_md5(model.raw_code ~ rules ~ upstream_versions()) }}'
{%- endmacro %}

{#- The versions the rows of the kept models the model reads carry (_model_version), by
    model. A kept model whose code changed computes every row again, and with no file come
    since they carry the position they carried before: a model reading it by position would
    read none of them again, but its own version changes with theirs, so it reads
    everything. -#}
{% macro upstream_versions() -%}
{%- set versions = [] -%}
{#- A unit test reads fixed rows, not the tables: it has no upstream versions. -#}
{%- if execute and model.resource_type != 'unit_test' -%}
{%- for node_id in model.depends_on.nodes | sort if node_id.startswith('model.') -%}
    {%- set node = graph.nodes[node_id] -%}
    {%- set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if relation is not none
        and '_model_version' in adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- set stored = run_query('select distinct _model_version from ' ~ relation ~ ' order by 1').columns[0].values() -%}
        {%- do versions.append(node.name ~ ':' ~ stored | join(',')) -%}
    {%- endif -%}
{%- endfor -%}
{%- endif -%}
{{ return(versions | join(';')) }}
{%- endmacro %}

{#- The position a kept model reads after on this build, decided from its table as it is
    before the pre-hook deletes anything, so the pre-hook and the model read the same
    files: the position of its latest rows; none (read everything) on a full build, for a
    table from before the positions or an empty one, after a withdrawal of a file of one
    of `entities` registered since, or when rows were computed by another version of the
    code (`rules` as in model_version). -#}
{% macro read_after(entities, rules='') -%}
{%- if not execute or not is_incremental() or not holds_positions() -%}
    {{ return(none) }}
{%- endif -%}
{%- set state = run_query(
    "select max(_read_through_file_id), count(*) filter (where _model_version <> " ~ model_version(rules) ~ ") from " ~ this
).rows[0] -%}
{%- set position, other_versions = state[0], state[1] -%}
{%- if position is none or other_versions > 0 or withdrawn_since(entities) -%}
    {{ return(none) }}
{%- endif -%}
{{ return(position) }}
{%- endmacro %}

{#- True when the model's table exists with the positions (an incremental build of a table
    made since they were added). -#}
{% macro holds_positions() -%}
{{- return(holds_column('_read_through_file_id')) }}
{%- endmacro %}

{#- True when the model's table exists with `column` (a table made before a kept model
    gained it computes everything again). -#}
{% macro holds_column(column) -%}
{%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
{{- return(column in stored_columns) }}
{%- endmacro %}

{#- The pre-hook of a kept model: deletes its rows whose key one of `changes` says was read
    again after the position the model reads after (read_after), or every row when it
    reads everything. Each change is (key, relation, position column): the relation's rows
    with a later position hold the keys read again (an upstream kept model's
    _read_through_file_id, or a staging model's _file_id, the file of a row's version). -#}
{% macro drop_rows_read_again(changes, entities, rules='') -%}
{%- if is_incremental() %}
{%- set position = read_after(entities, rules) %}
delete from {{ this }}
{%- if position is not none %}
where
    {%- for key, relation, position_column in changes %}
    {{ 'or ' if not loop.first }}{{ key }} in (select {{ key }} from {{ relation }} where {{ position_column }} > {{ position }})
    {%- endfor %}
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The condition on an upstream relation (aliased `alias`) that picks the rows a kept model
    reads: those whose `position_column` is after the position it reads after, all of them
    when it reads everything. -#}
{% macro read_again(alias, entities, rules='', position_column='_read_through_file_id') -%}
{%- set position = read_after(entities, rules) -%}
{%- if position is none -%}
1 = 1
{%- else -%}
{{ alias }}.{{ position_column }} > {{ position }}
{%- endif -%}
{%- endmacro %}

{#- The pre-hook of a kept model whose keys read again are a query of the position:
    `keys_read_again` is a macro taking the position a model reads after (read_after over
    `entities`) and returning a query of `key`s; it deletes their rows, or every row when
    the model reads everything. -#}
{% macro drop_keys_read_again(key, keys_read_again, entities, rules='') -%}
{%- if is_incremental() %}
{%- set position = read_after(entities, rules) %}
delete from {{ this }}
{%- if position is not none %}
where {{ key }} in ({{ keys_read_again(position) }})
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- True when a file of one of `entities` was withdrawn after the position of the model's
    latest rows (its documents left staging: nothing that reads positions says which). -#}
{% macro withdrawn_since(entities) -%}
{%- if not execute or not is_incremental() %}{{ return(false) }}{% endif -%}
{%- set withdrawn = run_query(
    "select count(*) from " ~ file_registry() ~ " where status = 'withdrawal' and entity in ('"
    ~ entities | join("', '") ~ "') and file_id > (select max(_read_through_file_id) from " ~ this ~ ")"
).columns[0].values()[0] -%}
{{- return(withdrawn > 0) }}
{%- endmacro %}

{#- True when the model's table holds a row: an empty kept table has no position or as-of
    date to tell what changed since, so it is computed whole. -#}
{% macro holds_rows() -%}
{%- if not execute %}{{ return(false) }}{% endif -%}
{%- set held = run_query("select count(*) from (select 1 from " ~ this ~ " limit 1) as held").columns[0].values()[0] -%}
{{- return(held > 0) }}
{%- endmacro %}

{#- True when a row of the model's table carries another `_model_version` than `version`
    (a SQL string). -#}
{% macro holds_other_versions(version) -%}
{%- if not execute %}{{ return(false) }}{% endif -%}
{%- set other = run_query("select count(*) from (select _model_version from " ~ this
    ~ " where _model_version is distinct from " ~ version ~ " limit 1) as other").columns[0].values()[0] -%}
{{- return(other > 0) }}
{%- endmacro %}
