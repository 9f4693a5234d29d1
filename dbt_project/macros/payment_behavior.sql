{#- Payment behaviour, defined once. payment_behavior renders it at the build's as-of
    date and again 90 days earlier (previous_grade); as_of_dates_sql is any query
    returning a column as_of_date. The points tables below are the score: a committee
    reads the same numbers in _payment_behavior.yml and DECISIONLOG.md. -#}

{% macro behavior_points_by_bound(expression, bounds) -%}
case
    {%- for bound, points in bounds %}
    when {{ expression }} <= {{ bound }} then {{ points }}
    {%- endfor %}
    else 0
end
{%- endmacro %}

{#- Weighted days beyond terms (365 days) up to the bound -> points; above the last bound, 0.
    The first 3 days are grace: a transfer sent on the due date, or a due date on a
    weekend, lands a day or three later. -#}
{% macro payment_behavior_lateness_points() %}{{ return([(3, 30), (7, 24), (15, 18), (30, 12), (60, 6)]) }}{% endmacro %}

{#- Days past due of the oldest undisputed open instalment up to the bound -> points (the
    aging buckets). -#}
{% macro payment_behavior_overdue_points() %}{{ return([(0, 20), (30, 15), (60, 10), (90, 5)]) }}{% endmacro %}

{#- Trend (last 90 days minus the 90 before, days beyond terms) up to the bound -> points;
    a change within 3 days is noise, not a worsening. -#}
{% macro payment_behavior_trend_points() %}{{ return([(3, 10), (15, 5)]) }}{% endmacro %}

{#- Lowest score of each grade; below the last, E. A moroso is E whatever its score. -#}
{% macro payment_behavior_grade_floors() %}{{ return([(85, 'A'), (70, 'B'), (55, 'C'), (40, 'D')]) }}{% endmacro %}

{#- A ratio of two decimal sums (of at most 4 decimals) as a fixed-scale decimal, divided
    exactly: the amount-weighted days feed credit_limits' recommended limit, and money is
    never derived through a DOUBLE (DuckDB divides decimals in DOUBLE); NULL when the
    divisor is zero. -#}
{% macro behavior_ratio(numerator, denominator, scale) -%}
cast({{ divide_exactly(numerator, denominator, scale, 4) }} as decimal(18, {{ scale }}))
{%- endmacro %}

{#- A fraction (0.2500) as a percentage with 2 decimals (25.00), as the reasons print it. -#}
{% macro behavior_percent(rate) -%}
cast(100 * {{ rate }} as decimal(18, 2))
{%- endmacro %}

{% macro behavior_days_before(days, date_expression) -%}
cast({{ dbt.dateadd('day', -days, date_expression) }} as date)
{%- endmacro %}

{#- One row per as-of date and client with a receivable item issued by then: how it paid
    (cash payments settled in the trailing 365 / 90 days and the 90 before those), what it
    owes late now, the score components, score, grade and the moroso rule. -#}
{% macro payment_behavior_by_client(as_of_dates_sql) -%}
with as_of_dates as (
    {{ as_of_dates_sql }}
),

clients as (
    select distinct as_of_dates.as_of_date, items.client_id
    from as_of_dates
    inner join {{ ref('int_receivable_items') }} as items
        on items.issue_date <= as_of_dates.as_of_date
),

-- Instalments settled only by credit notes or withholdings are no payment: no money came.
payments as (
    select
        as_of_dates.as_of_date,
        payments.client_id,
        payments.installment_reporting_amount as weight_amount,
        payments.days_to_pay,
        payments.days_beyond_terms,
        payments.is_on_time,
        payments.early_discount_offered,
        payments.early_discount_taken,
        payments.paid_date > {{ behavior_days_before(90, 'as_of_dates.as_of_date') }} as is_last_90,
        payments.paid_date > {{ behavior_days_before(180, 'as_of_dates.as_of_date') }}
            and payments.paid_date <= {{ behavior_days_before(90, 'as_of_dates.as_of_date') }} as is_prior_90
    from as_of_dates
    inner join {{ ref('fct_installment_payments') }} as payments
        on payments.paid_date <= as_of_dates.as_of_date
        and payments.paid_date > {{ behavior_days_before(365, 'as_of_dates.as_of_date') }}
    where payments.is_payment
),

payment_sums as (
    select
        as_of_date,
        client_id,
        cast(sum(case when is_last_90 then 1 else 0 end) as bigint) as paid_count_90,
        count(*) as paid_count_365,
        sum(weight_amount) as paid_amount_365,
        sum({{ wide('weight_amount') }} * days_to_pay) as days_to_pay_weighted_365,
        sum({{ wide('weight_amount') }} * days_beyond_terms) as days_beyond_terms_weighted_365,
        sum(case when is_last_90 then weight_amount else 0 end) as paid_amount_90,
        sum(case when is_last_90 then {{ wide('weight_amount') }} * days_beyond_terms else 0 end) as days_beyond_terms_weighted_90,
        sum(case when is_prior_90 then weight_amount else 0 end) as paid_amount_prior_90,
        sum(case when is_prior_90 then {{ wide('weight_amount') }} * days_beyond_terms else 0 end) as days_beyond_terms_weighted_prior_90,
        sum(case when is_on_time then weight_amount else 0 end) as on_time_amount_365,
        sum(case when days_beyond_terms > 30 then weight_amount else 0 end) as over_30_late_amount_365,
        sum(case when days_beyond_terms > 60 then weight_amount else 0 end) as over_60_late_amount_365,
        sum(case when days_beyond_terms > 90 then weight_amount else 0 end) as over_90_late_amount_365,
        cast(sum(case when early_discount_offered then 1 else 0 end) as bigint) as early_discount_offered_count_365,
        cast(sum(case when early_discount_taken then 1 else 0 end) as bigint) as early_discount_taken_count_365
    from payments
    group by as_of_date, client_id
),

open_items as (
    select *
    from ({{ receivable_items_as_of(as_of_dates_sql, open_only=true) }}) as items
    where outstanding_amount <> 0
),

open_sums as (
    select
        as_of_date,
        client_id,
        count(distinct case when is_in_dispute then document_id end) as open_disputes_count,
        sum(case when is_in_dispute then outstanding_reporting_amount else 0 end) as open_disputes_amount,
        sum(case when days_past_due > 0 then outstanding_reporting_amount else 0 end) as overdue_amount,
        max(case when item_type = 'installment' and outstanding_amount > 0 and days_past_due > 0 then days_past_due else 0 end) as max_days_past_due_open,
        max(case when item_type = 'installment' and outstanding_amount > 0 and days_past_due > 0 and not is_in_dispute then days_past_due else 0 end) as max_days_past_due_undisputed
    from open_items
    group by as_of_date, client_id
),

measures as (
    select
        clients.as_of_date,
        clients.client_id,
        coalesce(payment_sums.paid_count_90, 0) as paid_count_90,
        coalesce(payment_sums.paid_count_365, 0) as paid_count_365,
        {{ money('coalesce(payment_sums.paid_amount_365, 0)') }} as paid_amount_365,
        {{ behavior_ratio('payment_sums.days_to_pay_weighted_365', 'payment_sums.paid_amount_365', 2) }} as weighted_days_to_pay_365,
        {{ behavior_ratio('payment_sums.days_beyond_terms_weighted_365', 'payment_sums.paid_amount_365', 2) }} as weighted_days_beyond_terms_365,
        {{ behavior_ratio('payment_sums.days_beyond_terms_weighted_90', 'payment_sums.paid_amount_90', 2) }} as weighted_days_beyond_terms_90,
        {{ behavior_ratio('payment_sums.days_beyond_terms_weighted_prior_90', 'payment_sums.paid_amount_prior_90', 2) }} as weighted_days_beyond_terms_prior_90,
        {{ behavior_ratio('payment_sums.on_time_amount_365', 'payment_sums.paid_amount_365', 4) }} as on_time_rate_365,
        {{ behavior_ratio('payment_sums.over_30_late_amount_365', 'payment_sums.paid_amount_365', 4) }} as share_paid_over_30_late_365,
        {{ behavior_ratio('payment_sums.over_60_late_amount_365', 'payment_sums.paid_amount_365', 4) }} as share_paid_over_60_late_365,
        {{ behavior_ratio('payment_sums.over_90_late_amount_365', 'payment_sums.paid_amount_365', 4) }} as share_paid_over_90_late_365,
        coalesce(payment_sums.early_discount_offered_count_365, 0) as early_discount_offered_count_365,
        coalesce(payment_sums.early_discount_taken_count_365, 0) as early_discount_taken_count_365,
        {{ behavior_ratio('cast(payment_sums.early_discount_taken_count_365 as decimal(18, 4))', 'payment_sums.early_discount_offered_count_365', 4) }} as early_discount_uptake_rate_365,
        coalesce(open_sums.open_disputes_count, 0) as open_disputes_count,
        {{ money('coalesce(open_sums.open_disputes_amount, 0)') }} as open_disputes_amount,
        coalesce(open_sums.max_days_past_due_open, 0) as max_days_past_due_open,
        coalesce(open_sums.max_days_past_due_undisputed, 0) as max_days_past_due_undisputed,
        {{ money('coalesce(open_sums.overdue_amount, 0)') }} as overdue_amount
    from clients
    left join payment_sums
        on payment_sums.as_of_date = clients.as_of_date
        and payment_sums.client_id = clients.client_id
    left join open_sums
        on open_sums.as_of_date = clients.as_of_date
        and open_sums.client_id = clients.client_id
),

with_trend as (
    select
        measures.*,
        cast(weighted_days_beyond_terms_90 - weighted_days_beyond_terms_prior_90 as decimal(18, 2)) as trend_days_beyond_terms
    from measures
),

-- Without a payment in 365 days there is nothing to measure: the three history components
-- get half their points when nothing is overdue (a new client), none when the client owes
-- late and has not paid.
scored as (
    select
        with_trend.*,
        case
            when paid_count_365 > 0 then {{ behavior_points_by_bound('weighted_days_beyond_terms_365', payment_behavior_lateness_points()) }}
            when max_days_past_due_undisputed > 0 then 0
            else 15
        end as score_lateness,
        case
            when paid_count_365 > 0 then cast(round(20 * on_time_rate_365, 0) as integer)
            when max_days_past_due_undisputed > 0 then 0
            else 10
        end as score_on_time,
        case
            when paid_count_365 > 0 then cast(round(
                20 - 10 * share_paid_over_30_late_365 - 5 * share_paid_over_60_late_365 - 5 * share_paid_over_90_late_365, 0
            ) as integer)
            when max_days_past_due_undisputed > 0 then 0
            else 10
        end as score_severity,
        case
            when trend_days_beyond_terms is null then 5
            else {{ behavior_points_by_bound('trend_days_beyond_terms', payment_behavior_trend_points()) }}
        end as score_trend,
        {{ behavior_points_by_bound('max_days_past_due_undisputed', payment_behavior_overdue_points()) }} as score_overdue,
        max_days_past_due_undisputed > 90 as is_open_over_90_days,
        paid_count_365 >= 3 and weighted_days_beyond_terms_365 > 60 as is_chronically_late
    from with_trend
),

totalled as (
    select
        scored.*,
        score_lateness + score_on_time + score_severity + score_trend + score_overdue as score,
        is_open_over_90_days or coalesce(is_chronically_late, false) as is_moroso
    from scored
)

select
    totalled.as_of_date,
    totalled.client_id,
    clients.client_name,
    totalled.paid_count_90,
    totalled.paid_count_365,
    totalled.paid_amount_365,
    totalled.weighted_days_to_pay_365,
    totalled.weighted_days_beyond_terms_365,
    totalled.weighted_days_beyond_terms_90,
    totalled.weighted_days_beyond_terms_prior_90,
    totalled.trend_days_beyond_terms,
    totalled.on_time_rate_365,
    totalled.share_paid_over_30_late_365,
    totalled.share_paid_over_60_late_365,
    totalled.share_paid_over_90_late_365,
    totalled.early_discount_offered_count_365,
    totalled.early_discount_taken_count_365,
    totalled.early_discount_uptake_rate_365,
    totalled.open_disputes_count,
    totalled.open_disputes_amount,
    totalled.max_days_past_due_open,
    totalled.max_days_past_due_undisputed,
    totalled.overdue_amount,
    totalled.score_lateness,
    totalled.score_on_time,
    totalled.score_severity,
    totalled.score_trend,
    totalled.score_overdue,
    totalled.score,
    case
        when totalled.is_moroso then 'E'
        {%- for floor, grade in payment_behavior_grade_floors() %}
        when totalled.score >= {{ floor }} then '{{ grade }}'
        {%- endfor %}
        else 'E'
    end as grade,
    totalled.is_moroso,
    totalled.is_open_over_90_days,
    coalesce(totalled.is_chronically_late, false) as is_chronically_late
from totalled
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = totalled.client_id
{%- endmacro %}
