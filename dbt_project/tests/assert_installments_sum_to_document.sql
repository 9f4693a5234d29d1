-- The instalments of every receivable document sum to its total.
with documents as (
    select document_id, total_amount
    from {{ ref('stg_invoicing__documents') }}
    where not is_void and document_type in ('invoice', 'debit_note')
),

installments as (
    select document_id, sum(item_amount) as installments_amount
    from {{ ref('int_receivable_items') }}
    where item_type = 'installment'
    group by document_id
)

select documents.document_id, documents.total_amount, installments.installments_amount
from documents
left join installments
    on installments.document_id = documents.document_id
where installments.installments_amount is null
    or installments.installments_amount <> documents.total_amount
