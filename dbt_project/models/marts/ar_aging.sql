{{ config(post_hook="{{ create_ar_aging_at() }}") }}
-- One row per client with anything open (or unapplied cash) as of the build's as-of date.
{{ aging_by_client('select as_of_date from ' ~ ref('int_as_of_date')) }}
