-- Every client has one row in each dimension ('(not set)' when it has no value),
-- so each dimension's amounts add up to the company's, month by month; and the
-- company's ending AR is ar_aging_monthly's, its current + overdue parts its total.
with company as (
    select * from {{ ref('ar_kpis_monthly') }} where dimension_type = 'company'
),

dimensions as (
    select
        month_end,
        dimension_type,
        sum(credit_sales_amount) as credit_sales_amount,
        sum(beginning_ar_amount) as beginning_ar_amount,
        sum(ending_ar_amount) as ending_ar_amount,
        sum(current_ar_amount) as current_ar_amount,
        sum(overdue_ar_amount) as overdue_ar_amount
    from {{ ref('ar_kpis_monthly') }}
    where dimension_type <> 'company'
    group by month_end, dimension_type
),

aging as (
    select as_of_date, sum(open_balance_amount) as open_balance_amount
    from {{ ref('ar_aging_monthly') }}
    group by as_of_date
)

select company.month_end, dimensions.dimension_type, 'dimension does not add up' as failure
from company
inner join dimensions
    on dimensions.month_end = company.month_end
where dimensions.credit_sales_amount <> company.credit_sales_amount
    or dimensions.beginning_ar_amount <> company.beginning_ar_amount
    or dimensions.ending_ar_amount <> company.ending_ar_amount
    or dimensions.current_ar_amount <> company.current_ar_amount
    or dimensions.overdue_ar_amount <> company.overdue_ar_amount

union all

select company.month_end, company.dimension_type, 'company differs from ar_aging_monthly'
from company
left join aging
    on aging.as_of_date = company.month_end
where company.ending_ar_amount <> coalesce(aging.open_balance_amount, 0)
    or company.current_ar_amount + company.overdue_ar_amount <> company.ending_ar_amount
