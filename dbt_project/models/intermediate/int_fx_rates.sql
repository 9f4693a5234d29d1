-- One row per currency and validity interval [valid_from, valid_to): the factor that
-- turns an amount of that currency into the reporting currency. A day without an ECB
-- rate (weekend, holiday, N/A) uses the latest earlier rate.
{% set reporting = var('reporting_currency') %}

with quoted as (
    select rate_date, currency_code, units_per_eur
    from {{ ref('stg_fx__rates') }}
    where currency_code <> 'EUR'
    union all
    select distinct rate_date, 'EUR', cast(1 as decimal(18, 6))
    from {{ ref('stg_fx__rates') }}
),

grid as (
    select dates.rate_date, currencies.currency_code, quoted.units_per_eur
    from (select distinct rate_date from quoted) as dates
    cross join (select distinct currency_code from quoted) as currencies
    left join quoted
        on quoted.rate_date = dates.rate_date
        and quoted.currency_code = currencies.currency_code
),

last_known as (
    select
        rate_date,
        currency_code,
        max(case when units_per_eur is not null then rate_date end) over (
            partition by currency_code order by rate_date
            rows between unbounded preceding and current row
        ) as known_rate_date
    from grid
),

filled as (
    select last_known.rate_date, last_known.currency_code, quoted.units_per_eur
    from last_known
    inner join quoted
        on quoted.currency_code = last_known.currency_code
        and quoted.rate_date = last_known.known_rate_date
),

factors as (
    -- The cross rate is the one place a ratio is taken; it is fixed to 10 decimals
    -- before it touches money, in decimals, whatever the rates' scale up to 18
    -- (DECISIONLOG: FX; Money never passes through a DOUBLE).
    select
        source.rate_date,
        source.currency_code,
        cast({{ divide_exactly('target.units_per_eur', 'source.units_per_eur', 10, 18) }} as decimal(18, 10)) as to_reporting_factor
    from filled as source
    inner join filled as target
        on target.rate_date = source.rate_date
        and target.currency_code = '{{ reporting }}'
    where source.currency_code <> '{{ reporting }}'
)

select
    currency_code,
    rate_date as valid_from,
    lead(rate_date) over (partition by currency_code order by rate_date) as valid_to,
    to_reporting_factor
from factors
