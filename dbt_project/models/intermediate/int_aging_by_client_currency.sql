-- One row per as-of date (the build's as-of date and every month end), client and
-- document currency with anything open (or unapplied cash in that currency): the aging
-- in the document and the reporting currency. ar_aging, ar_aging_monthly and
-- ar_aging_by_currency select from here; ar_aging_at(date) renders the same macro.
{{ aging_by_client_currency(
    'select as_of_date from ' ~ ref('int_as_of_date')
    ~ ' union select as_of_date from ' ~ ref('int_month_ends')
) }}
