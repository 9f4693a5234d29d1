-- One row per ISO week of the 13 starting with the week of the as-of date's next day:
-- what cash_forecast expects to collect in it and what is doubtful; a week with nothing
-- expected is a row of zeros. Items expected after the 13th week are not here.
{% set first_week_start = iso_week_start(dbt.dateadd('day', 1, 'as_of_date')) %}

with weeks as (
    {{ dbt.date_spine(
        datepart="week",
        start_date="(select " ~ first_week_start ~ " from " ~ ref('int_as_of_date') ~ ")",
        end_date="(select " ~ dbt.dateadd('week', 13, first_week_start) ~ " from " ~ ref('int_as_of_date') ~ ")"
    ) }}
),

week_list as (
    select cast(date_week as date) as week_start_date
    from weeks
),

expected as (
    select
        week_start_date,
        sum(expected_amount) as expected_amount,
        sum(doubtful_amount) as doubtful_amount,
        count(*) as installment_count
    from {{ ref('cash_forecast') }}
    group by week_start_date
)

select
    (select as_of_date from {{ ref('int_as_of_date') }}) as as_of_date,
    week_list.week_start_date,
    cast({{ dbt.dateadd('day', 6, 'week_list.week_start_date') }} as date) as week_end_date,
    {{ iso_week_label('week_list.week_start_date') }} as iso_week,
    {{ money('coalesce(expected.expected_amount, 0)') }} as expected_amount,
    {{ money('coalesce(expected.doubtful_amount, 0)') }} as doubtful_amount,
    coalesce(expected.installment_count, 0) as installment_count
from week_list
left join expected
    on expected.week_start_date = week_list.week_start_date
