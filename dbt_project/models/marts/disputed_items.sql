-- One row per document in dispute with something still owed on it as of the as-of date:
-- held out of the dunning ladder (collections_worklist) but still owed and aged
-- (DECISIONLOG: disputed items).
select
    documents.as_of_date,
    documents.document_id,
    documents.document_type,
    documents.document_number,
    documents.client_id,
    clients.client_name,
    clients.salesperson,
    clients.branch,
    clients.email,
    clients.phone,
    documents.currency_code,
    documents.issue_date,
    documents.due_date,
    documents.total_amount,
    documents.outstanding_amount,
    documents.outstanding_reporting_amount,
    documents.dispute_reason,
    {{ dbt.datediff('documents.issue_date', 'documents.as_of_date', 'day') }} as days_since_issue,
    documents.days_past_due
from {{ ref('fct_documents') }} as documents
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = documents.client_id
where documents.is_in_dispute
    and documents.outstanding_amount > 0
