-- One row: the date every "as of" figure of this build answers for. The var as_of_date
-- when given (Dagster passes it; tests pin it), else the latest date in the data, so the
-- same exports always give the same warehouse (no clock in a model). The invoicing
-- exports date the ledger; bank statements date it only when there is no ledger yet
-- (bank files alone): then the latest booking date (DECISIONLOG: as-of date).
{% set as_of = var('as_of_date') %}
-- The dependencies hold whichever branch renders, so the lineage does not change with the var:
-- depends_on: {{ ref('stg_invoicing__documents') }}
-- depends_on: {{ ref('int_receipts') }}
-- depends_on: {{ ref('stg_invoicing__withholdings') }}
-- depends_on: {{ ref('stg_bank__statement_lines') }}

select
{%- if as_of %}
    cast('{{ as_of }}' as date) as as_of_date
{%- else %}
    coalesce(max(ledger_dates.data_date), max(bank_dates.booking_date)) as as_of_date
from (
    select max(issue_date) as data_date from {{ ref('stg_invoicing__documents') }}
    union all
    select max(payment_date) from {{ ref('int_receipts') }}
    union all
    select max(withholding_date) from {{ ref('stg_invoicing__withholdings') }}
) as ledger_dates
cross join (
    select max(booking_date) as booking_date from {{ ref('stg_bank__statement_lines') }}
) as bank_dates
{%- endif %}
