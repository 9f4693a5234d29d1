-- One row per calendar month (period_month, its first day) and period of
-- int_receipt_balances with money unapplied that holds on a day of that month, in month
-- order: the unapplied cash of any date D is read from the rows of D's month (macro
-- unapplied_receipts).
{{ periods_by_month(ref('int_receipt_balances'), 'unapplied_amount <> 0') }}
