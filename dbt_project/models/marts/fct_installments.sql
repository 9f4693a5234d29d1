-- One row per receivable item issued by the as-of date: each instalment of an invoice
-- or debit note, and each unlinked credit note (negative), as it stands at the as-of date.
with items as (
    {{ receivable_items_as_of('select as_of_date from ' ~ ref('int_as_of_date')) }}
)

select
    as_of_date,
    {{ dbt.concat(["document_id", "'|'", "cast(installment_no as " ~ dbt.type_string() ~ ")"]) }} as installment_key,
    item_type,
    document_id,
    installment_no,
    document_type,
    document_number,
    client_id,
    currency_code,
    issue_date,
    due_date,
    item_amount as installment_amount,
    {{ to_reporting('item_amount', 'to_reporting_factor') }} as installment_reporting_amount,
    settled_amount,
    outstanding_amount,
    outstanding_reporting_amount,
    outstanding_amount <> 0 as is_open,
    case when outstanding_amount > 0 and days_past_due > 0 then days_past_due else 0 end as days_past_due,
    case when outstanding_amount <> 0 then bucket_order end as bucket_order,
    is_in_dispute
from items
-- Stored by client: the client file and the aging page read one client's instalments, and
-- DuckDB then reads only the row groups whose min/max of client_id holds it (at L, 1 of
-- 77 row groups instead of all 9.4 M rows).
order by client_id
