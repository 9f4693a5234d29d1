-- One row per allocation of a receipt to a document (and optionally an instalment).
-- A receipt's allocations come whole from the latest file that lists the receipt, so a
-- re-allocation replaces the earlier one instead of applying the money twice.
with latest as (
    {{ latest_file(source('raw', 'allocations'), parent='receipt_id') }}
)

select
    {{ dbt.concat(["receipt_id", "'|'", "document_id", "'|'", "coalesce(cast(installment_no as " ~ dbt.type_string() ~ "), '')"]) }} as allocation_id,
    receipt_id,
    document_id,
    installment_no,
    {{ money('amount') }} as allocated_amount,
    {{ lineage_columns() }}
from latest
