-- Every incoming bank line booked by the as-of date, taken from staging: what the cash
-- application applied to documents plus what it left unapplied is the line's amount, to
-- the cent; and no part is negative.
with incoming as (
    select bank_line_id, bank_account, line_amount
    from {{ ref('stg_bank__statement_lines') }}
    where line_amount > 0
        and booking_date <= (select as_of_date from {{ ref('int_as_of_date') }})
),

applied as (
    select
        bank_line_id,
        sum(coalesce(applied_amount, 0) + coalesce(unapplied_amount, 0)) as accounted_amount,
        min(coalesce(applied_amount, unapplied_amount)) as smallest_part
    from {{ ref('cash_application') }}
    group by bank_line_id
)

select
    coalesce(incoming.bank_line_id, applied.bank_line_id) as bank_line_id,
    incoming.bank_account,
    incoming.line_amount,
    applied.accounted_amount,
    applied.smallest_part
from incoming
full outer join applied
    on applied.bank_line_id = incoming.bank_line_id
where incoming.line_amount is distinct from applied.accounted_amount
    or applied.smallest_part <= 0
