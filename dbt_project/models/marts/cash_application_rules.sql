-- One row per cash-application rule and confidence with a row in cash_application: the
-- incoming lines with a row of it and the money it applied (the unapplied rest, for rule
-- 7). The bank page's table, summed once at the build: counting distinct lines per rule
-- over every row of cash_application took most of the page's time (DECISIONLOG: Answers
-- at L).
select
    rule_order,
    match_rule,
    confidence,
    count(distinct bank_line_id) as line_count,
    {{ money('coalesce(sum(applied_amount), 0) + coalesce(sum(unapplied_amount), 0)') }} as amount,
    min(currency_code) as currency_code
from {{ ref('cash_application') }}
group by rule_order, match_rule, confidence
