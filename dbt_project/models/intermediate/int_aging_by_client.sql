{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ drop_keys_fingerprinted_otherwise(['as_of_date'], '_date_fingerprint', client_aging_date_fingerprints()) }}",
              "{{ name_kept_aging_clients() }}"]
) }}
-- The pre-hook renames the kept rows' clients as int_clients_current has them.
-- depends_on: {{ ref('int_clients_current') }}
-- One row per as-of date (the build's as-of date and every month end) and client with
-- anything open (or unapplied cash): int_aging_by_client_currency added up in the
-- reporting currency. ar_aging and ar_aging_monthly select from here.
--
-- Kept by date, as int_aging_by_client_currency is (DECISIONLOG: Aging by the date): a
-- date's rows are that date's rows there added up, so a build computes only the dates
-- the table does not hold; the pre-hooks have deleted those whose fingerprint there
-- (with this model's version: client_aging_date_fingerprints) is not the one their rows
-- carry, and renamed the clients renamed since.
{%- set kept = is_incremental() and holds_column('_date_fingerprint') %}
with fingerprints as (
    {{ client_aging_date_fingerprints() }}
),

computed as (
    select as_of_date from fingerprints
    {%- if kept %}
    except
    select as_of_date from {{ this }}
    {%- endif %}
)

select
    aging.*,
    fingerprints._date_fingerprint,
    {{ read_through_file_id() }} as _read_through_file_id
from ({{ aging_by_client('select * from ' ~ ref('int_aging_by_client_currency')
    ~ ' where as_of_date in (select as_of_date from computed)') }}) as aging
inner join fingerprints
    on fingerprints.as_of_date = aging.as_of_date
