-- What the matching rules (2-6) apply to a document, summed over every bank line, never
-- exceeds what the document still owed at the as-of date; and a registered receipt's
-- line gives its documents no more than the invoicing system allocated.
with suggested as (
    select document_id, sum(applied_amount) as applied_amount
    from {{ ref('cash_application') }}
    where not is_registered and document_id is not null
    group by document_id
),

registered as (
    select receipt_id, document_id, sum(applied_amount) as applied_amount
    from {{ ref('cash_application') }}
    where is_registered and document_id is not null
    group by receipt_id, document_id
),

allocated as (
    select receipt_id, document_id, sum(allocated_amount) as allocated_amount
    from {{ ref('stg_invoicing__allocations') }}
    group by receipt_id, document_id
)

select 'suggested' as kind, suggested.document_id, suggested.applied_amount, documents.outstanding_amount as limit_amount
from suggested
left join {{ ref('fct_documents') }} as documents
    on documents.document_id = suggested.document_id
where documents.outstanding_amount is null or suggested.applied_amount > documents.outstanding_amount

union all

select 'registered', registered.document_id, registered.applied_amount, allocated.allocated_amount
from registered
left join allocated
    on allocated.receipt_id = registered.receipt_id
    and allocated.document_id = registered.document_id
where allocated.allocated_amount is null or registered.applied_amount > allocated.allocated_amount
