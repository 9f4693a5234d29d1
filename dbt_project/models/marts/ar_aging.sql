{{ config(post_hook="{{ create_ar_aging_at() }}") }}
-- One row per client with anything open (or unapplied cash) as of the build's as-of date.
select {{ aging_by_client_columns() }}
from {{ ref('int_aging_by_client') }}
where as_of_date = (select as_of_date from {{ ref('int_as_of_date') }})
