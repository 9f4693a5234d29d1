{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ drop_changed_aging_dates() }}", "{{ name_kept_aging_clients() }}"]
) }}
-- One row per as-of date (the build's as-of date and every month end), client and
-- document currency with anything open (or unapplied cash in that currency): the aging
-- in the document and the reporting currency. ar_aging, ar_aging_monthly and
-- ar_aging_by_currency select from here; ar_aging_at(date) renders the same macro.
--
-- Kept by date (DECISIONLOG: Aging by the date): a date's rows are a function of the
-- open items and unapplied receipts it reads, so a build computes only the dates the
-- table does not hold; the pre-hooks have deleted those whose rows read otherwise
-- (aging_date_fingerprints) and renamed the clients renamed since. Only the dates
-- computed are fingerprinted here, for their rows.
{%- set kept = is_incremental() and holds_column('_date_fingerprint') %}
with computed as (
    {{ aging_dates() }}
    {%- if kept %}
    except
    select as_of_date from {{ this }}
    {%- endif %}
),

dates as (
    {{ aging_date_fingerprints('select as_of_date from computed') }}
)

select
    aging.*,
    dates.date_fingerprint as _date_fingerprint,
    {{ read_through_file_id() }} as _read_through_file_id
from ({{ aging_by_client_currency('select as_of_date from computed') }}) as aging
inner join dates
    on dates.as_of_date = aging.as_of_date
