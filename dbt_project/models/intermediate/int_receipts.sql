{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_receipts_read_again() }}"
) }}
-- depends_on: {{ ref('stg_fx__rates') }}
-- One row per receipt registered in the invoicing system, dated by its best payment date
-- (DECISIONLOG: Best payment date): the value date of the bank line that carried it,
-- else the receipt date the invoicing system recorded. The factor converts it to the
-- reporting currency at that date.
--
-- Kept by the file (DECISIONLOG: Receipts by the file): a receipt's row depends on its
-- staging row, its match and, in another currency, the rates; the pre-hook deletes the
-- receipts read or matched again since (drop_receipts_read_again) and a build computes
-- the receipts the table does not hold.
with receipts as (
    select
        receipts.receipt_id,
        receipts.client_id,
        receipts.receipt_date,
        coalesce(matches.value_date, receipts.receipt_date) as payment_date,
        matches.bank_line_id,
        receipts.currency_code,
        receipts.receipt_amount
    from {{ ref('stg_invoicing__receipts') }} as receipts
    left join {{ ref('int_bank_receipt_matches') }} as matches
        on matches.receipt_id = receipts.receipt_id
    {%- if is_incremental() %}
    where receipts.receipt_id not in (select receipt_id from {{ this }})
    {%- endif %}
)

select
    receipts.*,
    {{ fx_factor('fx', 'receipts.currency_code') }} as to_reporting_factor,
    {{ model_version(rules=receipt_rules()) }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from receipts
{{ join_fx_factor('fx', 'receipts.currency_code', 'receipts.payment_date') }}
