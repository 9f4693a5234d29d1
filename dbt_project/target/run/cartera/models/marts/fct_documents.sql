
    

    create  table
      "cartera"."marts"."fct_documents__dbt_tmp"
  
    
    as (
      -- One row per issued (not void) invoice, credit note and debit note dated by the as-of
-- date: amounts in document and reporting currency, what has been paid, withheld and
-- credited by then, what is outstanding, and how late its oldest open instalment is.
with as_of as (
    select as_of_date from "cartera"."intermediate"."int_as_of_date"
),

documents as (
    select documents.*
    from "cartera"."staging"."stg_invoicing__documents" as documents
    where not documents.is_void
        and documents.issue_date <= (select as_of_date from as_of)
),

reductions as (
    select
        document_id,
        sum(case when reduction_type = 'receipt' then reduction_amount else 0 end) as paid_amount,
        sum(case when reduction_type = 'withholding' then reduction_amount else 0 end) as withheld_amount,
        sum(case when reduction_type = 'credit_note' then reduction_amount else 0 end) as credited_amount,
        max(case when reduction_type = 'receipt' then reduction_date end) as last_payment_date
    from "cartera"."intermediate"."int_document_reductions"
    where effective_date <= (select as_of_date from as_of)
    group by document_id
),

installments as (
    select
        document_id,
        count(*) as installment_count,
        sum(outstanding_amount) as outstanding_amount,
        sum(outstanding_reporting_amount) as outstanding_reporting_amount,
        max(days_past_due) as days_past_due
    from "cartera"."marts"."fct_installments"
    group by document_id
)

select
    documents.document_id,
    documents.document_type,
    documents.document_number,
    documents.client_id,
    documents.issue_date,
    documents.due_date,
    documents.currency_code,
    documents.net_amount,
    documents.tax_amount,
    documents.withholding_amount,
    documents.total_amount,
    cast(round(documents.total_amount * case
    when documents.currency_code = 'EUR' then cast(1 as decimal(18, 10))
    else fx.to_reporting_factor
end, 2) as decimal(18, 2)) as total_reporting_amount,
    cast(coalesce(reductions.paid_amount, 0) as decimal(18, 2)) as paid_amount,
    cast(coalesce(reductions.withheld_amount, 0) as decimal(18, 2)) as withheld_amount,
    cast(coalesce(reductions.credited_amount, 0) as decimal(18, 2)) as credited_amount,
    cast(coalesce(installments.outstanding_amount, 0) as decimal(18, 2)) as outstanding_amount,
    cast(coalesce(installments.outstanding_reporting_amount, 0) as decimal(18, 2)) as outstanding_reporting_amount,
    coalesce(installments.installment_count, 0) as installment_count,
    reductions.last_payment_date,
    coalesce(installments.days_past_due, 0) as days_past_due,
    documents.related_document_id,
    documents.purchase_order,
    documents.is_in_dispute,
    documents.dispute_reason,
    documents.early_discount_pct,
    documents.early_discount_days,
    (select as_of_date from as_of) as as_of_date
from documents
left join reductions
    on reductions.document_id = documents.document_id
left join installments
    on installments.document_id = documents.document_id
left join "cartera"."intermediate"."int_fx_rates" as fx
    on fx.currency_code = documents.currency_code
    and documents.issue_date >= fx.valid_from
    and (documents.issue_date < fx.valid_to or fx.valid_to is null)
    );
    
  