-- One row per place in an incoming line's remittance text that can be read as the
-- number or purchase order of a receivable document, and per document it can be read
-- as (DECISIONLOG: Cash application, rule 2). A written reference is a run of digit
-- groups with the letters before it ("FRA 2025/123"); every run of 1 to 3 consecutive
-- groups is tried against the documents' keys (macros/bank_matching.sql), so a number
-- followed by an amount or a date is still found. One place may fit several documents
-- (F-2025-00012 and ND-2025-00012 share 2025/12): int_bank_line_references decides.
-- The places are read from the text in int_bank_line_reference_keys (kept from day to
-- day); the documents' keys are computed here on every build, so a new document is
-- found in an old line.
with text_keys as (
    select bank_line_id, reference_no, start_position, written_prefix, reference_key
    from {{ ref('int_bank_line_reference_keys') }}
),

receivable_documents as (
    select document_id, client_id, document_type, document_number, purchase_order, currency_code
    from {{ ref('stg_invoicing__documents') }}
    where not is_void and document_type in ('invoice', 'debit_note')
),

document_keys as (
    select document_id, 'document_number' as matched_via, {{ reference_prefix('document_number') }} as key_prefix,
        {{ reference_groups_key('document_number') }} as reference_key
    from receivable_documents
    union
    select document_id, 'document_number', {{ reference_prefix('document_number') }},
        {{ reference_compact_key('document_number') }}
    from receivable_documents
    union
    select document_id, 'purchase_order', {{ reference_prefix('purchase_order') }},
        {{ reference_groups_key('purchase_order') }}
    from receivable_documents
    where purchase_order is not null
    union
    select document_id, 'purchase_order', {{ reference_prefix('purchase_order') }},
        {{ reference_compact_key('purchase_order') }}
    from receivable_documents
    where purchase_order is not null
)

select distinct
    text_keys.bank_line_id,
    text_keys.reference_no,
    text_keys.start_position,
    text_keys.reference_key,
    document_keys.document_id,
    receivable_documents.client_id,
    receivable_documents.currency_code,
    document_keys.matched_via,
    -- The letters written before the number are the document's own (F for F-…); they
    -- only count when the key starts where the written reference starts.
    text_keys.start_position = 1 and text_keys.written_prefix = document_keys.key_prefix as prefix_matches
from text_keys
inner join document_keys
    on document_keys.reference_key = text_keys.reference_key
inner join receivable_documents
    on receivable_documents.document_id = document_keys.document_id
where {{ reference_key_digits('text_keys.reference_key') }} >= {{ var('reference_min_digits') }}
