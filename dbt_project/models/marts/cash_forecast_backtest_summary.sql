-- One row: how far cash_forecast's rule lands from the actual settlement day over every
-- instalment of cash_forecast_backtest, against the naive forecast "paid on its due date".
select
    max(as_of_date) as as_of_date,
    count(*) as installment_count,
    min(paid_date) as first_paid_date,
    max(paid_date) as last_paid_date,
    cast(avg(cast(absolute_error_days as decimal(18, 4))) as decimal(18, 2)) as mean_absolute_error_days,
    cast(avg(cast(error_days as decimal(18, 4))) as decimal(18, 2)) as mean_error_days,
    cast(avg(cast(due_date_absolute_error_days as decimal(18, 4))) as decimal(18, 2)) as due_date_mean_absolute_error_days,
    cast(
        sum(installment_reporting_amount * absolute_error_days) / nullif(sum(installment_reporting_amount), 0)
        as decimal(18, 2)
    ) as weighted_mean_absolute_error_days
from {{ ref('cash_forecast_backtest') }}
