-- One row per credit committee decision, renamed and typed from raw.credit_decisions
-- (the dashboards' app-state store, copied by orchestration/ingest/app_state.py).
select
    decision_id,
    client_id,
    decision,
    {{ money('credit_limit') }} as credit_limit_amount,
    upper(currency) as currency_code,
    reason as decision_reason,
    next_review_date,
    meeting_date,
    decided_by,
    decided_at
from {{ source('raw', 'credit_decisions') }}
