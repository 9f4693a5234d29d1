-- One row per period (every month, quarter, year and trailing twelve months, revenue or
-- not): how many clients shared its net revenue, the top-1/5/10 shares and the
-- Herfindahl-Hirschman index with its change from the previous period of the same type.
with periods as (
    select period_type, period_start, period_end
    from {{ ref('int_concentration_periods') }}
),

clients as (
    select * from {{ ref('client_concentration') }}
),

per_period as (
    -- Shares and HHI from the amounts, not from the rounded per-client shares:
    -- HHI = sum over clients of (100 * revenue / total)^2 = 10000 * sum(revenue^2) / total^2.
    select
        period_type,
        period_start,
        period_end,
        count(*) as client_count,
        sum(net_revenue_amount) as total_amount,
        sum(case when revenue_rank = 1 then net_revenue_amount else 0 end) as top1_amount,
        sum(case when revenue_rank <= 5 then net_revenue_amount else 0 end) as top5_amount,
        sum(case when revenue_rank <= 10 then net_revenue_amount else 0 end) as top10_amount,
        -- Squares of money overflow DECIMAL(18) from 10^7: widened first.
        sum({{ wide('net_revenue_amount') }} * {{ wide('net_revenue_amount') }}) as sum_of_squares
    from clients
    group by period_type, period_start, period_end
),

indexed as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        coalesce(per_period.client_count, 0) as client_count,
        {{ money('coalesce(per_period.total_amount, 0)') }} as total_net_revenue_amount,
        cast(100 * {{ wide('per_period.top1_amount') }} / nullif(per_period.total_amount, 0) as decimal(9, 4)) as top1_share_pct,
        cast(100 * {{ wide('per_period.top5_amount') }} / nullif(per_period.total_amount, 0) as decimal(9, 4)) as top5_share_pct,
        cast(100 * {{ wide('per_period.top10_amount') }} / nullif(per_period.total_amount, 0) as decimal(9, 4)) as top10_share_pct,
        cast(10000 * per_period.sum_of_squares / nullif({{ wide('per_period.total_amount') }} * {{ wide('per_period.total_amount') }}, 0) as decimal(9, 2)) as hhi
    from periods
    left join per_period
        on per_period.period_type = periods.period_type
        and per_period.period_start = periods.period_start
        and per_period.period_end = periods.period_end
)

select
    period_type,
    period_start,
    period_end,
    client_count,
    '{{ var("reporting_currency") }}' as currency_code,
    total_net_revenue_amount,
    top1_share_pct,
    top5_share_pct,
    top10_share_pct,
    hhi,
    cast(hhi - lag(hhi) over (partition by period_type order by period_end, period_start) as decimal(9, 2)) as hhi_change
from indexed
