{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_rows_read_again([('document_id', ref('stg_invoicing__documents'), '_file_id')], ['documents'],
        rules=document_reference_key_rules()) }}"
) }}
-- One row per receivable document (an issued invoice or debit note, not void) and key its
-- number or purchase order can be written as (macros/bank_matching.sql): by digit groups
-- and compact, with the letters before them (key_prefix). What int_bank_reference_candidates
-- looks the bank lines' keys up among (DECISIONLOG: Cash application, rule 2).
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a document's keys depend on
-- its latest version alone, whose file stg_invoicing__documents keeps (_file_id), so a
-- build reads only the documents whose latest version came in a file registered since.
with receivable_documents as (
    select document_id, client_id, currency_code, issue_date, document_number, purchase_order
    from {{ ref('stg_invoicing__documents') }} as documents
    where not is_void
        and document_type in ('invoice', 'debit_note')
        and {{ read_again('documents', ['documents'], rules=document_reference_key_rules(), position_column='_file_id') }}
),

keys as (
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

select
    keys.document_id,
    receivable_documents.client_id,
    receivable_documents.currency_code,
    receivable_documents.issue_date,
    keys.matched_via,
    keys.key_prefix,
    keys.reference_key,
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=document_reference_key_rules()) }} as _model_version
from keys
inner join receivable_documents
    on receivable_documents.document_id = keys.document_id
