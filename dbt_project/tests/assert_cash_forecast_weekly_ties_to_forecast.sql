-- The weekly summary has the 13 weeks, consecutive Mondays from the week of the as-of
-- date's next day, and its amounts are cash_forecast's items expected in those weeks.
with weekly as (
    select
        count(*) as week_count,
        min(week_start_date) as first_week_start_date,
        max(week_start_date) as last_week_start_date,
        sum(expected_amount) as expected_amount,
        sum(doubtful_amount) as doubtful_amount
    from {{ ref('cash_forecast_weekly') }}
),

in_horizon as (
    select
        coalesce(sum(forecast.expected_amount), 0) as expected_amount,
        coalesce(sum(forecast.doubtful_amount), 0) as doubtful_amount
    from {{ ref('cash_forecast') }} as forecast
    inner join weekly
        on forecast.week_start_date between weekly.first_week_start_date and weekly.last_week_start_date
)

select weekly.*, in_horizon.expected_amount as forecast_expected_amount, in_horizon.doubtful_amount as forecast_doubtful_amount
from weekly
cross join in_horizon
where weekly.week_count <> 13
    or {{ dbt.datediff('weekly.first_week_start_date', 'weekly.last_week_start_date', 'day') }} <> 84
    or weekly.expected_amount <> in_horizon.expected_amount
    or weekly.doubtful_amount <> in_horizon.doubtful_amount
