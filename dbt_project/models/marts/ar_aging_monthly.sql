-- One row per month end and client with anything open (or unapplied cash) at that date.
{{ aging_by_client('select as_of_date from ' ~ ref('int_month_ends')) }}
