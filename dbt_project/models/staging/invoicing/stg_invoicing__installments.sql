-- One row per document instalment (vencimiento). A document's instalments come whole
-- from the latest file that lists the document, so a re-export that splits a document
-- differently replaces the earlier split instead of adding to it.
with latest as (
    {{ latest_file(source('raw', 'installments'), parent='document_id') }}
)

select
    document_id,
    installment_no,
    due_date,
    {{ money('amount') }} as installment_amount,
    {{ lineage_columns() }}
from latest
