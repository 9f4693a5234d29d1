-- collections_worklist_summary ties to collections_worklist: it has exactly one
-- whole-worklist row; its steps add up to that row (items, money, due today; its distinct
-- clients lie between the largest step's and the steps' sum), and that row is the
-- worklist's own item count, distinct clients and money.
with summary as (
    select * from {{ ref('collections_worklist_summary') }}
),

steps as (
    select
        coalesce(sum(item_count), 0) as item_count,
        coalesce(sum(outstanding_reporting_amount), 0) as outstanding_reporting_amount,
        coalesce(sum(due_today_count), 0) as due_today_count,
        coalesce(max(client_count), 0) as largest_step_client_count,
        coalesce(sum(client_count), 0) as summed_client_count
    from summary
    where not is_total
),

worklist as (
    select
        count(*) as item_count,
        count(distinct client_id) as client_count,
        coalesce(sum(outstanding_reporting_amount), 0) as outstanding_reporting_amount
    from {{ ref('collections_worklist') }}
)

select
    'whole-worklist rows' as failing,
    count(*) as summary_value,
    1 as expected_value
from summary
where is_total
having count(*) <> 1

union all

select
    'the steps do not add up to the whole worklist, or it is not the worklist',
    total.item_count,
    worklist.item_count
from summary as total
cross join steps
cross join worklist
where total.is_total
    and (
        total.item_count <> steps.item_count
        or total.outstanding_reporting_amount <> steps.outstanding_reporting_amount
        or total.due_today_count <> steps.due_today_count
        or total.client_count < steps.largest_step_client_count
        or total.client_count > steps.summed_client_count
        or total.item_count <> worklist.item_count
        or total.client_count <> worklist.client_count
        or total.outstanding_reporting_amount <> worklist.outstanding_reporting_amount
    )
