-- One row per receipt registered in the invoicing system, with the factor that converts
-- it to the reporting currency at its own date.
select
    receipts.receipt_id,
    receipts.client_id,
    receipts.receipt_date,
    receipts.currency_code,
    receipts.receipt_amount,
    {{ fx_factor('fx', 'receipts.currency_code') }} as to_reporting_factor
from {{ ref('stg_invoicing__receipts') }} as receipts
{{ join_fx_factor('fx', 'receipts.currency_code', 'receipts.receipt_date') }}
