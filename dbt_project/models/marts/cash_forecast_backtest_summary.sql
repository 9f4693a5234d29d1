-- One row: how far cash_forecast's rule lands from the actual settlement day over every
-- instalment of cash_forecast_backtest, against the naive forecast "paid on its due date".
-- The as-of date comes from int_as_of_date, not from the backtest's rows: with nothing
-- settled yet the row still says which date it answers for (counts 0, errors NULL).
select
    as_of.as_of_date,
    count(backtest.installment_key) as installment_count,
    min(paid_date) as first_paid_date,
    max(paid_date) as last_paid_date,
    cast(avg(cast(absolute_error_days as decimal(18, 4))) as decimal(18, 2)) as mean_absolute_error_days,
    cast(avg(cast(error_days as decimal(18, 4))) as decimal(18, 2)) as mean_error_days,
    cast(avg(cast(due_date_absolute_error_days as decimal(18, 4))) as decimal(18, 2)) as due_date_mean_absolute_error_days,
    cast(
        sum({{ wide('installment_reporting_amount') }} * absolute_error_days) / nullif(sum(installment_reporting_amount), 0)
        as decimal(18, 2)
    ) as weighted_mean_absolute_error_days
from {{ ref('int_as_of_date') }} as as_of
left join {{ ref('cash_forecast_backtest') }} as backtest
    on 1 = 1
group by as_of.as_of_date
