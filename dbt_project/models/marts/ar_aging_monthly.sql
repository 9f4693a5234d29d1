-- One row per month end and client with anything open (or unapplied cash) at that date.
select {{ aging_by_client_columns() }}
from {{ ref('int_aging_by_client') }}
where as_of_date in (select as_of_date from {{ ref('int_month_ends') }})
