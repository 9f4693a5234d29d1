-- One row per calendar month (period_month, its first day) and period of
-- int_receivable_item_balances with something outstanding that holds on a day of that
-- month, in month order: the open items of any date D are the rows of D's month with
-- valid_from <= D < valid_to (macro receivable_items_as_of), one month's rows read
-- instead of the whole history.
{{ periods_by_month(ref('int_receivable_item_balances'), 'outstanding_amount <> 0') }}
