-- One row per as-of date (the build's as-of date and every month end) and client with
-- anything open (or unapplied cash): int_aging_by_client_currency added up in the
-- reporting currency. ar_aging and ar_aging_monthly select from here.
{{ aging_by_client('select * from ' ~ ref('int_aging_by_client_currency')) }}
