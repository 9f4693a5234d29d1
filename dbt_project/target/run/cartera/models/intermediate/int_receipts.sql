
    

    create  table
      "cartera"."intermediate"."int_receipts__dbt_tmp"
  
    
    as (
      -- One row per receipt registered in the invoicing system, with the factor that converts
-- it to the reporting currency at its own date.
select
    receipts.receipt_id,
    receipts.client_id,
    receipts.receipt_date,
    receipts.currency_code,
    receipts.receipt_amount,
    case
    when receipts.currency_code = 'EUR' then cast(1 as decimal(18, 10))
    else fx.to_reporting_factor
end as to_reporting_factor
from "cartera"."staging"."stg_invoicing__receipts" as receipts
left join "cartera"."intermediate"."int_fx_rates" as fx
    on fx.currency_code = receipts.currency_code
    and receipts.receipt_date >= fx.valid_from
    and (receipts.receipt_date < fx.valid_to or fx.valid_to is null)
    );
    
  