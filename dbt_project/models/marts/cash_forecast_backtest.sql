{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ drop_changed_backtest_rows() }}", "{{ move_kept_rows_to_as_of_date() }}"]
) }}
-- One row per instalment settled with money by the as-of date (fct_installment_payments,
-- is_payment): the collection date cash_forecast's rule would have predicted for it on
-- its due date, with the client's behaviour known then (payments settled in the 365 days
-- up to the day before), against the day it was actually settled.
--
-- Kept by instalment (DECISIONLOG: The backtest by the day): a row is a function of its
-- own payment and of the payments settled in the year before its due date. The pre-hook
-- deletes the rows whose payment changed or whose year holds the date of a payment that
-- did (drop_changed_backtest_rows); a build computes the payments the table does not hold.
-- Kept rows move to the build's as-of date (the second pre-hook reads it).
-- depends_on: {{ ref('int_as_of_date') }}
{%- set kept = is_incremental() and holds_column('_model_version') %}
with paid as (
    select *
    from {{ ref('fct_installment_payments') }}
    where is_payment
    {%- if kept %}
        and installment_key not in (select installment_key from {{ this }})
    {%- endif %}
),

typical_days as (
    {{ days_beyond_terms_known_at(
        'select client_id, cast(' ~ dbt.dateadd('day', -1, 'due_date') ~ ' as date) as known_at_date from paid'
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
    abs({{ dbt.datediff('paid_date', 'due_date', 'day') }}) as due_date_absolute_error_days,
    {{ backtest_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from dated
