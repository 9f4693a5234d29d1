-- One row per signed movement of a client's account, in document currency: issued
-- invoices and debit notes (+), credit notes (-), withholdings the client applied (-),
-- receipts (-, the whole amount, applied or not, at their best payment date), with the
-- running balance per client and currency in date order. Void documents are left out.
with documents as (
    select *
    from {{ ref('stg_invoicing__documents') }}
    where not is_void
),

movements as (
    select
        'document' as movement_source,
        document_type as movement_type,
        document_id as movement_id,
        client_id,
        currency_code,
        issue_date as movement_date,
        document_number as reference,
        case when document_type = 'credit_note' then -total_amount else total_amount end as movement_amount
    from documents

    union all

    select
        'withholding',
        'withholding',
        withholdings.withholding_id,
        documents.client_id,
        documents.currency_code,
        withholdings.withholding_date,
        documents.document_number,
        -withholdings.withholding_amount
    from {{ ref('stg_invoicing__withholdings') }} as withholdings
    inner join documents
        on documents.document_id = withholdings.document_id
        and documents.document_type in ('invoice', 'debit_note')

    union all

    select
        'receipt',
        'receipt',
        receipts.receipt_id,
        receipts.client_id,
        receipts.currency_code,
        receipts.payment_date,
        payments.payment_reference,
        -receipts.receipt_amount
    from {{ ref('int_receipts') }} as receipts
    inner join {{ ref('stg_invoicing__receipts') }} as payments
        on payments.receipt_id = receipts.receipt_id
)

select
    movement_source,
    movement_type,
    movement_id,
    client_id,
    currency_code,
    movement_date,
    reference,
    {{ money('movement_amount') }} as movement_amount,
    {{ money('sum(movement_amount) over (partition by client_id, currency_code order by movement_date, movement_source, movement_id rows between unbounded preceding and current row)') }} as running_balance_amount
from movements
