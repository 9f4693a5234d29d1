{#- The client's typical days beyond terms known at a date, and the company's: the
    amount-weighted average of days_beyond_terms of the cash payments (is_payment)
    settled in the 365 days up to that date, (date - 365, date], weighted by the
    instalment's reporting amount: payment_behavior.weighted_days_beyond_terms_365's
    definition (test assert_cash_forecast_typical_days_match_payment_behavior), at any
    date. known_at_sql returns client_id and known_at_date. -#}
{% macro days_beyond_terms_known_at(known_at_sql) -%}
with known_at as (
    {{ known_at_sql }}
),

payments as (
    select
        client_id,
        paid_date,
        installment_reporting_amount as weight_amount,
        {{ wide('installment_reporting_amount') }} * days_beyond_terms as weighted_days
    from {{ ref('fct_installment_payments') }}
    where is_payment
),

-- Summed per day first: the company average at every known_at_date then reads a year
-- of days, not every payment of the year.
daily_payments as (
    select paid_date, sum(weight_amount) as weight_amount, sum(weighted_days) as weighted_days
    from payments
    group by paid_date
),

company as (
    select
        known_dates.known_at_date,
        {{ cash_forecast_days_ratio('sum(daily_payments.weighted_days)', 'sum(daily_payments.weight_amount)') }} as company_days_beyond_terms
    from (select distinct known_at_date from known_at) as known_dates
    inner join daily_payments
        on daily_payments.paid_date <= known_dates.known_at_date
        and daily_payments.paid_date > cast({{ dbt.dateadd('day', -365, 'known_dates.known_at_date') }} as date)
    group by known_dates.known_at_date
),

-- A client's window at a date is its running totals at the date less those at the date
-- less 365 days: every client's payments and both ends of its windows in one date-ordered
-- pass (the ends weigh nothing and sort after the day's payments), not each window's
-- payments again (a client paying weekly has ~50 payments in each of its windows).
client_points as (
    select client_id, paid_date as point_date, 0 as is_end, cast(null as date) as known_at_date, 0 as end_sign,
        weight_amount, weighted_days, 1 as payment_count
    from payments
    union all
    select client_id, known_at_date, 1, known_at_date, 1, 0, 0, 0
    from (select distinct client_id, known_at_date from known_at) as window_ends
    union all
    select client_id, cast({{ dbt.dateadd('day', -365, 'known_at_date') }} as date), 1, known_at_date, -1, 0, 0, 0
    from (select distinct client_id, known_at_date from known_at) as window_starts
),

client_running as (
    select
        client_id,
        is_end,
        known_at_date,
        end_sign,
        sum(weight_amount) over client_dates as running_weight_amount,
        sum(weighted_days) over client_dates as running_weighted_days,
        sum(payment_count) over client_dates as running_payment_count
    from client_points
    window client_dates as (
        partition by client_id order by point_date, is_end
        rows between unbounded preceding and current row
    )
),

client_windows as (
    select
        client_id,
        known_at_date,
        sum(end_sign * running_weight_amount) as weight_amount,
        sum(end_sign * running_weighted_days) as weighted_days,
        sum(end_sign * running_payment_count) as payment_count
    from client_running
    where is_end = 1
    group by client_id, known_at_date
),

client as (
    select
        client_id,
        known_at_date,
        {{ cash_forecast_days_ratio('weighted_days', 'weight_amount') }} as client_days_beyond_terms
    from client_windows
    where payment_count > 0
)

select
    known_at.client_id,
    known_at.known_at_date,
    client.client_days_beyond_terms,
    company.company_days_beyond_terms
from (select distinct client_id, known_at_date from known_at) as known_at
left join client
    on client.client_id = known_at.client_id
    and client.known_at_date = known_at.known_at_date
left join company
    on company.known_at_date = known_at.known_at_date
{%- endmacro %}

{#- The average to 2 decimals, divided exactly as payment_behavior's behavior_ratio
    (both must agree to the cent of a day); NULL without payments. -#}
{% macro cash_forecast_days_ratio(numerator, denominator) -%}
{{ behavior_ratio(numerator, denominator, 2) }}
{%- endmacro %}

{#- Days beyond terms as whole days to add to a due date: rounded half away from zero;
    a client without history takes the company's, and 0 when nobody has paid yet. -#}
{% macro cash_forecast_days_late(client_days, company_days) -%}
cast(round(coalesce({{ client_days }}, {{ company_days }}, 0), 0) as integer)
{%- endmacro %}

{#- The Monday starting the ISO week of a date, and its ISO label (2025-W27): the ISO
    year is the year of the week's Thursday, the week number counts Thursdays. -#}
{% macro iso_week_start(date_expression) -%}
cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}

{% macro iso_week_label(week_start) -%}
{%- set thursday = 'cast(' ~ dbt.dateadd('day', 3, week_start) ~ ' as date)' -%}
{{ dbt.concat([
    'cast(extract(year from ' ~ thursday ~ ') as ' ~ dbt.type_string() ~ ')',
    "'-W'",
    'lpad(cast(cast(floor(' ~ dbt.datediff(dbt.date_trunc('year', thursday), thursday, 'day') ~ ' / 7) + 1 as integer) as ' ~ dbt.type_string() ~ '), 2, ' ~ "'0')"
]) }}
{%- endmacro %}
