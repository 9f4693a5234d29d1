-- One row per client the credit committee has decided on: its latest decision (any
-- action: the review) and the latest decision that set its limit (raise, reduce,
-- remove_limit). Decisions are current state like the clients export the limit comes
-- from, so every recorded decision counts whatever the as-of date (DECISIONLOG: credit
-- limits, Decisions).
{% set limit_actions = ['raise', 'reduce', 'remove_limit'] %}

with ranked as (
    select
        decisions.*,
        row_number() over (
            partition by client_id order by decided_at desc, decision_id desc
        ) as recency,
        row_number() over (
            partition by client_id, decision in ('{{ limit_actions | join("', '") }}')
            order by decided_at desc, decision_id desc
        ) as limit_recency
    from {{ ref('stg_app__credit_decisions') }} as decisions
),

latest as (
    select * from ranked where recency = 1
),

latest_limit as (
    select * from ranked
    where limit_recency = 1 and decision in ('{{ limit_actions | join("', '") }}')
)

select
    latest.client_id,
    latest.decision_id as last_decision_id,
    latest.decision as last_decision,
    latest.decided_at as last_decided_at,
    latest.decided_by as last_decided_by,
    latest.meeting_date as last_meeting_date,
    latest.next_review_date,
    latest_limit.decision_id as limit_decision_id,
    latest_limit.decision as limit_decision,
    latest_limit.meeting_date as limit_decision_date,
    latest_limit.credit_limit_amount as decided_limit_amount,
    latest_limit.currency_code as decided_limit_currency_code
from latest
left join latest_limit
    on latest_limit.client_id = latest.client_id
