-- One row per client version (client_id, updated_at); a re-export of the same version
-- keeps the line of the latest file.
with ranked as (
    select
        *,
        row_number() over (
            partition by client_id, updated_at
            order by _file_id desc, _line_number desc
        ) as version_rank
    from "cartera"."raw"."clients"
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
    cast(credit_limit as decimal(18, 2)) as credit_limit_amount,
    upper(currency) as currency_code,
    email,
    phone,
    address,
    updated_at,
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
from ranked
where version_rank = 1