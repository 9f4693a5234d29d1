-- The score is the sum of its components, each within its points, 0-100 in all; the
-- grade is A-E and E for every moroso.
select client_id, score_lateness, score_on_time, score_severity, score_trend, score_overdue, score, grade, is_moroso
from {{ ref('payment_behavior') }}
where score <> score_lateness + score_on_time + score_severity + score_trend + score_overdue
    or score not between 0 and 100
    or score_lateness not between 0 and 30
    or score_on_time not between 0 and 20
    or score_severity not between 0 and 20
    or score_trend not between 0 and 10
    or score_overdue not between 0 and 20
    or grade not in ('A', 'B', 'C', 'D', 'E')
    or (is_moroso and grade <> 'E')
