{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=[
        "{{ drop_reconciliation_rows_read_again() }}",
        "{{ move_kept_rows_to_as_of_date() }}",
    ]
) }}
{#- One row per receipt registered by the as-of date and per incoming bank line booked by
    then that no registered receipt explains (DECISIONLOG: Bank reconciliation).

    Kept by the file (DECISIONLOG: Bank reconciliation by the file): a receipt's row
    depends on its staging row and the line that carried it, if any; the pre-hook deletes
    those read or matched again since (drop_reconciliation_rows_read_again) and the rows
    that read the statements' coverage or the as-of date (the unmatched transfers and
    direct debits, the unregistered lines), and a build computes the receipts the table
    does not hold. -#}
{%- set window_days = var('bank_match_window_days') | int %}
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

-- The receipts as registered that the table does not hold: staging holds every column
-- the reconciliation shows.
receipts as (
    select receipt_id, client_id, receipt_date, currency_code, receipt_amount, payment_method
    from {{ ref('stg_invoicing__receipts') }}
    where receipt_date <= (select as_of_date from as_of)
    {%- if is_incremental() %}
        and receipt_id not in (select receipt_id from {{ this }} where receipt_id is not null)
    {%- endif %}
),

-- The line that carried each receipt, read by the receipt (through int_bank_lines_matched
-- every line was joined to its payer first).
matched_lines as (
    select
        matches.receipt_id,
        matches.bank_line_id,
        lines.bank_account,
        lines.booking_date,
        lines.value_date,
        lines.line_amount,
        matches.difference_amount,
        matches.match_evidence,
        matches.days_apart
    from {{ ref('int_bank_receipt_matches') }} as matches
    inner join {{ ref('int_bank_incoming_lines') }} as lines
        on lines.bank_line_id = matches.bank_line_id
    where matches.receipt_id in (select receipt_id from receipts)
),

-- The days and currencies the loaded statements cover: a receipt outside them cannot be
-- looked for on them.
coverage as (
    select currency_code, min(period_start_date) as first_date, max(period_end_date) as last_date
    from {{ ref('stg_bank__statements') }}
    group by currency_code
),

-- What the cash application suggests for money nobody registered: its first document.
-- Joined to the unregistered lines alone: joined to every reconciled row, DuckDB built its
-- hash table on the 8.2 M rows at L rather than on the suggestions (11.7 s of 13.2).
suggestions as (
    select
        bank_line_id,
        document_id,
        document_number,
        match_rule,
        confidence,
        count(*) over (partition by bank_line_id) as suggested_documents,
        row_number() over (partition by bank_line_id order by rule_order, applied_amount desc, document_id) as suggestion_rank
    from {{ ref('cash_application') }}
    where not is_registered and document_id is not null
),

registered as (
    select
        'receipt' as row_source,
        case
            when lines.bank_line_id is not null and lines.difference_amount = 0 then 'matched'
            when lines.bank_line_id is not null then 'amount_difference'
            when {{ is_bank_receipt_method('receipts.payment_method') }}
                and receipts.receipt_date between coverage.first_date and coverage.last_date then 'registered_not_in_bank'
            else 'not_expected_in_bank'
        end as reconciliation_status,
        receipts.receipt_id,
        receipts.client_id,
        receipts.payment_method,
        receipts.receipt_date,
        receipts.currency_code,
        receipts.receipt_amount,
        lines.bank_line_id,
        lines.bank_account,
        lines.booking_date,
        lines.value_date,
        lines.line_amount,
        lines.match_evidence,
        lines.days_apart,
        cast(null as {{ dbt.type_string() }}) as suggested_document_id,
        cast(null as {{ dbt.type_string() }}) as suggested_document_number,
        cast(null as {{ dbt.type_string() }}) as suggested_rule,
        cast(null as decimal(3, 2)) as suggested_confidence,
        cast(null as {{ dbt.type_bigint() }}) as suggested_documents
    from receipts
    left join matched_lines as lines
        on lines.receipt_id = receipts.receipt_id
    left join coverage
        on coverage.currency_code = receipts.currency_code
),

unregistered as (
    select
        'bank_line' as row_source,
        'in_bank_not_registered' as reconciliation_status,
        cast(null as {{ dbt.type_string() }}) as receipt_id,
        lines.payer_client_id as client_id,
        cast(null as {{ dbt.type_string() }}) as payment_method,
        cast(null as date) as receipt_date,
        lines.currency_code,
        cast(null as decimal(18, 2)) as receipt_amount,
        lines.bank_line_id,
        lines.bank_account,
        lines.booking_date,
        lines.value_date,
        lines.line_amount,
        cast(null as {{ dbt.type_string() }}) as match_evidence,
        cast(null as integer) as days_apart,
        suggestions.document_id as suggested_document_id,
        suggestions.document_number as suggested_document_number,
        suggestions.match_rule as suggested_rule,
        suggestions.confidence as suggested_confidence,
        suggestions.suggested_documents
    from {{ ref('int_bank_lines_unregistered') }} as lines
    left join suggestions
        on suggestions.bank_line_id = lines.bank_line_id
        and suggestions.suggestion_rank = 1
    where lines.booking_date <= (select as_of_date from as_of)
),

reconciled as (
    select * from registered
    union all
    select * from unregistered
)

select
    reconciled.row_source,
    reconciled.reconciliation_status,
    reconciled.receipt_id,
    reconciled.client_id,
    reconciled.payment_method,
    reconciled.receipt_date,
    reconciled.currency_code,
    reconciled.receipt_amount,
    reconciled.bank_line_id,
    reconciled.bank_account,
    reconciled.booking_date,
    reconciled.value_date,
    reconciled.line_amount,
    {{ money('reconciled.line_amount - reconciled.receipt_amount') }} as difference_amount,
    reconciled.match_evidence,
    reconciled.days_apart,
    case
        when reconciled.reconciliation_status = 'registered_not_in_bank'
            then date_diff('day', reconciled.receipt_date, (select as_of_date from as_of))
    end as days_unseen,
    case
        when reconciled.reconciliation_status <> 'registered_not_in_bank' then null
        when date_diff('day', reconciled.receipt_date, (select as_of_date from as_of)) <= {{ window_days }} then 'in_transit'
        when date_diff('day', reconciled.receipt_date, (select as_of_date from as_of)) <= 30 then 'up_to_30_days'
        when date_diff('day', reconciled.receipt_date, (select as_of_date from as_of)) <= 90 then '31_to_90_days'
        else 'over_90_days'
    end as unseen_age_band,
    reconciled.suggested_document_id,
    reconciled.suggested_document_number,
    reconciled.suggested_rule,
    reconciled.suggested_confidence,
    reconciled.suggested_documents,
    (select as_of_date from as_of) as as_of_date,
    {{ reconciliation_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from reconciled
