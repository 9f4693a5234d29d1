
    

    create  table
      "cartera"."intermediate"."int_clients_current__dbt_tmp"
  
    
    as (
      -- One row per client: the attributes of its latest version (latest updated_at).
with ranked as (
    select
        *,
        row_number() over (partition by client_id order by updated_at desc, _file_id desc) as version_rank
    from "cartera"."staging"."stg_invoicing__clients"
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
from ranked
where version_rank = 1
    );
    
  