{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_rows_read_again([('receipt_id', source('raw', 'allocations'), '_file_id')], ['allocations'], rules=staging_rules()) }}"
) }}
-- One row per allocation of a receipt to a document (and optionally an instalment).
-- A receipt's allocations come whole from the latest file that lists the receipt, so a
-- re-allocation replaces the earlier one instead of applying the money twice.
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a receipt's allocations depend
-- on its raw rows alone, so a build reads again only the receipts whose allocations
-- files registered since list.
with latest as (
    {{ latest_file(source('raw', 'allocations'), parent='receipt_id',
        only=keys_read_again(source('raw', 'allocations'), 'receipt_id', ['allocations'])) }}
)

select
    {{ dbt.concat(["receipt_id", "'|'", "document_id", "'|'", "coalesce(cast(installment_no as " ~ dbt.type_string() ~ "), '')"]) }} as allocation_id,
    receipt_id,
    document_id,
    installment_no,
    {{ money('amount') }} as allocated_amount,
    {{ lineage_columns() }},
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=staging_rules()) }} as _model_version
from latest
