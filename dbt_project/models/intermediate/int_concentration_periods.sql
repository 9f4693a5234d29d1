-- One row per period that concentration is measured over: every calendar month, quarter
-- and year from the first document's month (the as-of date's, with no documents) to the
-- as-of date, and a trailing twelve months ending at each month end and at the as-of date
-- itself. A period still running at the as-of date ends on it (period to date): nothing
-- later exists yet.
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

months as (
    -- date_spine counts the months with a query of its own at compile time, so its
    -- bounds name relations, not CTEs (and the model cannot be a dbt unit test).
    {{ dbt.date_spine(
        datepart="month",
        start_date="(select " ~ dbt.date_trunc('month', 'coalesce(min(issue_date), (select as_of_date from ' ~ ref('int_as_of_date') ~ '))') ~ " from " ~ ref('stg_invoicing__documents') ~ ")",
        end_date="(select " ~ dbt.dateadd('month', 1, 'as_of_date') ~ " from " ~ ref('int_as_of_date') ~ ")"
    ) }}
),

month_starts as (
    select cast(date_month as date) as month_start
    from months
    where cast(date_month as date) <= (select as_of_date from as_of)
),

calendar_periods as (
    select distinct
        period_type,
        period_start,
        cast(
            case
                when period_type = 'month' then {{ dbt.last_day('period_start', 'month') }}
                when period_type = 'quarter' then {{ dbt.last_day('period_start', 'quarter') }}
                else {{ dbt.last_day('period_start', 'year') }}
            end
        as date) as calendar_end
    from (
        select 'month' as period_type, month_start as period_start from month_starts
        union all
        select 'quarter', cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) from month_starts
        union all
        select 'year', cast({{ dbt.date_trunc('year', 'month_start') }} as date) from month_starts
    ) as starts
),

trailing_at_month_ends as (
    -- Counted in whole months so that a window ending on 28 February starts on 1 March.
    select
        'trailing_12_months' as period_type,
        cast({{ dbt.dateadd('month', -11, 'month_start') }} as date) as period_start,
        cast({{ dbt.last_day('month_start', 'month') }} as date) as period_end
    from month_starts
    where cast({{ dbt.last_day('month_start', 'month') }} as date) <= (select as_of_date from as_of)
),

trailing_at_as_of as (
    select
        'trailing_12_months' as period_type,
        cast({{ dbt.dateadd('day', 1, dbt.dateadd('month', -12, 'as_of_date')) }} as date) as period_start,
        as_of_date as period_end
    from as_of
    -- At a month end this window is already one of the month-end windows.
    where as_of_date <> cast({{ dbt.last_day('as_of_date', 'month') }} as date)
)

select
    period_type,
    period_start,
    case when calendar_end > (select as_of_date from as_of) then (select as_of_date from as_of) else calendar_end end as period_end
from calendar_periods

union all

select period_type, period_start, period_end from trailing_at_month_ends

union all

select period_type, period_start, period_end from trailing_at_as_of
