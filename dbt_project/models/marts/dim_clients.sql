-- One row per client version (SCD2): the attributes a client had from valid_from until
-- valid_to (exclusive), with its tax id check; the latest version is the current one.
with versions as (
    select * from {{ ref('int_clients_versioned') }}
),

tax_id_checks as (
    select * from {{ ref('stg_invoicing__client_tax_id_checks') }}
)

select
    {{ dbt.concat(["versions.client_id", "'|'", "cast(versions.valid_from as " ~ dbt.type_string() ~ ")"]) }} as client_key,
    versions.client_id,
    versions.version_no,
    versions.valid_from,
    versions.valid_to,
    versions.valid_to is null as is_current,
    versions.tax_id,
    tax_id_checks.normalised_tax_id,
    tax_id_checks.tax_id_is_valid,
    tax_id_checks.tax_id_kind,
    tax_id_checks.tax_id_check_reason,
    versions.legal_name,
    versions.address,
    versions.country_code,
    versions.segment,
    versions.salesperson,
    versions.branch,
    versions.payment_terms_days,
    versions.credit_limit_amount,
    versions.currency_code,
    versions.email,
    versions.phone,
    versions.changed_fields,
    versions.updated_at
from versions
left join tax_id_checks
    on tax_id_checks.country_code = versions.country_code
    and tax_id_checks.tax_id = versions.tax_id
