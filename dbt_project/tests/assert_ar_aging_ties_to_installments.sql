-- Every client's aging total equals its open items in fct_installments (reporting
-- currency), and the company total is the same on both sides.
with aging as (
    select client_id, open_balance_amount from {{ ref('ar_aging') }}
),

installments as (
    select client_id, sum(outstanding_reporting_amount) as open_balance_amount
    from {{ ref('fct_installments') }}
    group by client_id
)

select
    coalesce(aging.client_id, installments.client_id) as client_id,
    aging.open_balance_amount as aging_amount,
    installments.open_balance_amount as installments_amount
from aging
full outer join installments
    on installments.client_id = aging.client_id
where coalesce(aging.open_balance_amount, 0) <> coalesce(installments.open_balance_amount, 0)
