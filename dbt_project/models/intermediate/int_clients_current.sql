-- One row per client: the attributes of its latest version (latest updated_at).
with latest as (
    {{ latest_version(ref('stg_invoicing__clients'), key=['client_id'], order_by=['updated_at']) }}
)

select
    client_id,
    tax_id,
    legal_name as client_name,
    country_code,
    segment,
    salesperson,
    branch,
    payment_terms_days,
    credit_limit_amount,
    currency_code,
    email,
    phone,
    address,
    updated_at
from latest
