-- One row per client and document currency with anything open (or unapplied cash in
-- that currency) as of the build's as-of date: ar_aging in the document currency.
{{ aging_by_client_currency('select as_of_date from ' ~ ref('int_as_of_date')) }}
