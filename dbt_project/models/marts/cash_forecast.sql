-- One row per open instalment (outstanding > 0 at the as-of date): when and how much we
-- expect to collect. Expected date = greatest(as_of + 1, due date + the client's typical
-- days beyond terms); doubtful items (grade E, in dispute, or more than 120 days past due)
-- are kept apart from the expected amount.
{% set doubtful_days = var('cash_forecast_doubtful_days_past_due', 120) %}

with open_installments as (
    select *
    from {{ ref('fct_installments') }}
    where item_type = 'installment'
        and outstanding_amount > 0
),

typical_days as (
    {{ days_beyond_terms_known_at(
        'select distinct client_id, as_of_date as known_at_date from ' ~ ref('fct_installments')
    ) }}
),

forecast as (
    select
        open_installments.*,
        behavior.grade,
        behavior.weighted_days_beyond_terms_365 as client_days_beyond_terms,
        typical_days.company_days_beyond_terms,
        {{ cash_forecast_days_late('behavior.weighted_days_beyond_terms_365', 'typical_days.company_days_beyond_terms') }} as expected_days_late,
        behavior.weighted_days_beyond_terms_365 is null as is_company_fallback,
        cast({{ dbt.dateadd('day', 1, 'open_installments.as_of_date') }} as date) as earliest_collection_date
    from open_installments
    left join {{ ref('payment_behavior') }} as behavior
        on behavior.client_id = open_installments.client_id
    left join typical_days
        on typical_days.client_id = open_installments.client_id
        and typical_days.known_at_date = open_installments.as_of_date
),

dated as (
    select
        forecast.*,
        cast({{ dbt.dateadd('day', 'expected_days_late', 'due_date') }} as date) as rule_collection_date,
        coalesce(grade = 'E', false) as is_grade_e,
        days_past_due > {{ doubtful_days }} as is_long_overdue
    from forecast
),

classified as (
    select
        dated.*,
        case
            when rule_collection_date > earliest_collection_date then rule_collection_date
            else earliest_collection_date
        end as expected_collection_date,
        is_grade_e or is_in_dispute or is_long_overdue as is_doubtful
    from dated
)

select
    as_of_date,
    installment_key,
    document_id,
    installment_no,
    document_number,
    client_id,
    currency_code,
    due_date,
    days_past_due,
    outstanding_amount,
    outstanding_reporting_amount,
    grade,
    client_days_beyond_terms,
    company_days_beyond_terms,
    is_company_fallback,
    expected_days_late,
    rule_collection_date,
    expected_collection_date,
    {{ iso_week_start('expected_collection_date') }} as week_start_date,
    {{ iso_week_label(iso_week_start('expected_collection_date')) }} as iso_week,
    is_doubtful,
    nullif(concat_ws('; ',
        case when is_grade_e then 'grade E' end,
        case when is_in_dispute then 'in dispute' end,
        case when is_long_overdue then {{ dbt.concat(['cast(days_past_due as ' ~ dbt.type_string() ~ ')', "' days past due'"]) }} end
    ), '') as doubtful_reason,
    {{ money('case when is_doubtful then 0 else outstanding_reporting_amount end') }} as expected_amount,
    {{ money('case when is_doubtful then outstanding_reporting_amount else 0 end') }} as doubtful_amount
from classified
