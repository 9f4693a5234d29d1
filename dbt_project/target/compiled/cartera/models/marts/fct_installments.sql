-- One row per receivable item issued by the as-of date: each instalment of an invoice
-- or debit note, and each unlinked credit note (negative).
with items as (
    with as_of_dates as (
    select as_of_date from "cartera"."intermediate"."int_as_of_date"
),

items as (
    select as_of_dates.as_of_date, items.*
    from as_of_dates
    inner join "cartera"."intermediate"."int_receivable_items" as items
        on items.issue_date <= as_of_dates.as_of_date
),

reductions as (
    select as_of_dates.as_of_date, reductions.*
    from as_of_dates
    inner join "cartera"."intermediate"."int_document_reductions" as reductions
        on reductions.effective_date <= as_of_dates.as_of_date
),

targeted as (
    select as_of_date, document_id, installment_no, sum(reduction_amount) as targeted_amount
    from reductions
    where installment_no is not null
    group by as_of_date, document_id, installment_no
),

untargeted as (
    select as_of_date, document_id, sum(reduction_amount) as untargeted_amount
    from reductions
    where installment_no is null
    group by as_of_date, document_id
),

capacities as (
    select
        items.*,
        items.item_amount - coalesce(targeted.targeted_amount, 0) as capacity_amount,
        coalesce(untargeted.untargeted_amount, 0) as untargeted_amount
    from items
    left join targeted
        on targeted.as_of_date = items.as_of_date
        and targeted.document_id = items.document_id
        and targeted.installment_no = items.installment_no
    left join untargeted
        on untargeted.as_of_date = items.as_of_date
        and untargeted.document_id = items.document_id
),

queued as (
    select
        capacities.*,
        coalesce(sum(case when capacity_amount > 0 then capacity_amount else 0 end) over (
            partition by as_of_date, document_id order by due_order
            rows between unbounded preceding and 1 preceding
        ), 0) as capacity_before_amount
    from capacities
),

settled as (
    select
        queued.*,
        case
            when untargeted_amount <= capacity_before_amount then 0
            when due_order = item_count then untargeted_amount - capacity_before_amount
            when capacity_amount <= 0 then 0
            when untargeted_amount - capacity_before_amount < capacity_amount then untargeted_amount - capacity_before_amount
            else capacity_amount
        end as queued_applied_amount
    from queued
),

open_items as (
    select
        settled.*,
        cast(capacity_amount - queued_applied_amount as decimal(18, 2)) as outstanding_amount,
        
        (date_diff('day', due_date::timestamp, as_of_date::timestamp ))
     as days_past_due
    from settled
)

select
    as_of_date,
    item_type,
    document_id,
    installment_no,
    document_type,
    document_number,
    client_id,
    currency_code,
    issue_date,
    due_date,
    item_amount,
    cast(item_amount - outstanding_amount as decimal(18, 2)) as settled_amount,
    outstanding_amount,
    cast(round(outstanding_amount * to_reporting_factor, 2) as decimal(18, 2)) as outstanding_reporting_amount,
    days_past_due,
    case
        when days_past_due <= 0 then 1
        when days_past_due <= 30 then 2
        when days_past_due <= 60 then 3
        when days_past_due <= 90 then 4
        when days_past_due <= 120 then 5
        else 6
    end as bucket_order,
    is_in_dispute,
    to_reporting_factor
from open_items
)

select
    as_of_date,
    document_id || '|' || cast(installment_no as varchar) as installment_key,
    item_type,
    document_id,
    installment_no,
    document_type,
    document_number,
    client_id,
    currency_code,
    issue_date,
    due_date,
    item_amount as installment_amount,
    cast(round(item_amount * to_reporting_factor, 2) as decimal(18, 2)) as installment_reporting_amount,
    settled_amount,
    outstanding_amount,
    outstanding_reporting_amount,
    outstanding_amount <> 0 as is_open,
    case when outstanding_amount > 0 and days_past_due > 0 then days_past_due else 0 end as days_past_due,
    case when outstanding_amount <> 0 then bucket_order end as bucket_order,
    is_in_dispute
from items