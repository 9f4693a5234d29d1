-- One row per client and document currency with anything open (or unapplied cash in
-- that currency) as of the build's as-of date: ar_aging in the document currency.
{%- set buckets = aging_buckets() %}
select
    as_of_date,
    client_id,
    client_name,
    branch,
    salesperson,
    currency_code,
    {%- for bucket in buckets %}
    {{ bucket.column }},
    {%- endfor %}
    open_balance_amount,
    overdue_amount,
    in_dispute_amount,
    unapplied_cash_amount,
    net_balance_amount,
    reporting_currency_code,
    open_balance_reporting_amount,
    unapplied_cash_reporting_amount,
    net_balance_reporting_amount
from {{ ref('int_aging_by_client_currency') }}
where as_of_date = (select as_of_date from {{ ref('int_as_of_date') }})
