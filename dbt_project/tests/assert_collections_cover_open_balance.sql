-- Nothing owed falls between the worklist and the disputed list: per client, the open
-- balance of ar_aging = worklist + disputed items + what owes nothing (unlinked credit
-- notes and overpaid instalments of undisputed documents, disputed documents with nothing
-- left to collect). Summed from fct_installments / fct_documents, not from the two lists.
with worklist as (
    select client_id, sum(outstanding_reporting_amount) as amount
    from {{ ref('collections_worklist') }}
    group by client_id
),

disputed as (
    select client_id, sum(outstanding_reporting_amount) as amount
    from {{ ref('disputed_items') }}
    group by client_id
),

owing_nothing_items as (
    select client_id, sum(outstanding_reporting_amount) as amount
    from {{ ref('fct_installments') }}
    where outstanding_amount < 0 and not is_in_dispute
    group by client_id
),

owing_nothing_disputes as (
    select client_id, sum(outstanding_reporting_amount) as amount
    from {{ ref('fct_documents') }}
    where is_in_dispute and outstanding_amount <= 0
    group by client_id
),

aging as (
    select client_id, open_balance_amount as amount
    from {{ ref('ar_aging') }}
)

select
    aging.client_id,
    aging.amount as open_balance_amount,
    worklist.amount as worklist_amount,
    disputed.amount as disputed_amount
from aging
left join worklist on worklist.client_id = aging.client_id
left join disputed on disputed.client_id = aging.client_id
left join owing_nothing_items on owing_nothing_items.client_id = aging.client_id
left join owing_nothing_disputes on owing_nothing_disputes.client_id = aging.client_id
where aging.amount <> coalesce(worklist.amount, 0) + coalesce(disputed.amount, 0)
    + coalesce(owing_nothing_items.amount, 0) + coalesce(owing_nothing_disputes.amount, 0)
