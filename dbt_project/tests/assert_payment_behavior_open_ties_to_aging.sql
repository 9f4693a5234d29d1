-- What payment_behavior says a client owes late and in dispute is ar_aging's figure
-- (both read int_receivable_item_balances at the as-of date; a client without an ar_aging row owes nothing).
select
    behavior.client_id,
    behavior.overdue_amount,
    aging.overdue_amount as aging_overdue_amount,
    behavior.open_disputes_amount,
    aging.in_dispute_amount as aging_in_dispute_amount
from {{ ref('payment_behavior') }} as behavior
left join {{ ref('ar_aging') }} as aging
    on aging.client_id = behavior.client_id
where behavior.overdue_amount <> coalesce(aging.overdue_amount, 0)
    or behavior.open_disputes_amount <> coalesce(aging.in_dispute_amount, 0)
