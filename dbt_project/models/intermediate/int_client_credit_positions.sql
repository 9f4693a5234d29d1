-- One row per current client: its credit limit (in its currency and in the reporting
-- currency at the as-of date's rate), its exposure as of the as-of date, and what is left
-- of the limit. The limit is the committee's latest limit decision when there is one (a
-- remove_limit decision leaves none), else the clients export's, which is kept beside it
-- (DECISIONLOG: credit limits). Exposure is the open balance of ar_aging; with var
-- credit_exposure_net_of_unapplied_cash the limit is measured against the open balance
-- less unapplied cash instead.
{% set net_of_unapplied = credit_policy('exposure_net_of_unapplied_cash') %}

with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

clients as (
    select
        clients.client_id,
        clients.credit_limit_amount as erp_credit_limit_amount,
        clients.currency_code as erp_credit_limit_currency_code,
        decisions.limit_decision_id,
        case
            when decisions.limit_decision_id is not null then 'committee'
            else 'invoicing_export'
        end as credit_limit_source,
        case
            when decisions.limit_decision_id is not null then decisions.decided_limit_amount
            else clients.credit_limit_amount
        end as credit_limit_amount,
        coalesce(decisions.decided_limit_currency_code, clients.currency_code) as credit_limit_currency_code,
        as_of.as_of_date
    from {{ ref('int_clients_current') }} as clients
    left join {{ ref('int_client_credit_decisions') }} as decisions
        on decisions.client_id = clients.client_id
    cross join as_of
),

limits as (
    select
        clients.*,
        {{ to_reporting('clients.credit_limit_amount', fx_factor('fx', 'clients.credit_limit_currency_code')) }} as credit_limit_reporting_amount
    from clients
    {{ join_fx_factor('fx', 'clients.credit_limit_currency_code', 'clients.as_of_date') }}
),

exposures as (
    select
        limits.*,
        {{ money('coalesce(aging.open_balance_amount, 0)') }} as exposure_amount,
        {{ money('coalesce(aging.unapplied_cash_amount, 0)') }} as unapplied_cash_amount,
        {{ money('coalesce(aging.net_balance_amount, 0)') }} as exposure_net_of_unapplied_amount
    from limits
    left join {{ ref('ar_aging') }} as aging
        on aging.client_id = limits.client_id
),

measured as (
    select
        exposures.*,
        '{{ "net_of_unapplied_cash" if net_of_unapplied else "open_balance" }}' as exposure_basis,
        {{ 'exposure_net_of_unapplied_amount' if net_of_unapplied else 'exposure_amount' }} as measured_exposure_amount
    from exposures
)

select
    client_id,
    as_of_date,
    credit_limit_source,
    credit_limit_amount,
    credit_limit_currency_code,
    credit_limit_reporting_amount,
    erp_credit_limit_amount,
    erp_credit_limit_currency_code,
    credit_limit_source = 'committee'
        and (
            credit_limit_amount is distinct from erp_credit_limit_amount
            or (credit_limit_amount is not null and credit_limit_currency_code <> erp_credit_limit_currency_code)
        ) as has_erp_limit_mismatch,
    exposure_amount,
    unapplied_cash_amount,
    exposure_net_of_unapplied_amount,
    exposure_basis,
    measured_exposure_amount,
    cast({{ divide_exactly(wide('measured_exposure_amount') ~ ' * 100', 'credit_limit_reporting_amount', 4) }} as decimal(18, 4)) as utilisation_pct,
    case
        when credit_limit_reporting_amount is null then null
        when credit_limit_reporting_amount > measured_exposure_amount
            then {{ money('credit_limit_reporting_amount - measured_exposure_amount') }}
        else {{ money('0') }}
    end as available_credit_amount,
    coalesce(measured_exposure_amount > credit_limit_reporting_amount, false) as is_in_breach
from measured
