-- One row per document: its latest export (latest updated_at, then latest file) wins;
-- earlier versions stay in raw.documents. A note whose related_document_id names
-- another client's document is read as unlinked (DECISIONLOG: Cross-client links; the
-- loader recorded it in raw.ingest_warnings).
with versions as (
    {{ latest_version(source('raw', 'documents'), key=['document_id'], order_by=['updated_at']) }}
),

document_clients as (
    select document_id as related_id, client_id as related_client_id
    from versions
)

select
    document_id,
    type as document_type,
    number as document_number,
    client_id,
    issue_date,
    due_date,
    upper(currency) as currency_code,
    {{ money('net') }} as net_amount,
    {{ money('tax') }} as tax_amount,
    {{ money('coalesce(withholding, 0)') }} as withholding_amount,
    {{ money('total') }} as total_amount,
    case
        when related_client_id is null or related_client_id = client_id then related_document_id
    end as related_document_id,
    purchase_order,
    status as document_status,
    status = 'void' as is_void,
    updated_at,
    early_discount_pct,
    early_discount_days,
    coalesce(in_dispute, false) as is_in_dispute,
    dispute_reason,
    {{ lineage_columns() }}
from versions
left join document_clients
    on document_clients.related_id = versions.related_document_id
