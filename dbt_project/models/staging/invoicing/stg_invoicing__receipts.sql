-- One row per receipt: the line of the latest file that lists it.
with versions as (
    {{ latest_version(source('raw', 'receipts'), key=['receipt_id']) }}
)

select
    receipt_id,
    client_id,
    date as receipt_date,
    upper(currency) as currency_code,
    {{ money('amount') }} as receipt_amount,
    method as payment_method,
    reference as payment_reference,
    {{ lineage_columns() }}
from versions
