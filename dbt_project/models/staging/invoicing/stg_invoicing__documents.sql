{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_keys_read_again('document_id', documents_read_again, ['documents'], rules=staging_rules()) }}"
) }}
-- One row per document: its latest export (latest updated_at, then latest file) wins;
-- earlier versions stay in raw.documents. A note whose related_document_id names
-- another client's document is read as unlinked (DECISIONLOG: Cross-client links; the
-- loader recorded it in raw.ingest_warnings).
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a document depends on its raw
-- rows and on the client of the document it relates to, so a build reads again the
-- documents that files registered since list and the notes that relate to one of them
-- (macros/latest_export.sql documents_read_again); the clients of the others are the
-- table's.
{%- set position = read_after(['documents'], rules=staging_rules()) %}
with versions as (
    {{ latest_version(source('raw', 'documents'), key=['document_id'], order_by=['updated_at'],
        only=none if position is none else documents_read_again(position)) }}
),

document_clients as (
    select document_id as related_id, client_id as related_client_id
    from versions
    {%- if position is not none %}
    union all
    select document_id, client_id
    from {{ this }}
    {%- endif %}
)

select
    versions.document_id,
    versions.type as document_type,
    versions.number as document_number,
    versions.client_id,
    versions.issue_date,
    versions.due_date,
    upper(versions.currency) as currency_code,
    {{ money('versions.net') }} as net_amount,
    {{ money('versions.tax') }} as tax_amount,
    {{ money('coalesce(versions.withholding, 0)') }} as withholding_amount,
    {{ money('versions.total') }} as total_amount,
    case
        when document_clients.related_client_id is null
            or document_clients.related_client_id = versions.client_id
            then versions.related_document_id
    end as related_document_id,
    versions.purchase_order,
    versions.status as document_status,
    versions.status = 'void' as is_void,
    versions.updated_at,
    versions.early_discount_pct,
    versions.early_discount_days,
    coalesce(versions.in_dispute, false) as is_in_dispute,
    versions.dispute_reason,
    {{ lineage_columns() }},
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=staging_rules()) }} as _model_version
from versions
left join document_clients
    on document_clients.related_id = versions.related_document_id
