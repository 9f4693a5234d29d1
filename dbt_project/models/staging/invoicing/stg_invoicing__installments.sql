{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_rows_read_again([('document_id', source('raw', 'installments'), '_file_id')], ['installments'], rules=staging_rules()) }}"
) }}
-- One row per document instalment (vencimiento). A document's instalments come whole
-- from the latest file that lists the document, so a re-export that splits a document
-- differently replaces the earlier split instead of adding to it.
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a document's instalments
-- depend on its raw rows alone, so a build reads again only the documents whose
-- instalments files registered since list.
with latest as (
    {{ latest_file(source('raw', 'installments'), parent='document_id',
        only=keys_read_again(source('raw', 'installments'), 'document_id', ['installments'])) }}
)

select
    document_id,
    installment_no,
    due_date,
    {{ money('amount') }} as installment_amount,
    {{ lineage_columns() }},
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=staging_rules()) }} as _model_version
from latest
