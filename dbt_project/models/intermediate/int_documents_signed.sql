{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_keys_read_again('document_id', staged_documents_read_again, ['documents'], rules=document_fx_rules()) }}"
) }}
-- depends_on: {{ ref('stg_fx__rates') }}
-- One row per issued (not void) invoice, debit note and credit note: its net and total
-- signed as sales (credit notes negative), in document currency and in the reporting
-- currency at the issue date's rate (DECISIONLOG: FX). Net is the taxable base, the
-- revenue; total is what the client is asked to pay, the amount that enters the AR.
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a build reads again the
-- documents staging computed since and, after a rates file, those in another currency
-- (macros/document_changes.sql).
{%- set position = read_after(['documents'], rules=document_fx_rules()) %}
-- The documents read are chosen before the FX join: DuckDB does not push a filter below
-- an as-of join, which then valued all 10 M documents at L for the day's 6,600 (7.9 s).
with read_documents as (
    select *
    from {{ ref('stg_invoicing__documents') }}
    where not is_void
    {%- if position is not none %}
        and document_id in ({{ staged_documents_read_again(position) }})
    {%- endif %}
),

documents as (
    select
        documents.*,
        case when documents.document_type = 'credit_note' then -1 else 1 end as sales_sign,
        {{ fx_factor('fx', 'documents.currency_code') }} as to_reporting_factor
    from read_documents as documents
    {{ join_fx_factor('fx', 'documents.currency_code', 'documents.issue_date') }}
)

select
    document_id,
    document_type,
    client_id,
    issue_date,
    currency_code,
    {{ money('sales_sign * net_amount') }} as signed_net_amount,
    {{ money('sales_sign * total_amount') }} as signed_total_amount,
    {{ to_reporting('sales_sign * net_amount', 'to_reporting_factor') }} as signed_net_reporting_amount,
    {{ to_reporting('sales_sign * total_amount', 'to_reporting_factor') }} as signed_total_reporting_amount,
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=document_fx_rules()) }} as _model_version
from documents
