-- One row per allocation of a receipt to a document (and optionally an instalment).
-- A receipt's allocations come whole from the latest file that lists the receipt, so a
-- re-allocation replaces the earlier one instead of applying the money twice.
with latest_file as (
    select receipt_id, max(_file_id) as _file_id
    from "cartera"."raw"."allocations"
    group by receipt_id
)

select
    allocations.receipt_id || '|' || allocations.document_id || '|' || coalesce(cast(allocations.installment_no as varchar), '') as allocation_id,
    allocations.receipt_id,
    allocations.document_id,
    allocations.installment_no,
    cast(allocations.amount as decimal(18, 2)) as allocated_amount,
    allocations._file_id,
    allocations._source_file,
    allocations._line_number,
    allocations._loaded_at
from "cartera"."raw"."allocations" as allocations
inner join latest_file
    on allocations.receipt_id = latest_file.receipt_id
    and allocations._file_id = latest_file._file_id