-- One row per withholding (document, tax type, date, certificate); a re-export of the
-- same withholding keeps the line of the latest file.
with versions as (
    {{ latest_version(source('raw', 'withholdings'), key=['document_id', 'type', 'date', "coalesce(certificate_number, '')"]) }}
)

select
    {{ dbt.concat(["document_id", "'|'", "type", "'|'", "cast(date as " ~ dbt.type_string() ~ ")", "'|'", "coalesce(certificate_number, '')"]) }} as withholding_id,
    document_id,
    upper(type) as withholding_type,
    {{ money('amount') }} as withholding_amount,
    certificate_number,
    certificate_number is not null as has_certificate,
    date as withholding_date,
    {{ lineage_columns() }}
from versions
