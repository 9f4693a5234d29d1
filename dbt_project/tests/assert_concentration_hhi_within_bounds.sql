-- HHI lies between 10 000 / N (N equal clients) and 10 000 (one client), so within
-- 0-10 000; the top-N shares grow with N up to 100 %, and the summary ties to its rows.
with summary as (
    select * from {{ ref('concentration_summary') }}
),

clients as (
    select period_type, period_end, count(*) as client_count, sum(net_revenue_amount) as total_amount
    from {{ ref('client_concentration') }}
    group by period_type, period_end
)

select summary.*
from summary
left join clients
    on clients.period_type = summary.period_type
    and clients.period_end = summary.period_end
where summary.hhi < 0
    or summary.hhi > 10000
    or summary.hhi < cast(10000 as decimal(18, 4)) / nullif(summary.client_count, 0) - 0.01
    or summary.top1_share_pct > summary.top5_share_pct
    or summary.top5_share_pct > summary.top10_share_pct
    or summary.top10_share_pct > 100
    or summary.client_count <> coalesce(clients.client_count, 0)
    or summary.total_net_revenue_amount <> coalesce(clients.total_amount, 0)
    or (summary.client_count > 0 and summary.hhi is null)
