-- One row per distinct (country, tax_id) of raw.clients with its validation
-- (orchestration/ingest/tax_ids.py); the table is rewritten whole after each clients load.
select
    country as country_code,
    tax_id,
    normalised_tax_id,
    tax_id_kind,
    is_valid as tax_id_is_valid,
    reason as tax_id_check_reason,
    validator as tax_id_validator
from {{ source('raw', 'client_tax_id_checks') }}
