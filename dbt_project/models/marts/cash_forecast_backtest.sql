-- One row per instalment settled with money by the as-of date (fct_installment_payments,
-- is_payment): the collection date cash_forecast's rule would have predicted for it on
-- its due date, with the client's behaviour known then (payments settled in the 365 days
-- up to the day before), against the day it was actually settled.
with paid as (
    select *
    from {{ ref('fct_installment_payments') }}
    where is_payment
),

typical_days as (
    {{ days_beyond_terms_known_at(
        'select client_id, cast(' ~ dbt.dateadd('day', -1, 'due_date') ~ ' as date) as known_at_date from '
        ~ ref('fct_installment_payments') ~ ' where is_payment'
    ) }}
),

predicted as (
    select
        paid.as_of_date,
        paid.installment_key,
        paid.document_id,
        paid.installment_no,
        paid.client_id,
        paid.due_date,
        paid.paid_date,
        paid.installment_reporting_amount,
        typical_days.client_days_beyond_terms,
        typical_days.company_days_beyond_terms,
        {{ cash_forecast_days_late('typical_days.client_days_beyond_terms', 'typical_days.company_days_beyond_terms') }} as expected_days_late
    from paid
    inner join typical_days
        on typical_days.client_id = paid.client_id
        and typical_days.known_at_date = cast({{ dbt.dateadd('day', -1, 'paid.due_date') }} as date)
),

dated as (
    select
        predicted.*,
        cast({{ dbt.dateadd('day', 'expected_days_late', 'due_date') }} as date) as predicted_collection_date
    from predicted
)

select
    as_of_date,
    installment_key,
    document_id,
    installment_no,
    client_id,
    due_date,
    paid_date,
    installment_reporting_amount,
    client_days_beyond_terms,
    company_days_beyond_terms,
    client_days_beyond_terms is null as is_company_fallback,
    expected_days_late,
    predicted_collection_date,
    {{ dbt.datediff('paid_date', 'predicted_collection_date', 'day') }} as error_days,
    abs({{ dbt.datediff('paid_date', 'predicted_collection_date', 'day') }}) as absolute_error_days,
    abs({{ dbt.datediff('paid_date', 'due_date', 'day') }}) as due_date_absolute_error_days
from dated
