{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_rows_read_again(
        [('bank_line_id', ref('int_bank_incoming_lines'), '_read_through_file_id'),
         ('document_id', ref('stg_invoicing__documents'), '_file_id')],
        ['bank_statements', 'documents'], rules=reference_candidate_rules()) }}"
) }}
-- One row per place in an incoming line's remittance text that can be read as the
-- number or purchase order of a receivable document, and per document it can be read
-- as (DECISIONLOG: Cash application, rule 2). A written reference is a run of digit
-- groups with the letters before it ("FRA 2025/123"); every run of 1 to 3 consecutive
-- groups is tried against the documents' keys (macros/bank_matching.sql), so a number
-- followed by an amount or a date is still found. One place may fit several documents
-- (F-2025-00012 and ND-2025-00012 share 2025/12): int_bank_line_references decides.
-- A line names no document issued more than var bank_match_window_days after its
-- booking date: its payer could not write a number that did not exist (a purchase
-- order's digits are also those of older invoices' numbers: without it every day's new
-- documents were found in years-old lines).
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a row depends on its line's
-- keys and its document's. A build deletes the rows of the lines read again since
-- (int_bank_incoming_lines) and of the documents whose latest version came since
-- (stg_invoicing__documents), then looks up the keys read since (int_bank_line_reference_keys,
-- int_document_reference_keys) among all the others: a new document is found in an old
-- line, a new line names an old document.
{%- set position = read_after(['bank_statements', 'documents'], rules=reference_candidate_rules()) %}
{%- set text_keys = ref('int_bank_line_reference_keys') %}
{%- set document_keys = ref('int_document_reference_keys') %}
-- Each lookup reads the key tables itself, not through a shared CTE: DuckDB materialised a
-- shared one whole (at M 1.0 M document keys, 0.68 s) where a scan of its own skips the
-- row groups of earlier positions (zone maps) and, on the other side of a join with
-- the few keys read again, those of keys not among them (the join's dynamic filter):
-- at M's +1 day 0.34-0.57 s against 1.1-2.3 s.
with
{%- if position is not none %}

text_keys_read_again as (
    select * from {{ text_keys }} where _read_through_file_id > {{ position }}
),

document_keys_read_again as (
    select * from {{ document_keys }} where _read_through_file_id > {{ position }}
),
{%- endif %}

{#- Every line's keys against every document's on a whole build; on a kept one, the keys
    read again against all the others, each side against the other's whole table. #}
{%- set lookups = [(text_keys, document_keys)] if position is none
    else [('text_keys_read_again', document_keys), (text_keys, 'document_keys_read_again')] %}

fits as (
    {%- for lines, documents in lookups %}
    select
        lines.bank_line_id,
        lines.booking_date,
        lines.reference_no,
        lines.start_position,
        lines.reference_key,
        documents.document_id,
        documents.client_id,
        documents.currency_code,
        documents.matched_via,
        -- The letters written before the number are the document's own (F for F-…); they
        -- only count when the key starts where the written reference starts.
        lines.start_position = 1 and lines.written_prefix = documents.key_prefix as prefix_matches
    from {{ lines }} as lines
    inner join {{ documents }} as documents
        on documents.reference_key = lines.reference_key
        and documents.issue_date <= {{ dbt.dateadd('day', var('bank_match_window_days'), 'lines.booking_date') }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

-- A key with too few digits names nothing; filtered after the lookups, so each scans
-- the keys as stored (the join finds the same rows either way).
select distinct
    *,
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=reference_candidate_rules()) }} as _model_version
from fits
where {{ reference_key_digits('reference_key') }} >= {{ var('reference_min_digits') }}
