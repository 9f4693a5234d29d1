{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_ledger_movements_read_again() }}"
) }}
-- One row per signed movement of a client's account, in document currency: issued
-- invoices and debit notes (+), credit notes (-), withholdings the client applied (-),
-- receipts (-, the whole amount, applied or not). The running balance is
-- statement_of_account's (up to the as-of date, in document and reporting currency): one
-- place, one sort. movement_date is the day it counts from, as the aging counts it: a
-- receipt's best payment date; a withholding or linked credit note dated before the
-- document it reduces counts from that document's issue date (DECISIONLOG: instalments).
-- recorded_date is the date in the exports. Void documents are left out.
--
-- Kept by the file (DECISIONLOG: Ledger by the file): the pre-hook deletes the movements
-- of the documents and receipts read again since the table's latest rows
-- (macros/ledger_kept.sql) and every withholding's; a build computes those.
{%- set position = read_after(ledger_entities(), rules=money('amount')) %}
with documents as (
    select *
    from {{ ref('stg_invoicing__documents') }}
    where not is_void
),

-- The documents whose movement this build computes.
read_documents as (
    select *
    from documents
    {%- if position is not none %}
    where document_id in ({{ documents_staged_since(position) }})
    {%- endif %}
),

receivable as (
    select document_id, issue_date, client_id, currency_code, document_number
    from documents
    where document_type in ('invoice', 'debit_note')
),

movements as (
    select
        'document' as movement_source,
        documents.document_type as movement_type,
        documents.document_id as movement_id,
        documents.client_id,
        documents.currency_code,
        greatest(documents.issue_date, coalesce(corrected.issue_date, documents.issue_date)) as movement_date,
        documents.issue_date as recorded_date,
        documents.document_number as reference,
        case when documents.document_type = 'credit_note' then -documents.total_amount else documents.total_amount end as movement_amount
    from read_documents as documents
    left join receivable as corrected
        on corrected.document_id = documents.related_document_id
        and documents.document_type = 'credit_note'

    union all

    select
        'withholding',
        'withholding',
        withholdings.withholding_id,
        receivable.client_id,
        receivable.currency_code,
        greatest(withholdings.withholding_date, receivable.issue_date),
        withholdings.withholding_date,
        receivable.document_number,
        -withholdings.withholding_amount
    from {{ ref('stg_invoicing__withholdings') }} as withholdings
    inner join receivable
        on receivable.document_id = withholdings.document_id

    union all

    select
        'receipt',
        'receipt',
        receipts.receipt_id,
        receipts.client_id,
        receipts.currency_code,
        receipts.payment_date,
        receipts.receipt_date,
        payments.payment_reference,
        -receipts.receipt_amount
    from {{ ref('int_receipts') }} as receipts
    inner join {{ ref('stg_invoicing__receipts') }} as payments
        on payments.receipt_id = receipts.receipt_id
    {%- if position is not none %}
    where receipts.receipt_id in ({{ receipts_computed_since(position) }})
    {%- endif %}
)

select
    movement_source,
    movement_type,
    movement_id,
    client_id,
    currency_code,
    movement_date,
    recorded_date,
    reference,
    {{ money('movement_amount') }} as movement_amount,
    {{ model_version(rules=money('amount')) }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from movements
