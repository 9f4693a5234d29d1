{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_rows_read_again([('receipt_id', source('raw', 'receipts'), '_file_id')], ['receipts'], rules=staging_rules()) }}"
) }}
-- One row per receipt: the line of the latest file that lists it.
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a receipt depends on its own
-- raw rows alone, so a build reads again only the receipts that files registered since
-- list.
with versions as (
    {{ latest_version(source('raw', 'receipts'), key=['receipt_id'],
        only=keys_read_again(source('raw', 'receipts'), 'receipt_id', ['receipts'])) }}
)

select
    receipt_id,
    client_id,
    date as receipt_date,
    upper(currency) as currency_code,
    {{ money('amount') }} as receipt_amount,
    method as payment_method,
    reference as payment_reference,
    {{ lineage_columns() }},
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=staging_rules()) }} as _model_version
from versions
