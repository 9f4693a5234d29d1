-- One row per current client: limit, exposure, utilisation, available credit, breach and
-- how long it has lasted, a recommended limit with the figures behind it, and why the
-- committee should review it (DECISIONLOG: credit limits). Parameters: credit_policy().
-- Reasons and the recommendation's basis are codes with their figures in columns: the
-- dashboards write the sentences in the reader's language.
{% set grade_factors = credit_policy('grade_factors') %}
{% set rounding = credit_policy('limit_rounding') %}
{% set cap_pct = credit_policy('concentration_cap_pct') %}
{% set review_months = credit_policy('review_months') %}
{% set sales_months = 12 %}

with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

positions as (
    select * from {{ ref('int_client_credit_positions') }}
),

monthly_sales as (
    select
        sales.client_id,
        cast({{ dbt.date_trunc('month', 'sales.issue_date') }} as date) as sales_month,
        sum(sales.signed_total_reporting_amount) as credit_sales_amount
    from {{ ref('int_documents_signed') }} as sales
    cross join as_of
    where sales.issue_date <= as_of.as_of_date
        and sales.issue_date >= cast({{ dbt.dateadd('month', 1 - sales_months, dbt.date_trunc('month', 'as_of.as_of_date')) }} as date)
    group by sales.client_id, cast({{ dbt.date_trunc('month', 'sales.issue_date') }} as date)
),

peak_sales as (
    select client_id, max(credit_sales_amount) as peak_monthly_sales_amount
    from monthly_sales
    group by client_id
),

company_revenue as (
    select sum(concentration.net_revenue_amount) as revenue_12m_amount
    from {{ ref('client_concentration') }} as concentration
    where concentration.period_type = 'trailing_12_months'
        and concentration.period_end = (select as_of_date from as_of)
),

client_revenue_shares as (
    select concentration.client_id, concentration.revenue_share_pct
    from {{ ref('client_concentration') }} as concentration
    where concentration.period_type = 'trailing_12_months'
        and concentration.period_end = (select as_of_date from as_of)
),

paying_clients as (
    select distinct client_id
    from {{ ref('int_receipts') }}
    where payment_date <= (select as_of_date from as_of)
),

inputs as (
    select
        positions.*,
        clients.client_name,
        clients.salesperson,
        clients.branch,
        clients.payment_terms_days,
        breaches.breach_since_date,
        breaches.days_in_breach,
        {{ money('case when peak_sales.peak_monthly_sales_amount > 0 then peak_sales.peak_monthly_sales_amount else 0 end') }} as peak_monthly_sales_amount,
        behavior.grade,
        behavior.previous_grade,
        cast(case
            when behavior.weighted_days_beyond_terms_365 > 0 then behavior.weighted_days_beyond_terms_365
            else 0
        end as decimal(18, 2)) as expected_days_late,
        cast(case
            {%- for grade, factor in grade_factors.items() %}
            when behavior.grade = '{{ grade }}' then {{ factor }}
            {%- endfor %}
            else {{ credit_policy('ungraded_factor') }}
        end as decimal(9, 2)) as grade_factor,
        {{ money('company_revenue.revenue_12m_amount') }} as company_revenue_12m_amount,
        client_revenue_shares.revenue_share_pct,
        ar_shares.ar_share_pct,
        decisions.last_decided_at as last_review_at,
        decisions.last_decision,
        decisions.last_decided_by,
        decisions.last_meeting_date,
        decisions.next_review_date,
        decisions.limit_decision,
        decisions.limit_decision_date,
        paying_clients.client_id is null as has_never_paid
    from positions
    inner join {{ ref('int_clients_current') }} as clients
        on clients.client_id = positions.client_id
    left join {{ ref('int_client_credit_breaches') }} as breaches
        on breaches.client_id = positions.client_id
    left join peak_sales
        on peak_sales.client_id = positions.client_id
    left join {{ ref('payment_behavior') }} as behavior
        on behavior.client_id = positions.client_id
    cross join company_revenue
    left join client_revenue_shares
        on client_revenue_shares.client_id = positions.client_id
    left join {{ ref('ar_concentration') }} as ar_shares
        on ar_shares.client_id = positions.client_id
    left join {{ ref('int_client_credit_decisions') }} as decisions
        on decisions.client_id = positions.client_id
    left join paying_clients
        on paying_clients.client_id = positions.client_id
),

recommended as (
    select
        inputs.*,
        -- Widened before multiplying, divided in decimals, rounded to the cent once.
        {{ money(divide_exactly(
            wide('peak_monthly_sales_amount') ~ ' * (payment_terms_days + expected_days_late) * grade_factor', '30'
        )) }} as base_recommended_limit_amount,
        {{ money('round(' ~ wide('company_revenue_12m_amount') ~ ' * ' ~ cap_pct ~ ' * 0.01, 2)') }} as concentration_cap_amount
    from inputs
),

rounded as (
    select
        recommended.*,
        {{ money(round_down_to_multiple(
            'case when concentration_cap_amount < base_recommended_limit_amount then concentration_cap_amount else base_recommended_limit_amount end',
            rounding
        )) }} as recommended_limit_amount
    from recommended
),

reviewed as (
    select
        rounded.*,
        case
            when peak_monthly_sales_amount = 0 then 'no_sales'
            when concentration_cap_amount < base_recommended_limit_amount then 'concentration_cap'
            else 'sales'
        end as recommendation_basis,
        {{ dbt.datediff('cast(last_review_at as date)', 'as_of_date', 'month') }} as months_since_review,
        nullif(concat_ws(', ',
            case when next_review_date <= as_of_date then 'review_date_reached' end,
            case
                when next_review_date is null
                    and (last_review_at is null
                        or cast(last_review_at as date) <= cast({{ dbt.dateadd('month', -review_months, 'as_of_date') }} as date))
                    then 'no_recent_review'
            end,
            case when credit_limit_amount is null and exposure_amount > 0 then 'no_limit' end,
            case when is_in_breach then 'breach' end,
            case when grade > previous_grade then 'grade_worsened' end,
            case when utilisation_pct > {{ credit_policy('utilisation_review_pct') }} then 'high_utilisation' end,
            case
                when revenue_share_pct > {{ credit_policy('concentration_review_pct') }}
                    or ar_share_pct > {{ credit_policy('concentration_review_pct') }}
                    then 'concentration'
            end,
            case when has_never_paid and exposure_amount > 0 then 'never_paid' end
        ), '') as review_reasons
    from rounded
)

select
    as_of_date,
    client_id,
    client_name,
    salesperson,
    branch,
    payment_terms_days,
    credit_limit_source,
    credit_limit_amount,
    credit_limit_currency_code,
    credit_limit_reporting_amount,
    limit_decision,
    limit_decision_date,
    erp_credit_limit_amount,
    erp_credit_limit_currency_code,
    has_erp_limit_mismatch,
    exposure_amount,
    unapplied_cash_amount,
    exposure_net_of_unapplied_amount,
    exposure_basis,
    measured_exposure_amount,
    utilisation_pct,
    available_credit_amount,
    is_in_breach,
    breach_since_date,
    days_in_breach,
    {{ sales_months }} as sales_window_months,
    peak_monthly_sales_amount,
    grade,
    previous_grade,
    expected_days_late,
    grade_factor,
    base_recommended_limit_amount,
    company_revenue_12m_amount,
    cast({{ cap_pct }} as decimal(9, 2)) as concentration_cap_pct,
    concentration_cap_amount,
    {{ money(rounding) }} as limit_rounding_amount,
    recommended_limit_amount,
    recommendation_basis,
    revenue_share_pct,
    ar_share_pct,
    last_review_at,
    last_decision,
    last_decided_by,
    last_meeting_date,
    next_review_date,
    months_since_review,
    {{ review_months }} as review_months,
    review_reasons,
    case
        when next_review_date is not null then next_review_date <= as_of_date
        else review_reasons is not null
    end as is_review_due
from reviewed
