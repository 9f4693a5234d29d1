-- Per bank account: incoming money booked by the as-of date (from the statement lines) =
-- registered and applied + suggested by the rules + unapplied, to the cent.
select *
from {{ ref('bank_account_reconciliation') }}
where incoming_amount <> registered_applied_amount + suggested_amount + unapplied_amount
