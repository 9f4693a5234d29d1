-- One row per client of payment_behavior and reason its grade lost points or it is a
-- moroso: a code and its figures, worded by the dashboards' catalogue in the reader's
-- language. Grade reasons come in the score's order, then 'moroso' (grade E whatever
-- the score); moroso reasons are the parts of the rule that apply.
{%- set reasons = [
    ('grade', 1, 'no_payment_365', '70 - score_lateness - score_on_time - score_severity', [], 'paid_count_365 = 0'),
    ('grade', 2, 'lateness', '30 - score_lateness', ['weighted_days_beyond_terms_365'], 'paid_count_365 > 0'),
    ('grade', 3, 'on_time', '20 - score_on_time', [behavior_percent('on_time_rate_365')], 'paid_count_365 > 0'),
    ('grade', 4, 'severity', '20 - score_severity', [
        behavior_percent('share_paid_over_30_late_365'),
        behavior_percent('share_paid_over_60_late_365'),
        behavior_percent('share_paid_over_90_late_365')], 'paid_count_365 > 0'),
    ('grade', 5, 'trend_no_comparison', '10 - score_trend', [], 'trend_days_beyond_terms is null'),
    ('grade', 5, 'trend', '10 - score_trend', ['trend_days_beyond_terms'], 'trend_days_beyond_terms is not null'),
    ('grade', 6, 'overdue', '20 - score_overdue', ['max_days_past_due_undisputed'], none),
    ('grade', 7, 'moroso', none, [], 'is_moroso'),
    ('moroso', 1, 'open_over_90_days', none, ['max_days_past_due_undisputed'], 'is_open_over_90_days'),
    ('moroso', 2, 'chronic_lateness', none, ['weighted_days_beyond_terms_365', 'paid_count_365'], 'is_chronically_late'),
] %}

{%- for reason_type, reason_order, reason_code, points_lost, parameters, condition in reasons %}
select
    as_of_date,
    client_id,
    '{{ reason_type }}' as reason_type,
    {{ reason_order }} as reason_order,
    '{{ reason_code }}' as reason_code,
    {{ 'cast(' ~ points_lost ~ ' as integer)' if points_lost else 'cast(null as integer)' }} as points_lost,
    {%- for position in range(3) %}
    cast({{ parameters[position] if position < parameters | length else 'null' }} as decimal(18, 2)) as parameter_{{ position + 1 }}
    {%- if not loop.last %},{% endif %}
    {%- endfor %}
from {{ ref('payment_behavior') }}
where {% if condition %}{{ condition }}{% else %}true{% endif %}
    {%- if points_lost %} and {{ points_lost }} > 0{% endif %}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
