{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_keys_read_again('document_id', staged_items_read_again, ['documents', 'installments'],
        rules=document_fx_rules()) }}"
) }}
-- depends_on: {{ ref('stg_fx__rates') }}
-- One row per receivable item: each instalment of an issued invoice or debit note (a
-- document without instalment rows has one: its total at its due date), and each
-- unlinked credit note as a negative item dated its issue date (DECISIONLOG: credit
-- notes). Void documents count for nothing.
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a build reads again the
-- documents staging computed since and, after a rates file, those in another currency
-- (macros/document_changes.sql).
{%- set position = read_after(['documents', 'installments'], rules=document_fx_rules()) %}
with documents as (
    select *
    from {{ ref('stg_invoicing__documents') }}
    where not is_void
),

-- The documents whose items this build computes.
read_documents as (
    select *
    from documents
    {%- if position is not none %}
    where document_id in ({{ staged_items_read_again(position) }})
    {%- endif %}
),

-- Every receivable document: a credit note read again looks up the one it corrects here.
receivable_documents as (
    select * from documents where document_type in ('invoice', 'debit_note')
),

read_receivable_documents as (
    select * from read_documents where document_type in ('invoice', 'debit_note')
),

explicit_installments as (
    select
        installments.document_id,
        installments.installment_no,
        installments.due_date,
        installments.installment_amount as item_amount
    from {{ ref('stg_invoicing__installments') }} as installments
    inner join read_receivable_documents
        on read_receivable_documents.document_id = installments.document_id
),

implied_installments as (
    select
        document_id,
        1 as installment_no,
        due_date,
        total_amount as item_amount
    from read_receivable_documents
    where document_id not in (select document_id from explicit_installments)
),

installments as (
    select * from explicit_installments
    union all
    select * from implied_installments
),

unlinked_credit_notes as (
    select
        credit_notes.document_id,
        1 as installment_no,
        credit_notes.issue_date as due_date,
        -credit_notes.total_amount as item_amount
    from read_documents as credit_notes
    left join receivable_documents as corrected
        on corrected.document_id = credit_notes.related_document_id
    where credit_notes.document_type = 'credit_note'
        and corrected.document_id is null
),

items as (
    select 'installment' as item_type, * from installments
    union all
    select 'credit_note' as item_type, * from unlinked_credit_notes
)

select
    items.item_type,
    items.document_id,
    items.installment_no,
    documents.document_type,
    documents.document_number,
    documents.client_id,
    documents.currency_code,
    documents.issue_date,
    items.due_date,
    {{ money('items.item_amount') }} as item_amount,
    documents.is_in_dispute,
    row_number() over (
        partition by items.document_id order by items.due_date, items.installment_no
    ) as due_order,
    count(*) over (partition by items.document_id) as item_count,
    {{ fx_factor('fx', 'documents.currency_code') }} as to_reporting_factor,
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=document_fx_rules()) }} as _model_version
from items
inner join read_documents as documents
    on documents.document_id = items.document_id
{{ join_fx_factor('fx', 'documents.currency_code', 'documents.issue_date') }}
