-- One row per credit committee decision, with the limit the client's previous decision
-- had set, so the page reads as a history. Every recorded decision counts whatever the
-- as-of date: decisions are current state, like the clients export (DECISIONLOG: credit
-- limits, Decisions).
with sequenced as (
    select
        decisions.*,
        row_number() over (partition by client_id order by decided_at, decision_id) as decision_sequence,
        count(*) over (partition by client_id) as decision_count
    from {{ ref('stg_app__credit_decisions') }} as decisions
)

select
    (select as_of_date from {{ ref('int_as_of_date') }}) as as_of_date,
    sequenced.decision_id,
    sequenced.client_id,
    clients.client_name,
    sequenced.decision_sequence,
    sequenced.decision_sequence = sequenced.decision_count as is_latest,
    sequenced.decided_at,
    sequenced.decided_by,
    sequenced.meeting_date,
    sequenced.decision,
    sequenced.credit_limit_amount,
    sequenced.currency_code,
    previous.credit_limit_amount as previous_credit_limit_amount,
    previous.currency_code as previous_currency_code,
    sequenced.decision_reason,
    sequenced.next_review_date
from sequenced
left join sequenced as previous
    on previous.client_id = sequenced.client_id
    and previous.decision_sequence = sequenced.decision_sequence - 1
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = sequenced.client_id
