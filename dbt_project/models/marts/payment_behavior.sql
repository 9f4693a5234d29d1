-- One row per client with a receivable item issued by the as-of date: payment behaviour,
-- score, grade and the moroso rule (macro payment_behavior_by_client), with the grade the
-- same definition gave 90 days earlier. The reasons, as codes, are payment_behavior_reasons.
with as_of_behavior as (
    {{ payment_behavior_by_client('select as_of_date from ' ~ ref('int_as_of_date')) }}
),

earlier_behavior as (
    {{ payment_behavior_by_client(
        'select ' ~ behavior_days_before(90, 'as_of_date') ~ ' as as_of_date from ' ~ ref('int_as_of_date')
    ) }}
)

select
    as_of_behavior.as_of_date,
    as_of_behavior.client_id,
    as_of_behavior.client_name,
    as_of_behavior.paid_count_90,
    as_of_behavior.paid_count_365,
    as_of_behavior.paid_amount_365,
    as_of_behavior.weighted_days_to_pay_365,
    as_of_behavior.weighted_days_beyond_terms_365,
    as_of_behavior.weighted_days_beyond_terms_90,
    as_of_behavior.weighted_days_beyond_terms_prior_90,
    as_of_behavior.trend_days_beyond_terms,
    as_of_behavior.on_time_rate_365,
    as_of_behavior.share_paid_over_30_late_365,
    as_of_behavior.share_paid_over_60_late_365,
    as_of_behavior.share_paid_over_90_late_365,
    as_of_behavior.early_discount_offered_count_365,
    as_of_behavior.early_discount_taken_count_365,
    as_of_behavior.early_discount_uptake_rate_365,
    as_of_behavior.open_disputes_count,
    as_of_behavior.open_disputes_amount,
    as_of_behavior.max_days_past_due_open,
    as_of_behavior.max_days_past_due_undisputed,
    as_of_behavior.overdue_amount,
    as_of_behavior.score_lateness,
    as_of_behavior.score_on_time,
    as_of_behavior.score_severity,
    as_of_behavior.score_trend,
    as_of_behavior.score_overdue,
    as_of_behavior.score,
    as_of_behavior.grade,
    earlier_behavior.grade as previous_grade,
    as_of_behavior.is_moroso,
    as_of_behavior.is_open_over_90_days,
    as_of_behavior.is_chronically_late
from as_of_behavior
left join earlier_behavior
    on earlier_behavior.client_id = as_of_behavior.client_id
