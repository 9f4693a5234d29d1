
  
  create view "cartera"."staging"."stg_fx__rates__dbt_tmp" as (
    -- One row per date and currency: units of the currency one euro buys (ECB reference
-- rate); a re-export of the same date keeps the latest file's rate.
with ranked as (
    select
        *,
        row_number() over (
            partition by rate_date, currency
            order by _file_id desc, _line_number desc
        ) as version_rank
    from "cartera"."raw"."fx_rates"
)

select
    rate_date,
    upper(currency) as currency_code,
    cast(rate as decimal(18, 6)) as units_per_eur,
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
from ranked
where version_rank = 1
  );
