-- One row per dunning-ladder step with items in collections_worklist (is_total false; the
-- step NULL for items issued on the as-of date, with no step due yet), and one row for the
-- whole worklist (is_total true, no step): how many items and distinct clients, the money
-- and how many items' step fell due on the as-of date. The worklist page's step list and
-- totals when no filter is set, summed once at the build: counting each step's distinct
-- clients over every item was most of the page's time at L (DECISIONLOG: Pages at L, third
-- pass). The whole worklist's row is always there, with zeros when nothing is due.
select
    (select as_of_date from {{ ref('int_as_of_date') }}) as as_of_date,
    false as is_total,
    action_step_order,
    action_code,
    count(*) as item_count,
    count(distinct client_id) as client_count,
    {{ money('sum(outstanding_reporting_amount)') }} as outstanding_reporting_amount,
    count(case when days_since_action_due = 0 then 1 end) as due_today_count
from {{ ref('collections_worklist') }}
group by action_step_order, action_code

union all

select
    (select as_of_date from {{ ref('int_as_of_date') }}),
    true,
    null,
    null,
    count(*),
    count(distinct client_id),
    {{ money('coalesce(sum(outstanding_reporting_amount), 0)') }},
    count(case when days_since_action_due = 0 then 1 end)
from {{ ref('collections_worklist') }}
