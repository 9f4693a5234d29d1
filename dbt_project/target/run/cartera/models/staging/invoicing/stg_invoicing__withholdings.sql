
  
  create view "cartera"."staging"."stg_invoicing__withholdings__dbt_tmp" as (
    -- One row per withholding (document, tax type, date, certificate); a re-export of the
-- same withholding keeps the line of the latest file.
with ranked as (
    select
        *,
        row_number() over (
            partition by document_id, type, date, coalesce(certificate_number, '')
            order by _file_id desc, _line_number desc
        ) as version_rank
    from "cartera"."raw"."withholdings"
)

select
    document_id || '|' || type || '|' || cast(date as varchar) || '|' || coalesce(certificate_number, '') as withholding_id,
    document_id,
    upper(type) as withholding_type,
    cast(amount as decimal(18, 2)) as withholding_amount,
    certificate_number,
    certificate_number is not null as has_certificate,
    date as withholding_date,
    _file_id,
    _source_file,
    _line_number,
    _loaded_at
from ranked
where version_rank = 1
  );
