-- Every point a client's score lost has its grade reason (the points lost add up to
-- 100 - score), a grade E from the moroso rule says so, and every moroso has at least
-- one moroso reason: a reason missing or counted twice shows here.
with reasons as (
    select
        client_id,
        sum(case when reason_type = 'grade' then points_lost else 0 end) as points_lost,
        count(case when reason_code = 'moroso' then 1 end) as moroso_grade_reasons,
        count(case when reason_type = 'moroso' then 1 end) as moroso_reasons
    from {{ ref('payment_behavior_reasons') }}
    group by client_id
)

select behavior.client_id, behavior.score, reasons.points_lost, behavior.is_moroso
from {{ ref('payment_behavior') }} as behavior
left join reasons
    on reasons.client_id = behavior.client_id
where coalesce(reasons.points_lost, 0) <> 100 - behavior.score
    or coalesce(reasons.moroso_grade_reasons, 0) <> case when behavior.is_moroso then 1 else 0 end
    or (behavior.is_moroso and coalesce(reasons.moroso_reasons, 0) = 0)
    or (not behavior.is_moroso and coalesce(reasons.moroso_reasons, 0) > 0)
