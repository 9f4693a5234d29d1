-- Every payment of payment_behavior's 365-day window is in exactly one bucket of
-- payment_delay_distribution: per client the counts and amounts add up to
-- paid_count_365 and paid_amount_365, to the cent.
with distributed as (
    select client_id, sum(payment_count) as payment_count, sum(paid_amount) as paid_amount
    from {{ ref('payment_delay_distribution') }}
    group by client_id
)

select behavior.client_id, behavior.paid_count_365, distributed.payment_count,
       behavior.paid_amount_365, distributed.paid_amount
from {{ ref('payment_behavior') }} as behavior
full outer join distributed
    on distributed.client_id = behavior.client_id
where coalesce(distributed.payment_count, 0) <> coalesce(behavior.paid_count_365, 0)
    or coalesce(distributed.paid_amount, 0) <> coalesce(behavior.paid_amount_365, 0)
