-- The Pareto curve ends at 100 %: the cumulative share of a period's last rank is
-- exactly 100, and ranks run 1..N without gaps.
with ranks as (
    select
        'client_concentration' as model_name,
        period_type,
        period_end,
        revenue_rank as client_rank,
        cumulative_share_pct,
        count(*) over (partition by period_type, period_end) as client_count
    from {{ ref('client_concentration') }}

    union all

    select
        'ar_concentration',
        'as_of',
        as_of_date,
        ar_rank,
        cumulative_ar_share_pct,
        count(*) over (partition by as_of_date)
    from {{ ref('ar_concentration') }}
)

select *
from ranks
where client_rank > client_count
    or (client_rank = client_count and cumulative_share_pct <> 100)
