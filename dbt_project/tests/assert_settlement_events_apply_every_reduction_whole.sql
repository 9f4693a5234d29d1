-- Every reduction of an issued invoice or debit note is applied whole by the waterfall
-- (the last instalment takes any excess), and only a document's last instalment by due
-- date ever goes below zero. Fails on each reduction or event row that breaks either.
with applied as (
    select reduction_type, reduction_id, sum(applied_amount) as applied_amount
    from {{ ref('int_settlement_events') }}
    group by reduction_type, reduction_id
)

select
    reductions.reduction_type,
    reductions.reduction_id,
    reductions.reduction_amount as expected_amount,
    applied.applied_amount as actual_amount
from {{ ref('int_document_reductions') }} as reductions
left join applied
    on applied.reduction_type = reductions.reduction_type
    and applied.reduction_id = reductions.reduction_id
where coalesce(applied.applied_amount, 0) <> reductions.reduction_amount

union all

select
    events.reduction_type,
    events.reduction_id,
    0 as expected_amount,
    events.outstanding_amount as actual_amount
from {{ ref('int_settlement_events') }} as events
inner join {{ ref('int_receivable_items') }} as items
    on items.document_id = events.document_id
    and items.installment_no = events.installment_no
where events.outstanding_amount < 0
    and items.due_order < items.item_count
