{#- One row: the incoming lines of cash_application and those applied straight through,
    counted and summed. A line is straight through when every row of it comes from a
    rule that needs no judgement: the invoicing system registered it, its text names the
    document, or the payer paid exactly a document or an exact sum of documents (nothing
    suggested by net amount or FIFO, nothing left unapplied). The bank page reads it
    (DECISIONLOG: Answers at L). -#}
{%- set straight_through_rules = ['registered_receipt', 'reference', 'payer_exact_amount', 'payer_exact_sum'] %}
with lines as (
    select
        bank_line_id,
        max(line_amount) as line_amount,
        min(case when match_rule in ('{{ straight_through_rules | join("', '") }}') then 1 else 0 end) = 1 as is_straight_through
    from {{ ref('cash_application') }}
    group by bank_line_id
)

select
    count(*) as line_count,
    count(case when is_straight_through then 1 end) as straight_through_count,
    {{ money('coalesce(sum(line_amount), 0)') }} as line_amount,
    {{ money('coalesce(sum(case when is_straight_through then line_amount else 0 end), 0)') }} as straight_through_amount
from lines
