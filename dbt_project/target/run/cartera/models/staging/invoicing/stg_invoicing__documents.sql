
  
  create view "cartera"."staging"."stg_invoicing__documents__dbt_tmp" as (
    -- One row per document: its latest export (latest updated_at, then latest file) wins;
-- earlier versions stay in raw.documents.
with ranked as (
    select
        *,
        row_number() over (
            partition by document_id
            order by updated_at desc, _file_id desc, _line_number desc
        ) as version_rank
    from "cartera"."raw"."documents"
)

select
    document_id,
    type as document_type,
    number as document_number,
    client_id,
    issue_date,
    due_date,
    upper(currency) as currency_code,
    cast(net as decimal(18, 2)) as net_amount,
    cast(tax as decimal(18, 2)) as tax_amount,
    cast(coalesce(withholding, 0) as decimal(18, 2)) as withholding_amount,
    cast(total as decimal(18, 2)) as total_amount,
    related_document_id,
    purchase_order,
    status as document_status,
    status = 'void' as is_void,
    updated_at,
    early_discount_pct,
    early_discount_days,
    coalesce(in_dispute, false) as is_in_dispute,
    dispute_reason,
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
from ranked
where version_rank = 1
  );
