-- Every client has exactly one current version, and it holds the attributes that
-- int_clients_current (latest export) reports for the client.
with current_versions as (
    select
        client_id,
        count(*) as current_versions,
        max(legal_name) as legal_name,
        max(tax_id) as tax_id,
        max(address) as address
    from {{ ref('dim_clients') }}
    where is_current
    group by client_id
)

select
    clients.client_id,
    current_versions.current_versions
from {{ ref('int_clients_current') }} as clients
left join current_versions
    on current_versions.client_id = clients.client_id
where current_versions.current_versions is null
    or current_versions.current_versions <> 1
    or {{ is_changed('current_versions.legal_name', 'clients.client_name') }}
    or {{ is_changed('current_versions.tax_id', 'clients.tax_id') }}
    or {{ is_changed('current_versions.address', 'clients.address') }}
