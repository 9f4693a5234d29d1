{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_reductions_read_again() }}"
) }}
-- One row per amount that reduces a receivable document: money of a receipt allocated
-- to it, a withholding the client applied, a credit note that corrects it. installment_no
-- is set only when an allocation names an instalment the document has; otherwise the
-- amount pays the open instalments oldest due date first (int_settlement_events applies them).
-- A reduction dated before its document counts from the document's issue date.
--
-- Kept by the file (DECISIONLOG: Reductions by the file): the pre-hook deletes the rows of
-- the documents and receipts read again since the table's latest rows, of the credit notes
-- staging read again and every withholding's (macros/reductions_kept.sql); a build
-- computes those.
-- depends_on: {{ ref('stg_invoicing__installments') }}, {{ ref('stg_invoicing__allocations') }}, {{ ref('int_receipts') }}
{%- set position = read_after(reduction_entities()) %}
with receivable_documents as (
    select document_id, issue_date
    from {{ ref('stg_invoicing__documents') }}
    where not is_void and document_type in ('invoice', 'debit_note')
),

installments as (
    select document_id, installment_no
    from {{ ref('int_receivable_items') }}
    where item_type = 'installment'
),

-- The allocations this build computes, picked before the joins: DuckDB joined all 9.0 M
-- of L's allocations to their receipts and instalments and filtered after (4.1 s).
allocations as (
    select allocation_id, receipt_id, document_id, installment_no, allocated_amount
    from {{ ref('stg_invoicing__allocations') }}
    {%- if position is not none %}
    where document_id in ({{ reduced_documents_read_again(position) }})
        or receipt_id in ({{ allocated_receipts_read_again(position) }})
    {%- endif %}
),

allocated_receipts as (
    select
        'receipt' as reduction_type,
        allocations.allocation_id as reduction_id,
        allocations.receipt_id,
        allocations.document_id,
        installments.installment_no,
        receipts.payment_date as reduction_date,
        allocations.allocated_amount as reduction_amount
    from allocations
    inner join {{ ref('int_receipts') }} as receipts
        on receipts.receipt_id = allocations.receipt_id
    left join installments
        on installments.document_id = allocations.document_id
        and installments.installment_no = allocations.installment_no
),

withholdings as (
    select
        'withholding' as reduction_type,
        withholding_id as reduction_id,
        cast(null as {{ dbt.type_string() }}) as receipt_id,
        document_id,
        cast(null as integer) as installment_no,
        withholding_date as reduction_date,
        withholding_amount as reduction_amount
    from {{ ref('stg_invoicing__withholdings') }}
),

credit_notes as (
    select
        'credit_note' as reduction_type,
        document_id as reduction_id,
        cast(null as {{ dbt.type_string() }}) as receipt_id,
        related_document_id as document_id,
        cast(null as integer) as installment_no,
        issue_date as reduction_date,
        total_amount as reduction_amount
    from {{ ref('stg_invoicing__documents') }}
    where document_type = 'credit_note' and not is_void
    {%- if position is not none %}
        and (
            related_document_id in ({{ reduced_documents_read_again(position) }})
            or document_id in ({{ documents_staged_since(position) }})
        )
    {%- endif %}
),

reductions as (
    select * from allocated_receipts
    union all
    select * from withholdings
    union all
    select * from credit_notes
)

select
    reductions.reduction_type,
    reductions.reduction_id,
    reductions.receipt_id,
    reductions.document_id,
    reductions.installment_no,
    reductions.reduction_date,
    case
        when reductions.reduction_date < receivable_documents.issue_date then receivable_documents.issue_date
        else reductions.reduction_date
    end as effective_date,
    reductions.reduction_amount,
    {{ model_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from reductions
inner join receivable_documents
    on receivable_documents.document_id = reductions.document_id
