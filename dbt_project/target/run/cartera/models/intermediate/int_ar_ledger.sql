
    

    create  table
      "cartera"."intermediate"."int_ar_ledger__dbt_tmp"
  
    
    as (
      -- One row per signed movement of a client's account, in document currency: issued
-- invoices and debit notes (+), credit notes (-), withholdings the client applied (-),
-- receipts (-, the whole amount, applied or not), with the running balance per client
-- and currency in date order. Void documents are left out.
with documents as (
    select *
    from "cartera"."staging"."stg_invoicing__documents"
    where not is_void
),

movements as (
    select
        'document' as movement_source,
        document_type as movement_type,
        document_id as movement_id,
        client_id,
        currency_code,
        issue_date as movement_date,
        document_number as reference,
        case when document_type = 'credit_note' then -total_amount else total_amount end as movement_amount
    from documents

    union all

    select
        'withholding',
        'withholding',
        withholdings.withholding_id,
        documents.client_id,
        documents.currency_code,
        withholdings.withholding_date,
        documents.document_number,
        -withholdings.withholding_amount
    from "cartera"."staging"."stg_invoicing__withholdings" as withholdings
    inner join documents
        on documents.document_id = withholdings.document_id
        and documents.document_type in ('invoice', 'debit_note')

    union all

    select
        'receipt',
        'receipt',
        receipt_id,
        client_id,
        currency_code,
        receipt_date,
        payment_reference,
        -receipt_amount
    from "cartera"."staging"."stg_invoicing__receipts"
)

select
    movement_source,
    movement_type,
    movement_id,
    client_id,
    currency_code,
    movement_date,
    reference,
    cast(movement_amount as decimal(18, 2)) as movement_amount,
    cast(sum(movement_amount) over (partition by client_id, currency_code order by movement_date, movement_source, movement_id rows between unbounded preceding and current row) as decimal(18, 2)) as running_balance_amount
from movements
    );
    
  