-- One row per place in an incoming line's remittance text that can be read as the
-- number or purchase order of a receivable document, and per document it can be read
-- as (DECISIONLOG: Cash application, rule 2). A written reference is a run of digit
-- groups with the letters before it ("FRA 2025/123"); every run of 1 to 3 consecutive
-- groups is tried against the documents' keys (macros/bank_matching.sql), so a number
-- followed by an amount or a date is still found. One place may fit several documents
-- (F-2025-00012 and ND-2025-00012 share 2025/12): int_bank_line_references decides.
with lines as (
    select bank_line_id, remittance_text
    from {{ ref('int_bank_incoming_lines') }}
),

written as (
    select
        bank_line_id,
        unnest(found) as written_reference,
        generate_subscripts(found, 1) as reference_no
    from (
        select bank_line_id, regexp_extract_all(remittance_text, '[A-Z]*[ .\-/]*[0-9]+(?:[ .\-/]+[0-9]+)*') as found
        from lines
    ) as texts
),

digit_groups as (
    select
        bank_line_id,
        reference_no,
        written_prefix,
        unnest(digit_groups) as digits,
        generate_subscripts(digit_groups, 1) as position
    from (
        select
            *,
            {{ reference_prefix('written_reference') }} as written_prefix,
            list_transform(regexp_extract_all(written_reference, '[0-9]+'),
                lambda g: coalesce(nullif(ltrim(g, '0'), ''), '0')) as digit_groups
        from written
    ) as parsed
),

runs as (
    select
        *,
        lag(digits) over run_order || '/' || digits as two_groups,
        lag(digits, 2) over run_order || '/' || lag(digits) over run_order || '/' || digits as three_groups
    from digit_groups
    window run_order as (partition by bank_line_id, reference_no order by position)
),

text_keys as (
    select bank_line_id, reference_no, position as start_position, written_prefix, digits as reference_key from runs
    union all
    select bank_line_id, reference_no, position - 1, written_prefix, two_groups from runs where two_groups is not null
    union all
    select bank_line_id, reference_no, position - 2, written_prefix, three_groups from runs where three_groups is not null
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
