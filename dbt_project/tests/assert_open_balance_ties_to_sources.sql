-- Open balance = invoices + debit notes - credit notes - withholdings - applied receipts,
-- per client and currency, to the cent. The right side is summed straight from staging,
-- not from the aging logic it checks. Every amount counts from its effective date: its
-- own date, or its document's issue date when that is later (DECISIONLOG).
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

documents as (
    select * from {{ ref('stg_invoicing__documents') }} where not is_void
),

receivable as (
    select * from documents where document_type in ('invoice', 'debit_note')
),

terms as (
    select client_id, currency_code, total_amount as amount
    from receivable
    where issue_date <= (select as_of_date from as_of)

    union all

    select credit_notes.client_id, credit_notes.currency_code, -credit_notes.total_amount
    from documents as credit_notes
    left join receivable as corrected
        on corrected.document_id = credit_notes.related_document_id
    where credit_notes.document_type = 'credit_note'
        and greatest(credit_notes.issue_date, coalesce(corrected.issue_date, credit_notes.issue_date))
            <= (select as_of_date from as_of)

    union all

    select receivable.client_id, receivable.currency_code, -withholdings.withholding_amount
    from {{ ref('stg_invoicing__withholdings') }} as withholdings
    inner join receivable
        on receivable.document_id = withholdings.document_id
    where greatest(withholdings.withholding_date, receivable.issue_date) <= (select as_of_date from as_of)

    union all

    select receivable.client_id, receivable.currency_code, -allocations.allocated_amount
    from {{ ref('stg_invoicing__allocations') }} as allocations
    inner join {{ ref('int_receipts') }} as receipts
        on receipts.receipt_id = allocations.receipt_id
    inner join receivable
        on receivable.document_id = allocations.document_id
    where greatest(receipts.payment_date, receivable.issue_date) <= (select as_of_date from as_of)
),

expected as (
    select client_id, currency_code, sum(amount) as open_balance_amount
    from terms
    group by client_id, currency_code
),

actual as (
    select client_id, currency_code, sum(outstanding_amount) as open_balance_amount
    from {{ ref('fct_documents') }}
    group by client_id, currency_code
)

select
    coalesce(expected.client_id, actual.client_id) as client_id,
    coalesce(expected.currency_code, actual.currency_code) as currency_code,
    expected.open_balance_amount as expected_amount,
    actual.open_balance_amount as actual_amount
from expected
full outer join actual
    on actual.client_id = expected.client_id
    and actual.currency_code = expected.currency_code
where coalesce(expected.open_balance_amount, 0) <> coalesce(actual.open_balance_amount, 0)
