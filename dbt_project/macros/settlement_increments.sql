{#- What int_settlement_events computes a document from, as one fingerprint per document:
    its instalments (number, due order, count, amount) and its reductions (type, id,
    receipt, named instalment, effective date, amount), hashed whatever their order
    (fingerprint_of_columns) with the model's own code, so a changed rule recomputes every
    document. Equal fingerprints,
    equal events: a build keeps those rows (DECISIONLOG: Settlement events by the day).
    only (a relation with a document_id column), when given, fingerprints only its
    documents: the pre-hook's candidates, or those the model computes. -#}
{% macro settlement_input_fingerprints(only=none) -%}
{%- set code_version = "'" ~ local_md5(model.raw_code) ~ "'" -%}
{%- set columns = ['input_kind', 'installment_no', 'due_order', 'item_count', 'amount',
    'reduction_type', 'reduction_id', 'receipt_id', 'effective_date'] -%}
select
    document_id,
    {{ fingerprint_of_columns(code_version, columns) }} as input_fingerprint
from (
    {#- One column list for both kinds of row, each column of one type, so the columns are
        hashed as they are (each row as text cost 7.0 s against 4.4 s at L). #}
    select
        document_id,
        'i' as input_kind,
        installment_no,
        due_order,
        item_count,
        item_amount as amount,
        cast(null as {{ dbt.type_string() }}) as reduction_type,
        cast(null as {{ dbt.type_string() }}) as reduction_id,
        cast(null as {{ dbt.type_string() }}) as receipt_id,
        cast(null as date) as effective_date
    from {{ ref('int_receivable_items') }}
    where item_type = 'installment'
    {%- if only is not none %}
        and document_id in (select document_id from {{ only }})
    {%- endif %}
    union all
    select
        document_id,
        'r',
        installment_no,
        null,
        null,
        reduction_amount,
        reduction_type,
        reduction_id,
        receipt_id,
        effective_date
    from {{ ref('int_document_reductions') }}
    {%- if only is not none %}
    where document_id in (select document_id from {{ only }})
    {%- endif %}
) as inputs
group by document_id
{%- endmacro %}

{#- One fingerprint of a group's rows given as columns (any types; a null is a value),
    whatever their order: the default joins each row as text and hashes the rows in their
    sorted order. With
    `over` (what an OVER clause holds) it is a window aggregate, the fingerprint of each
    row's window on every row; `where` keeps only the rows where it holds. -#}
{% macro fingerprint_of_columns(prefix, columns, over=none, where=none) -%}
    {{ return(adapter.dispatch('fingerprint_of_columns', 'cartera')(prefix, columns, over, where)) }}
{%- endmacro %}

{% macro default__fingerprint_of_columns(prefix, columns, over, where) -%}
{%- if over is not none or where is not none %}
    {{ exceptions.raise_compiler_error("fingerprint_of_columns: a window or a filter needs an adapter's own implementation") }}
{%- endif %}
{%- set row = [] -%}
{%- for column in columns -%}
    {%- do row.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- if not loop.last %}{% do row.append("';'") %}{% endif -%}
{%- endfor -%}
{%- set row_text = dbt.concat(row) -%}
{{ dbt.hash(dbt.concat([prefix, dbt.listagg(row_text, "'|'", 'order by ' ~ row_text)])) }}
{%- endmacro %}

{#- DuckDB: its hash takes the columns themselves (a null hashes to a value of its own),
    so no text is built per row: at M, 0.19 s against 0.82 s for the text of the 931,871
    movements statement_of_account fingerprints. An ordered string_agg would hold every
    group's rows until it sorts them (at M int_settlement_events peaked at 506 MB of
    buffers with it, 380 MB without); the sum of each row's 64-bit hash needs no order and
    keeps two numbers per group: with the row count it changes whenever a row does (equal
    only if the sums collide, about 2^-64). DuckDB's hash, not md5: md5_number_upper/lower
    go through bit strings (at M a third of int_settlement_events' time), and the md5 of
    the prefix, count and sum as text cost 4.4 s of CPU for L's 7.1 M documents where
    hashing the three costs 0.5 s. A DuckDB release that hashed differently would
    recompute every kept row once. -#}
{% macro duckdb__fingerprint_of_columns(prefix, columns, over, where) -%}
{%- set tail = (' filter (where ' ~ where ~ ')' if where is not none else '')
    ~ (' over (' ~ over ~ ')' if over is not none else '') %}
cast(hash({{ prefix }}, count(*){{ tail }}, sum(hash({{ columns | join(', ') }})){{ tail }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#- int_settlement_events' candidates (its pre-hooks: write_candidates, then
    drop_candidates of those fingerprinted_otherwise, which deletes the rows of every candidate
    whose inputs' fingerprint is not the one its rows carry, changed or gone): the
    documents whose inputs may have changed since its latest rows, those whose items or
    reductions were computed since (their positions) and those holding a reduction read
    again since (reduction_read_again: a reduction gone leaves no position behind; a
    document gone from the items was read again, or withdrawn, which computes every
    reduction again). Fingerprinting every document cost 4.9-5.2 s of L's +1 day. -#}
{% macro settlement_event_candidates() -%}
{{ computed_since_last_build(ref('int_receivable_items')) }}
union
{{ computed_since_last_build(ref('int_document_reductions')) }}
union
select document_id from {{ this }}
where {{ reduction_read_again('(select max(_read_through_file_id) from ' ~ this ~ ')') }}
{%- endmacro %}

{#- A model kept by document fingerprint that knows which documents may have changed
    compares only those, its candidates, when it holds rows and they all carry this
    version (model_version); an empty table (its candidates, read from its positions,
    would be none: a first refresh with no payment kept int_settlement_events empty for
    good), a table with rows of another version, or from before the versions, is emptied
    and computed whole. Decided from the table as it is before the pre-hooks, so the
    pre-hooks and the model's query (compiled first) agree. -#}
{% macro compares_candidates(version=none) -%}
{{ return(is_incremental() and holds_column('_model_version') and holds_rows()
    and not holds_other_versions(version or model_version())) }}
{%- endmacro %}

{#- The temp table the first pre-hook writes the candidates to: the second compares them and
    the model computes those of them the table no longer holds (the same connection runs a
    model's hooks and query). Anti-joining every upstream document against the whole table
    instead cost L's +1 day 12.6 of the balances' 17.4 s of query under load (1.2 s from
    the candidates). -#}
{% macro candidates_table() -%}
{{ return(this.identifier ~ '__candidates') }}
{%- endmacro %}

{#- The first pre-hook of such a model: `candidates` (a query of document_id) into the temp
    table, when it compares candidates (`compared`: compares_candidates() unless the model
    decides otherwise). -#}
{% macro write_candidates(candidates, compared=none) -%}
{%- if (compares_candidates() if compared is none else compared) %}
create or replace temp table {{ candidates_table() }} as
{{ candidates }}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The second pre-hook: deletes the rows of the candidates that `changed` (a query of
    document_id; all of them unless given) says may stand otherwise now; every row of a
    table it does not compare candidates of (`compared`, as write_candidates'). The as-of
    marts delete every candidate (their candidates are what may stand otherwise at the
    build's as-of date, by rule); a model kept by fingerprint, those whose fingerprint
    moved. -#}
{% macro drop_candidates(compared, changed=none) -%}
{%- if compared %}
delete from {{ this }}
where document_id in ({{ changed or 'select document_id from ' ~ candidates_table() }})
{%- elif is_incremental() %}
delete from {{ this }}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The candidates whose stored `column` is not what `fingerprints` (a macro taking `only`,
    a relation of document_id, and giving document_id and `column`) gives them now:
    changed, or gone. -#}
{% macro fingerprinted_otherwise(column, fingerprints) -%}
select document_id
from (
    select document_id, {{ column }}
    from {{ this }}
    where document_id in (select document_id from {{ candidates_table() }})
    except
    select document_id, {{ column }}
    from ({{ fingerprints(only=candidates_table()) }}) as fingerprints
) as changed
{%- endmacro %}

{#- The documents such a model computes, a condition on `column`: the candidates it no
    longer holds (changed, or new: a new document is computed since upstream, so a
    candidate) when `candidates` is the temp table (the model gives candidates_table() when
    compares_candidates(), decided once); none left out when it is none (a full build, or
    a table the pre-hook emptied). -#}
{% macro not_held_candidates(candidates, column) -%}
{%- if candidates is not none -%}
{{ column }} in (
    select document_id from {{ candidates }}
    where document_id not in (
        select document_id from {{ this }}
        where document_id in (select document_id from {{ candidates }})))
{%- else -%}
1 = 1
{%- endif -%}
{%- endmacro %}

{#- The pre-hook of a model kept by fingerprint: on an incremental build, deletes the rows
    of every key (the `keys` columns) whose stored `column` is not the one `fingerprints`
    (a query of the keys and `fingerprint_column`, `column` unless named) gives it now:
    changed, or gone. A table from before the fingerprint column is emptied (every key is
    computed again; the column is added). -#}
{% macro drop_keys_fingerprinted_otherwise(keys, column, fingerprints, fingerprint_column=none) -%}
{%- if is_incremental() and not holds_column(column) %}
delete from {{ this }}
{%- elif is_incremental() %}
delete from {{ this }} as stored
using (
    select {{ keys | join(', ') }}, {{ column }} from {{ this }}
    except
    select {{ keys | join(', ') }}, {{ fingerprint_column or column }} from ({{ fingerprints }}) as fingerprints
) as changed
where
    {%- for key in keys %}
    {{ 'and ' if not loop.first }}changed.{{ key }} = stored.{{ key }}
    {%- endfor %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- What int_receivable_item_balances computes a document from, as one fingerprint per
    document: its items (every column the model passes on, the FX factor and dispute flag
    too) and its waterfall (int_settlement_events' input_fingerprint; none while nothing
    reduced it), with the model's own code. Equal fingerprints, equal periods
    (DECISIONLOG: Item balances by the day). only as in settlement_input_fingerprints. -#}
{% macro item_balance_fingerprints(only=none) -%}
{%- set item_columns = ['items.item_type', 'items.installment_no', 'items.document_type', 'items.document_number',
    'items.client_id', 'items.currency_code', 'items.issue_date', 'items.due_date', 'items.item_amount',
    'items.is_in_dispute', 'items.to_reporting_factor'] -%}
{%- set code_and_waterfall = dbt.concat(["'" ~ local_md5(model.raw_code) ~ "'", "coalesce(max(events.input_fingerprint), '')"]) -%}
select
    items.document_id,
    {{ fingerprint_of_columns(code_and_waterfall, item_columns) }} as balance_fingerprint,
    max(events.input_fingerprint) as events_fingerprint
from {{ ref('int_receivable_items') }} as items
left join (
    select distinct document_id, input_fingerprint
    from {{ ref('int_settlement_events') }}
    {%- if only is not none %}
    where document_id in (select document_id from {{ only }})
    {%- endif %}
) as events
    on events.document_id = items.document_id
{%- if only is not none %}
where items.document_id in (select document_id from {{ only }})
{%- endif %}
group by items.document_id
{%- endmacro %}

{#- The documents whose rows in a model kept by document (int_receivable_item_balances,
    int_installment_settlements) may have changed since its last build: those whose items
    or events were computed since (their positions), those it holds whose events are all
    gone (`had_events`, a condition on its rows, says which held any), and those gone from
    the items. -#}
{% macro documents_reached_since_last_build(had_events='1 = 1') -%}
{{ computed_since_last_build(ref('int_receivable_items')) }}
union
{{ computed_since_last_build(ref('int_settlement_events')) }}
union
(
    select document_id from {{ this }} where {{ had_events }}
    except
    select document_id from {{ ref('int_settlement_events') }}
)
union
(
    {{ held_documents_gone_from_items() }}
)
{%- endmacro %}

{#- The documents this table holds that int_receivable_items has no more. Only a document
    whose items were read again since the table's last build can have gone from them (void,
    or a credit note now linked to its invoice), so only those are looked up (the whole
    table against every item cost 2.4 s of L's +1 day); after a withdrawal of a documents
    or instalments file, whose documents leave staging unnamed, every document held is. -#}
{% macro held_documents_gone_from_items() -%}
{%- set items = ref('int_receivable_items') %}
{%- if withdrawn_since(['documents', 'installments']) %}
select document_id from {{ this }}
except
select document_id from {{ items }}
{%- else %}
{%- set read_again = staged_items_read_again('(select max(_read_through_file_id) from ' ~ this ~ ')') %}
select document_id from {{ this }} where document_id in ({{ read_again }})
except
select document_id from {{ items }} where document_id in ({{ read_again }})
{%- endif %}
{%- endmacro %}

{#- int_receivable_item_balances' candidates (its pre-hooks as int_settlement_events'; the
    periods of a document whose fingerprint, item_balance_fingerprints, changed or is gone
    are deleted). Its rows change only with its items or its waterfall, so the documents
    that may have changed are those whose items or events were computed since its last
    build (their positions), those whose events are gone (a withdrawn or moved payment:
    events_fingerprint stored, no event now) and those gone from the items
    (DECISIONLOG: Item balances by the day). -#}
{% macro item_balance_candidates() -%}
{{ documents_reached_since_last_build(had_events='events_fingerprint is not null') }}
{%- endmacro %}

{#- int_open_item_months' candidates (its pre-hooks: write_candidates, then
    drop_candidates of those fingerprinted_otherwise by balance_fingerprints_held, which deletes
    the months of every candidate whose periods int_receivable_item_balances computed
    again, their fingerprint no longer the one the rows carry; the model computes those
    documents whole): the documents the balances computed since the periods this table
    holds (their positions, which its rows carry), and those gone from the balances. A
    later horizon (the month of the last valid_from, which periods still holding run to)
    only adds months to the kept periods still holding (the model); an earlier one (the
    last payment withdrawn) ends them there: their months past it go (DECISIONLOG: Item
    balances by the day). -#}
{% macro open_item_month_candidates() -%}
{%- set balances = ref('int_receivable_item_balances') %}
{{ computed_since_last_build(balances) }}
union
-- The balances hold periods for every item: a document gone from them is gone from the items.
({{ held_documents_gone_from_items() }})
{%- endmacro %}

{#- The fingerprint int_receivable_item_balances' periods of each document carry, for
    `only`'s documents. -#}
{% macro balance_fingerprints_held(only) -%}
select distinct document_id, balance_fingerprint
from {{ ref('int_receivable_item_balances') }}
where document_id in (select document_id from {{ only }})
{%- endmacro %}

{#- int_open_item_months' rows are the balances' periods, with their fingerprint, position
    and version (_model_version: the balances' code, not this model's). It compares
    candidates when it holds rows with the fingerprint and the balances hold no version its
    months do not carry: balances computed again under new code (theirs, or upstream's:
    a first payment's events moved it) are read whole, as a document the new code dropped
    from the items is named by no position (held_documents_gone_from_items). -#}
{% macro compares_open_item_month_candidates() -%}
{%- if not (is_incremental() and holds_column('balance_fingerprint') and holds_rows()) %}
    {{- return(false) }}
{%- endif %}
{%- set new_versions = run_query(
    "select count(*) from (select distinct _model_version from " ~ ref('int_receivable_item_balances')
    ~ " except select distinct _model_version from " ~ this ~ ") as versions").columns[0].values()[0] %}
{{- return(new_versions == 0) }}
{%- endmacro %}

{% macro drop_open_item_months_past_the_horizon() -%}
{%- if is_incremental() %}
delete from {{ this }}
where period_month > (
    select cast({{ dbt.date_trunc('month', 'max(valid_from)') }} as date)
    from {{ ref('int_receivable_item_balances') }}
)
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- What int_installment_settlements reads of each instalment and its document besides the
    waterfall: one row per instalment of an issued invoice or debit note. The model
    computes from it and its pre-hook compares kept rows with it, so both read the same.
    `only` (a relation or CTE with a document_id column) limits it to those documents
    before the join and the conversion: filtered after them, at L the pre-hook joined and
    converted all 9.4 M instalments to compare 0.4 M. -#}
{% macro installment_settlement_inputs(only=none) -%}
select
    items.document_id,
    items.installment_no,
    items.document_type,
    items.document_number,
    items.client_id,
    items.currency_code,
    items.issue_date,
    items.due_date,
    items.item_amount as installment_amount,
    {{ to_reporting('items.item_amount', 'items.to_reporting_factor') }} as installment_reporting_amount,
    items.is_in_dispute,
    documents.early_discount_pct,
    documents.early_discount_days,
    documents.total_amount as document_total_amount
from {{ ref('int_receivable_items') }} as items
inner join {{ ref('stg_invoicing__documents') }} as documents
    on documents.document_id = items.document_id
where items.item_type = 'installment'
{%- if only is not none %}
    and items.document_id in (select document_id from {{ only }})
{%- endif %}
{%- endmacro %}

{#- A document's settlement rows' fingerprint: its waterfall inputs' (int_settlement_events'
    input_fingerprint) with the model's own code, so a changed rule recomputes them all. -#}
{% macro installment_settlement_fingerprint(events_fingerprint) -%}
{{ dbt.hash(dbt.concat([events_fingerprint, "'" ~ local_md5(model.raw_code) ~ "'"])) }}
{%- endmacro %}

{#- int_installment_settlements' candidates (written by its first pre-hook): the documents
    whose rows may not be computed the same now, those documents_reached_since_last_build
    gives (their items or waterfall computed since, or gone) and those with a reduction
    between the as-of date the rows answer for and this build's, either way (what is
    visible at the as-of date changed: an instalment it settles, or one a date moved back
    opens). A document the table does not hold has no settled instalment: only a reduction
    can settle one, so one that is no candidate still has none. -#}
{% macro installment_settlement_candidates() -%}
{{ documents_reached_since_last_build() }}
union
{{ dated_between_as_of_dates(ref('int_document_reductions'), 'effective_date') }}
{%- endmacro %}

{#- int_installment_settlements' second pre-hook: deletes the rows of every candidate whose
    rows would not be computed the same now: its waterfall inputs changed or are gone
    (fingerprint), an instalment or document attribute read there changed (a re-export,
    the FX factor through the reporting amount), or a reduction of it falls between the
    two as-of dates. Every other read of the model is limited to the reductions up to the
    as-of date, so a document passing all three gives the same rows. Every row when the
    table compares no candidates (another version of the code, or empty). -#}
{% macro drop_changed_installment_settlements() -%}
{%- set compared = [
    'document_type', 'document_number', 'client_id', 'currency_code', 'issue_date', 'due_date',
    'installment_amount', 'installment_reporting_amount', 'is_in_dispute',
    'early_discount_pct', 'early_discount_days', 'document_total_amount'] %}
{%- set candidates = candidates_table() %}
{%- set changed %}
select stored.document_id
from (select * from {{ this }} where document_id in (select document_id from {{ candidates }})) as stored
left join ({{ installment_settlement_inputs(only=candidates) }}) as inputs
    on inputs.document_id = stored.document_id
    and inputs.installment_no = stored.installment_no
left join (
    select document_id, {{ installment_settlement_fingerprint('input_fingerprint') }} as settlement_fingerprint
    from (
        select distinct document_id, input_fingerprint from {{ ref('int_settlement_events') }}
        where document_id in (select document_id from {{ candidates }})
    ) as documents
) as events
    on events.document_id = stored.document_id
where inputs.document_id is null
    or events.document_id is null
    or stored.settlement_fingerprint <> events.settlement_fingerprint
    {%- for column in compared %}
    or {{ is_changed('inputs.' ~ column, 'stored.' ~ column) }}
    {%- endfor %}
union
{{ dated_between_as_of_dates(ref('int_document_reductions'), 'effective_date') }}
{%- endset %}
{{ drop_candidates(compares_candidates(), changed) }}
{%- endmacro %}
