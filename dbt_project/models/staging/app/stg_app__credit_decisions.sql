-- One row per credit committee decision, renamed and typed from raw.credit_decisions
-- (app state written by the dashboards; empty until they do).
select
    decision_id,
    client_id,
    decision,
    {{ money('credit_limit') }} as credit_limit_amount,
    upper(currency) as currency_code,
    reason as decision_reason,
    decided_by,
    decided_at
from {{ source('raw', 'credit_decisions') }}
