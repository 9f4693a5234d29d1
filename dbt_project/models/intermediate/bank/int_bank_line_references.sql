-- One row per incoming bank line and receivable document its remittance text names
-- (rule 2 of the cash application). Where one written reference fits several documents,
-- the payer's own documents win, then those whose letters match what was written
-- (F- for F-2025-…), then a document number over a purchase order; a tie left after
-- that names none of them. reference_no is the order the text names them in.
with candidates as (
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
    from {{ ref('int_bank_reference_candidates') }} as candidates
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
    bank_line_id,
    document_id,
    min(client_id) as client_id,
    min(reference_no) as reference_no,
    min(matched_via) as matched_via
from best
where best_fits = 1
group by bank_line_id, document_id
