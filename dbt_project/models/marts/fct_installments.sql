{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ write_candidates(installment_as_of_candidates(), compares_installments_as_of()) }}",
              "{{ drop_candidates(compares_installments_as_of()) }}",
              "{{ move_kept_rows_to_as_of_date() }}"]
) }}
-- One row per receivable item issued by the as-of date: each instalment of an invoice
-- or debit note, and each unlinked credit note (negative), as it stands at the as-of date.
--
-- Kept by document (DECISIONLOG: Settled instalments by the day): an item settled by the
-- as-of date stands the same on every later date, so a build keeps a document's rows
-- while none is open, int_receivable_item_balances has not computed its periods again,
-- none of its periods starts between the as-of date the rows answer for and this
-- build's, and its terms are as exported; the kept rows move to the build's as-of date
-- (the pre-hooks: the candidates, those rules give, go to a temp table and their rows are
-- deleted) and the candidates are computed: the open ones, touched ones and new ones.
{%- set candidates = candidates_table() if compares_installments_as_of() else none %}
with items as (
    select *
    from ({{ receivable_items_as_of(build_as_of_date()) }}) as items
    where {{ not_held_candidates(candidates, 'document_id') }}
),

-- The terms the client file shows beside each open instalment, here so that it reads
-- one client's row groups of this table alone: fct_documents is in export order, and
-- its 62 of 63 row groups at L held any one client (DECISIONLOG: Pages at L, fourth
-- pass). Only the few documents with a dispute reason or a discount are joined.
document_terms as (
    {{ installment_document_terms() }}
)

select
    as_of_date,
    {{ dbt.concat(["items.document_id", "'|'", "cast(installment_no as " ~ dbt.type_string() ~ ")"]) }} as installment_key,
    item_type,
    items.document_id,
    installment_no,
    document_type,
    document_number,
    client_id,
    currency_code,
    issue_date,
    due_date,
    item_amount as installment_amount,
    {{ to_reporting('item_amount', 'to_reporting_factor') }} as installment_reporting_amount,
    to_reporting_factor,
    settled_amount,
    outstanding_amount,
    outstanding_reporting_amount,
    outstanding_amount <> 0 as is_open,
    case when outstanding_amount > 0 and days_past_due > 0 then days_past_due else 0 end as days_past_due,
    case when outstanding_amount <> 0 then bucket_order end as bucket_order,
    items.is_in_dispute,
    document_terms.dispute_reason,
    document_terms.early_discount_pct,
    document_terms.early_discount_days,
    {{ installments_as_of_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from items
left join document_terms
    on document_terms.document_id = items.document_id
-- Stored by client: the client file and the aging page read one client's instalments, and
-- DuckDB then reads only the row groups whose min/max of client_id holds it (at L, 1 of
-- 77 row groups instead of all 9.4 M rows). A build's computed documents are appended in
-- client order too.
order by client_id
