-- Shares of a period (client_concentration) and of the open AR (ar_concentration) add
-- up to 100 %. Each share is rounded to 4 decimals on its own, so the sum may miss 100
-- by up to 0.00005 per client: the tolerance is 0.01, or that bound when larger
-- (more than 200 clients).
with sums as (
    select
        'client_concentration' as model_name,
        period_type,
        period_end,
        sum(revenue_share_pct) as share_sum,
        count(*) as client_count
    from {{ ref('client_concentration') }}
    group by period_type, period_end

    union all

    select 'ar_concentration', 'as_of', as_of_date, sum(ar_share_pct), count(*)
    from {{ ref('ar_concentration') }}
    group by as_of_date
)

select *
from sums
where abs(share_sum - 100) > case when client_count * 0.00005 > 0.01 then client_count * 0.00005 else 0.01 end
