{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_changed_booking_months(line_reference_month_fingerprints()) }}"
) }}
-- One row per incoming bank line and receivable document its remittance text names
-- (rule 2 of the cash application). Where one written reference fits several documents,
-- the payer's own documents win, then those whose letters match what was written
-- (F- for F-2025-…), then a document number over a purchase order; a tie left after
-- that names none of them. reference_no is the order the text names them in.
--
-- Kept by month (DECISIONLOG: Bank matches by the month): a line's references depend on
-- its candidates and its payer alone, so a build computes only the booking months the
-- table does not hold; the pre-hook has deleted those whose candidates or payers moved
-- (line_reference_month_fingerprints).
with computed_months as (
    {{ booking_months_to_compute(ref('int_bank_reference_candidates')) }}
),

fingerprints as (
    {{ line_reference_month_fingerprints('computed_months') }}
),

candidates as (
    select
        candidates.*,
        payers.payer_client_id,
        rank() over (
            partition by candidates.bank_line_id, candidates.reference_no, candidates.start_position
            order by
                (candidates.client_id = payers.payer_client_id) desc nulls last,
                candidates.prefix_matches desc,
                (candidates.matched_via = 'document_number') desc
        ) as fit_rank
    from ({{ candidates_of_months('computed_months') }}) as candidates
    inner join {{ ref('int_bank_payers') }} as payers
        on payers.bank_line_id = candidates.bank_line_id
),

best as (
    select
        *,
        count(*) over (partition by bank_line_id, reference_no, start_position) as best_fits
    from candidates
    where fit_rank = 1
)

select
    best.bank_line_id,
    best.document_id,
    min(best.client_id) as client_id,
    min(best.reference_no) as reference_no,
    min(best.matched_via) as matched_via,
    fingerprints._booking_month,
    fingerprints._window_fingerprint,
    {{ read_through_file_id() }} as _read_through_file_id
from best
inner join fingerprints
    on fingerprints._booking_month = {{ month_of('best.booking_date') }}
where best.best_fits = 1
group by best.bank_line_id, best.document_id, fingerprints._booking_month, fingerprints._window_fingerprint
