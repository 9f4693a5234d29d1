-- One row per document instalment (vencimiento). A document's instalments come whole
-- from the latest file that lists the document, so a re-export that splits a document
-- differently replaces the earlier split instead of adding to it.
with latest_file as (
    select document_id, max(_file_id) as _file_id
    from {{ source('raw', 'installments') }}
    group by document_id
)

select
    installments.document_id,
    installments.installment_no,
    installments.due_date,
    {{ money('installments.amount') }} as installment_amount,
    installments._file_id,
    installments._source_file,
    installments._line_number,
    installments._loaded_at
from {{ source('raw', 'installments') }} as installments
inner join latest_file
    on installments.document_id = latest_file.document_id
    and installments._file_id = latest_file._file_id
