-- One row per receipt: the line of the latest file that lists it.
with ranked as (
    select
        *,
        row_number() over (
            partition by receipt_id
            order by _file_id desc, _line_number desc
        ) as version_rank
    from "cartera"."raw"."receipts"
)

select
    receipt_id,
    client_id,
    date as receipt_date,
    upper(currency) as currency_code,
    cast(amount as decimal(18, 2)) as receipt_amount,
    method as payment_method,
    reference as payment_reference,
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
from ranked
where version_rank = 1