
    

    create  table
      "cartera"."marts"."ar_aging__dbt_tmp"
  
    
    as (
      
-- One row per client with anything open (or unapplied cash) as of the build's as-of date.
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
),

receipts_as_of as (
    select as_of_dates.as_of_date, receipts.receipt_id, receipts.client_id, receipts.receipt_amount, receipts.to_reporting_factor
    from (select as_of_date from "cartera"."intermediate"."int_as_of_date") as as_of_dates
    inner join "cartera"."intermediate"."int_receipts" as receipts
        on receipts.receipt_date <= as_of_dates.as_of_date
),

applied_as_of as (
    select as_of_dates.as_of_date, reductions.receipt_id, sum(reductions.reduction_amount) as applied_amount
    from (select as_of_date from "cartera"."intermediate"."int_as_of_date") as as_of_dates
    inner join "cartera"."intermediate"."int_document_reductions" as reductions
        on reductions.effective_date <= as_of_dates.as_of_date
    where reductions.reduction_type = 'receipt'
    group by as_of_dates.as_of_date, reductions.receipt_id
),

unapplied_cash as (
    select
        receipts_as_of.as_of_date,
        receipts_as_of.client_id,
        sum(cast(round(receipts_as_of.receipt_amount - coalesce(applied_as_of.applied_amount, 0) * receipts_as_of.to_reporting_factor, 2) as decimal(18, 2))) as unapplied_cash_amount
    from receipts_as_of
    left join applied_as_of
        on applied_as_of.as_of_date = receipts_as_of.as_of_date
        and applied_as_of.receipt_id = receipts_as_of.receipt_id
    group by receipts_as_of.as_of_date, receipts_as_of.client_id
),

open_per_client as (
    select
        as_of_date,
        client_id,
        sum(case when bucket_order = 1 then outstanding_reporting_amount else 0 end) as not_due_amount,
        sum(case when bucket_order = 2 then outstanding_reporting_amount else 0 end) as days_1_30_amount,
        sum(case when bucket_order = 3 then outstanding_reporting_amount else 0 end) as days_31_60_amount,
        sum(case when bucket_order = 4 then outstanding_reporting_amount else 0 end) as days_61_90_amount,
        sum(case when bucket_order = 5 then outstanding_reporting_amount else 0 end) as days_91_120_amount,
        sum(case when bucket_order = 6 then outstanding_reporting_amount else 0 end) as days_over_120_amount,
        sum(outstanding_reporting_amount) as open_balance_amount,
        sum(case when days_past_due > 0 then outstanding_reporting_amount else 0 end) as overdue_amount,
        sum(case when is_in_dispute then outstanding_reporting_amount else 0 end) as in_dispute_amount
    from items
    where outstanding_amount <> 0
    group by as_of_date, client_id
),

client_dates as (
    select as_of_date, client_id from open_per_client
    union
    select as_of_date, client_id from unapplied_cash where unapplied_cash_amount <> 0
)

select
    client_dates.as_of_date,
    client_dates.client_id,
    clients.client_name,
    clients.branch,
    clients.salesperson,
    'EUR' as currency_code,
    cast(coalesce(open_per_client.not_due_amount, 0) as decimal(18, 2)) as not_due_amount,
    cast(coalesce(open_per_client.days_1_30_amount, 0) as decimal(18, 2)) as days_1_30_amount,
    cast(coalesce(open_per_client.days_31_60_amount, 0) as decimal(18, 2)) as days_31_60_amount,
    cast(coalesce(open_per_client.days_61_90_amount, 0) as decimal(18, 2)) as days_61_90_amount,
    cast(coalesce(open_per_client.days_91_120_amount, 0) as decimal(18, 2)) as days_91_120_amount,
    cast(coalesce(open_per_client.days_over_120_amount, 0) as decimal(18, 2)) as days_over_120_amount,
    cast(coalesce(open_per_client.open_balance_amount, 0) as decimal(18, 2)) as open_balance_amount,
    cast(coalesce(open_per_client.overdue_amount, 0) as decimal(18, 2)) as overdue_amount,
    cast(coalesce(open_per_client.in_dispute_amount, 0) as decimal(18, 2)) as in_dispute_amount,
    cast(coalesce(unapplied_cash.unapplied_cash_amount, 0) as decimal(18, 2)) as unapplied_cash_amount,
    cast(coalesce(open_per_client.open_balance_amount, 0) - coalesce(unapplied_cash.unapplied_cash_amount, 0) as decimal(18, 2)) as net_balance_amount
from client_dates
left join open_per_client
    on open_per_client.as_of_date = client_dates.as_of_date
    and open_per_client.client_id = client_dates.client_id
left join unapplied_cash
    on unapplied_cash.as_of_date = client_dates.as_of_date
    and unapplied_cash.client_id = client_dates.client_id
left join "cartera"."intermediate"."int_clients_current" as clients
    on clients.client_id = client_dates.client_id
    );
    
  