{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_changed_booking_months(payer_evidence_month_fingerprints()) }}"
) }}
-- One row per incoming bank line and what its text alone tells of who paid it
-- (DECISIONLOG: Cash application, who paid): the one client whose tax id is a word of
-- the text, the one client whose documents the text names unambiguously, and the
-- payer's account. int_bank_payers weighs them with what the account's other lines tell.
--
-- Kept by month (DECISIONLOG: Bank matches by the month): a line's evidence depends on
-- its words, its reference candidates and the clients' tax ids alone, so a build
-- computes only the booking months the table does not hold; the pre-hook has deleted
-- those whose inputs moved (payer_evidence_month_fingerprints).
with computed_months as (
    {{ booking_months_to_compute(ref('int_bank_incoming_lines')) }}
),

fingerprints as (
    {{ payer_evidence_month_fingerprints('computed_months') }}
),

lines as (
    select bank_line_id, booking_date, payer_account, tax_id_words
    from {{ ref('int_bank_incoming_lines') }}
    {{ where_in_months('booking_date', 'computed_months') }}
),

-- The one client whose tax id is a word of the line's text.
tax_id_payers as (
    select words.bank_line_id, min(unique_tax_ids.client_id) as client_id
    from (
        select bank_line_id, unnest(tax_id_words) as word
        from lines
    ) as words
    inner join ({{ unique_client_tax_ids() }}) as unique_tax_ids
        on unique_tax_ids.tax_key = words.word
    group by words.bank_line_id
    having count(distinct unique_tax_ids.client_id) = 1
),

unambiguous_references as (
    select bank_line_id, min(client_id) as client_id
    from ({{ candidates_of_months('computed_months') }}) as candidates
    group by bank_line_id, reference_no, start_position
    having count(distinct document_id) = 1
),

reference_clients as (
    select bank_line_id, min(client_id) as client_id
    from unambiguous_references
    group by bank_line_id
    having count(distinct client_id) = 1
)

select
    lines.bank_line_id,
    lines.payer_account,
    tax_id_payers.client_id as tax_id_client_id,
    reference_clients.client_id as reference_client_id,
    fingerprints._booking_month,
    fingerprints._window_fingerprint,
    {{ read_through_file_id() }} as _read_through_file_id
from lines
inner join fingerprints
    on fingerprints._booking_month = {{ month_of('lines.booking_date') }}
left join tax_id_payers
    on tax_id_payers.bank_line_id = lines.bank_line_id
left join reference_clients
    on reference_clients.bank_line_id = lines.bank_line_id
