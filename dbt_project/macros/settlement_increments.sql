{#- What int_settlement_events computes a document from, as one fingerprint per document:
    its instalments (number, due order, count, amount) and its reductions (type, id,
    receipt, named instalment, effective date, amount), hashed in a fixed order with the
    model's own code, so a changed rule recomputes every document. Equal fingerprints,
    equal events: a build keeps those rows (DECISIONLOG: Settlement events by the day). -#}
{% macro settlement_input_fingerprints() -%}
{%- set text = dbt.type_string() -%}
{%- set code_version = "'" ~ local_md5(model.raw_code) ~ "'" -%}
select
    document_id,
    {{ dbt.hash(dbt.concat([code_version, dbt.listagg('input_row', "'|'", 'order by input_row')])) }} as input_fingerprint
from (
    select
        document_id,
        {{ dbt.concat([
            "'i'", "';'", "cast(installment_no as " ~ text ~ ")", "';'", "cast(due_order as " ~ text ~ ")",
            "';'", "cast(item_count as " ~ text ~ ")", "';'", "cast(item_amount as " ~ text ~ ")"
        ]) }} as input_row
    from {{ ref('int_receivable_items') }}
    where item_type = 'installment'
    union all
    select
        document_id,
        {{ dbt.concat([
            "'r'", "';'", "reduction_type", "';'", "reduction_id",
            "';'", "coalesce(receipt_id, '')", "';'", "coalesce(cast(installment_no as " ~ text ~ "), '')",
            "';'", "cast(effective_date as " ~ text ~ ")", "';'", "cast(reduction_amount as " ~ text ~ ")"
        ]) }}
    from {{ ref('int_document_reductions') }}
) as inputs
group by document_id
{%- endmacro %}

{#- int_settlement_events' pre-hook: on an incremental build, deletes the rows of every
    document whose inputs' fingerprint is not the one its rows carry (changed or gone);
    the model then computes the documents the table no longer holds. A table from before
    the fingerprints is emptied (every document is computed again; the column is added). -#}
{% macro drop_changed_settlement_events() -%}
{%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list
    if is_incremental() else [] %}
{%- if is_incremental() and 'input_fingerprint' not in stored_columns %}
delete from {{ this }}
{%- elif is_incremental() %}
delete from {{ this }}
where document_id not in (
    select events.document_id
    from (select distinct document_id, input_fingerprint from {{ this }}) as events
    inner join ({{ settlement_input_fingerprints() }}) as inputs
        on inputs.document_id = events.document_id
        and inputs.input_fingerprint = events.input_fingerprint
)
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
