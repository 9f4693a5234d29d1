-- One row per receipt registered in the invoicing system, dated by its best payment date
-- (DECISIONLOG: Best payment date): the value date of the bank line that carried it,
-- else the receipt date the invoicing system recorded. The factor converts it to the
-- reporting currency at that date.
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
)

select
    receipts.*,
    {{ fx_factor('fx', 'receipts.currency_code') }} as to_reporting_factor
from receipts
{{ join_fx_factor('fx', 'receipts.currency_code', 'receipts.payment_date') }}
