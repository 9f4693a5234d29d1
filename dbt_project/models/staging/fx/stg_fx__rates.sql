-- One row per date and currency: units of the currency one euro buys (ECB reference
-- rate) at the precision the file gives (DECIMAL(38, 18)); a re-export of the same
-- date keeps the latest file's rate.
with versions as (
    {{ latest_version(source('raw', 'fx_rates'), key=['rate_date', 'currency']) }}
)

select
    rate_date,
    upper(currency) as currency_code,
    cast(rate as decimal(38, 18)) as units_per_eur,
    {{ lineage_columns() }}
from versions
