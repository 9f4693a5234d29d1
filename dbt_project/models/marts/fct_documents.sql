{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ write_candidates(document_as_of_candidates(), compares_documents_as_of()) }}",
              "{{ drop_candidates(compares_documents_as_of()) }}",
              "{{ move_kept_rows_to_as_of_date() }}"]
) }}
-- depends_on: {{ ref('stg_fx__rates') }}
-- One row per issued (not void) invoice, credit note and debit note dated by the as-of
-- date: amounts in document and reporting currency, what has been paid, withheld and
-- credited by then, what is outstanding, and how late its oldest open instalment is.
--
-- Kept by document, as fct_installments is (DECISIONLOG: Settled instalments by the
-- day): a build computes again the documents whose instalments fct_installments computed
-- since, that staging read again, whose client's rows changed, issued between the two
-- as-of dates, or with a payment dated by their issue date (the pre-hooks' rules: the
-- candidates go to a temp table and their rows are deleted), and keeps the others' rows,
-- moved to its as-of date.
{%- set candidates = candidates_table() if compares_documents_as_of() else none %}
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

-- The figures are joined to the documents' keys, and the documents' other columns last
-- (DECISIONLOG: DuckDB's memory cap): DuckDB underestimates the documents left by the
-- as-of filter and builds its hash joins on them, so they must be narrow there; at L the
-- wide documents in three hash tables ran out of memory at 6 GiB.
documents as (
    select documents.document_id, documents.client_id, documents.issue_date, documents.currency_code, documents.total_amount
    from {{ ref('stg_invoicing__documents') }} as documents
    where not documents.is_void
        and documents.issue_date <= (select as_of_date from as_of)
        and {{ not_held_candidates(candidates, 'documents.document_id') }}
),

reductions as (
    select
        document_id,
        sum(case when reduction_type = 'receipt' then reduction_amount else 0 end) as paid_amount,
        sum(case when reduction_type = 'withholding' then reduction_amount else 0 end) as withheld_amount,
        sum(case when reduction_type = 'credit_note' then reduction_amount else 0 end) as credited_amount,
        max(case when reduction_type = 'receipt' then reduction_date end) as last_payment_date
    from {{ ref('int_document_reductions') }}
    where effective_date <= (select as_of_date from as_of)
        and document_id in (select document_id from documents)
    group by document_id
),

installments as (
    select
        document_id,
        count(*) as installment_count,
        sum(outstanding_amount) as outstanding_amount,
        sum(outstanding_reporting_amount) as outstanding_reporting_amount,
        max(days_past_due) as days_past_due
    from {{ ref('fct_installments') }}
    where document_id in (select document_id from documents)
    group by document_id
),

-- The client's fiscal data as it was on the issue date: a renamed client's old invoices
-- keep the old name and tax id.
client_versions as (
    select client_id, valid_from, valid_to, legal_name, tax_id
    from {{ ref('dim_clients') }}
),

figures as (
    select
        documents.document_id,
        client_versions.legal_name as client_legal_name_at_issue,
        client_versions.tax_id as client_tax_id_at_issue,
        {{ to_reporting('documents.total_amount', fx_factor('fx', 'documents.currency_code')) }} as total_reporting_amount,
        {{ money('coalesce(reductions.paid_amount, 0)') }} as paid_amount,
        {{ money('coalesce(reductions.withheld_amount, 0)') }} as withheld_amount,
        {{ money('coalesce(reductions.credited_amount, 0)') }} as credited_amount,
        {{ money('coalesce(installments.outstanding_amount, 0)') }} as outstanding_amount,
        {{ money('coalesce(installments.outstanding_reporting_amount, 0)') }} as outstanding_reporting_amount,
        coalesce(installments.installment_count, 0) as installment_count,
        reductions.last_payment_date,
        coalesce(installments.days_past_due, 0) as days_past_due
    from documents
    left join reductions
        on reductions.document_id = documents.document_id
    left join installments
        on installments.document_id = documents.document_id
    left join client_versions
        on client_versions.client_id = documents.client_id
        and client_versions.valid_from <= documents.issue_date
        and (client_versions.valid_to is null or documents.issue_date < client_versions.valid_to)
    {{ join_fx_factor('fx', 'documents.currency_code', 'documents.issue_date') }}
)

select
    documents.document_id,
    documents.document_type,
    documents.document_number,
    documents.client_id,
    figures.client_legal_name_at_issue,
    figures.client_tax_id_at_issue,
    documents.issue_date,
    documents.due_date,
    documents.currency_code,
    documents.net_amount,
    documents.tax_amount,
    documents.withholding_amount,
    documents.total_amount,
    figures.total_reporting_amount,
    figures.paid_amount,
    figures.withheld_amount,
    figures.credited_amount,
    figures.outstanding_amount,
    figures.outstanding_reporting_amount,
    figures.installment_count,
    figures.last_payment_date,
    figures.days_past_due,
    documents.related_document_id,
    documents.purchase_order,
    documents.is_in_dispute,
    documents.dispute_reason,
    documents.early_discount_pct,
    documents.early_discount_days,
    (select as_of_date from as_of) as as_of_date,
    {{ documents_as_of_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from {{ ref('stg_invoicing__documents') }} as documents
inner join figures
    on figures.document_id = documents.document_id
