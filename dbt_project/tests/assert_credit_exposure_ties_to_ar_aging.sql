-- Exposure is the open balance of ar_aging: every client of ar_aging is in credit_limits
-- with the same open balance and unapplied cash, and every other client has none.
select
    coalesce(limits.client_id, aging.client_id) as client_id,
    limits.exposure_amount,
    aging.open_balance_amount,
    limits.exposure_net_of_unapplied_amount,
    aging.net_balance_amount
from {{ ref('credit_limits') }} as limits
full outer join {{ ref('ar_aging') }} as aging
    on aging.client_id = limits.client_id
where limits.client_id is null
    or limits.exposure_amount <> coalesce(aging.open_balance_amount, 0)
    or limits.exposure_net_of_unapplied_amount <> coalesce(aging.net_balance_amount, 0)
