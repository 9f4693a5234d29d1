-- One row per month end from the month of the first document (of the as-of date, with
-- no documents: bank statements alone) to the as-of date.
with months as (
    {{ dbt.date_spine(
        datepart="month",
        start_date="(select " ~ dbt.date_trunc('month', 'coalesce(min(issue_date), (select as_of_date from ' ~ ref('int_as_of_date') ~ '))') ~ " from " ~ ref('stg_invoicing__documents') ~ ")",
        end_date="(select " ~ dbt.dateadd('month', 1, 'as_of_date') ~ " from " ~ ref('int_as_of_date') ~ ")"
    ) }}
)

select cast({{ dbt.last_day('date_month', 'month') }} as date) as as_of_date
from months
where cast({{ dbt.last_day('date_month', 'month') }} as date) <= (select as_of_date from {{ ref('int_as_of_date') }})
