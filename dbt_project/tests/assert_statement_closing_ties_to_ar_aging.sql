-- "The closing balance equals the client's total in ar_aging": per client, the closing
-- reporting-currency balances of its statement (one per document currency) add up to
-- ar_aging.net_balance_amount (open balance - unapplied cash) to the cent; and a client
-- whose movements are all in the reporting currency closes at that figure in document
-- currency too, with no conversion involved.
with closing as (
    select client_id, currency_code, running_balance_amount, running_balance_reporting_amount
    from (
        select
            client_id,
            currency_code,
            running_balance_amount,
            running_balance_reporting_amount,
            row_number() over (partition by client_id, currency_code order by movement_seq desc) as reverse_seq
        from {{ ref('statement_of_account') }}
    ) as statement_rows
    where reverse_seq = 1
),

per_client as (
    select
        client_id,
        sum(running_balance_reporting_amount) as closing_reporting_amount,
        sum(case when currency_code = '{{ var("reporting_currency") }}' then running_balance_amount else 0 end) as closing_reporting_currency_amount,
        max(case when currency_code <> '{{ var("reporting_currency") }}' then 1 else 0 end) as has_other_currency
    from closing
    group by client_id
)

select
    coalesce(per_client.client_id, aging.client_id) as client_id,
    per_client.closing_reporting_amount,
    per_client.closing_reporting_currency_amount,
    aging.net_balance_amount
from per_client
full outer join {{ ref('ar_aging') }} as aging
    on aging.client_id = per_client.client_id
where coalesce(per_client.closing_reporting_amount, 0) <> coalesce(aging.net_balance_amount, 0)
    or (coalesce(per_client.has_other_currency, 0) = 0
        and coalesce(per_client.closing_reporting_currency_amount, 0) <> coalesce(aging.net_balance_amount, 0))
