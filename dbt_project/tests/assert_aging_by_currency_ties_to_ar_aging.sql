-- Every client's reporting-currency totals, summed over its document currencies, equal
-- its ar_aging figures to the cent (both sides come from the same aging macro, so a
-- difference means the by-currency grouping lost or doubled an item or a receipt).
with by_currency as (
    select
        client_id,
        sum(open_balance_reporting_amount) as open_balance_amount,
        sum(unapplied_cash_reporting_amount) as unapplied_cash_amount,
        sum(net_balance_reporting_amount) as net_balance_amount
    from {{ ref('ar_aging_by_currency') }}
    group by client_id
),

aging as (
    select client_id, open_balance_amount, unapplied_cash_amount, net_balance_amount
    from {{ ref('ar_aging') }}
)

select
    coalesce(aging.client_id, by_currency.client_id) as client_id,
    aging.net_balance_amount as aging_net_balance_amount,
    by_currency.net_balance_amount as by_currency_net_balance_amount
from aging
full outer join by_currency
    on by_currency.client_id = aging.client_id
where coalesce(aging.open_balance_amount, 0) <> coalesce(by_currency.open_balance_amount, 0)
    or coalesce(aging.unapplied_cash_amount, 0) <> coalesce(by_currency.unapplied_cash_amount, 0)
    or coalesce(aging.net_balance_amount, 0) <> coalesce(by_currency.net_balance_amount, 0)
