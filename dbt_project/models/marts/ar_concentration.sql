-- One row per client with a positive open balance at the as-of date (marts.ar_aging):
-- its share of the open receivable, rank, cumulative (Pareto) share and ABC class.
with open_balances as (
    -- Unapplied cash and credit balances are not receivable: a client with nothing (or
    -- less than nothing) open on documents has no share to rank (DECISIONLOG).
    select as_of_date, client_id, client_name, open_balance_amount as amount
    from {{ ref('ar_aging') }}
    where open_balance_amount > 0
),

ranked as (
    {{ pareto_ranking('select * from open_balances') }}
)

select
    as_of_date,
    client_id,
    client_name,
    '{{ var("reporting_currency") }}' as currency_code,
    amount as open_balance_amount,
    share_pct as ar_share_pct,
    client_rank as ar_rank,
    cumulative_share_pct as cumulative_ar_share_pct,
    abc_class
from ranked
