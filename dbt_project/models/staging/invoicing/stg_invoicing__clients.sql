-- One row per client version (client_id, updated_at); a re-export of the same version
-- keeps the line of the latest file.
with versions as (
    {{ latest_version(source('raw', 'clients'), key=['client_id', 'updated_at']) }}
)

select
    client_id,
    tax_id,
    legal_name,
    upper(country) as country_code,
    segment,
    salesperson,
    branch,
    payment_terms_days,
    {{ money('credit_limit') }} as credit_limit_amount,
    upper(currency) as currency_code,
    email,
    phone,
    address,
    updated_at,
    {{ lineage_columns() }}
from versions
