-- One row per client in breach of its limit at the as-of date: since when, at month-end
-- granularity. Observations are every month end before the as-of date (ar_aging_monthly)
-- and the as-of date itself, all against today's limit; the breach counts from the first
-- observation of the unbroken run of breaches that ends at the as-of date.
{% set net_of_unapplied = credit_policy('exposure_net_of_unapplied_cash') %}

with breached as (
    select client_id, as_of_date, credit_limit_reporting_amount
    from {{ ref('int_client_credit_positions') }}
    where is_in_breach
),

observations as (
    select
        month_ends.as_of_date as observed_date,
        breached.client_id,
        -- A month end without an aging row owed nothing: clear.
        coalesce(
            {{ 'monthly.net_balance_amount' if net_of_unapplied else 'monthly.open_balance_amount' }}, 0
        ) > breached.credit_limit_reporting_amount as is_in_breach
    from breached
    cross join {{ ref('int_month_ends') }} as month_ends
    left join {{ ref('ar_aging_monthly') }} as monthly
        on monthly.client_id = breached.client_id
        and monthly.as_of_date = month_ends.as_of_date
    where month_ends.as_of_date < breached.as_of_date

    union all

    select as_of_date, client_id, true
    from breached
),

runs as (
    select
        observations.*,
        max(case when not is_in_breach then observed_date end) over (partition by client_id) as last_clear_date
    from observations
)

select
    runs.client_id,
    min(runs.observed_date) as breach_since_date,
    {{ dbt.datediff('min(runs.observed_date)', 'max(breached.as_of_date)', 'day') }} as days_in_breach
from runs
inner join breached
    on breached.client_id = runs.client_id
where runs.last_clear_date is null
    or runs.observed_date > runs.last_clear_date
group by runs.client_id
