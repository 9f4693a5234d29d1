-- Per client and document currency, the statement's closing balance = what its documents
-- still owe (fct_documents.outstanding_amount) - its unapplied cash, to the cent. The
-- right side sums the aging's open items, not the ledger the statement runs on.
with closing as (
    select client_id, currency_code, running_balance_amount as closing_balance_amount
    from (
        select
            client_id,
            currency_code,
            running_balance_amount,
            row_number() over (partition by client_id, currency_code order by movement_seq desc) as reverse_seq
        from {{ ref('statement_of_account') }}
    ) as statement_rows
    where reverse_seq = 1
),

open_items as (
    select client_id, currency_code, outstanding_amount as amount
    from {{ ref('fct_documents') }}
    union all
    select client_id, currency_code, -unapplied_cash_amount
    from {{ ref('ar_aging_by_currency') }}
),

expected as (
    select client_id, currency_code, sum(amount) as closing_balance_amount
    from open_items
    group by client_id, currency_code
)

select
    coalesce(closing.client_id, expected.client_id) as client_id,
    coalesce(closing.currency_code, expected.currency_code) as currency_code,
    closing.closing_balance_amount as statement_amount,
    expected.closing_balance_amount as expected_amount
from closing
full outer join expected
    on expected.client_id = closing.client_id
    and expected.currency_code = closing.currency_code
where coalesce(closing.closing_balance_amount, 0) <> coalesce(expected.closing_balance_amount, 0)
