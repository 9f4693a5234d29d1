{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_changed_settlement_events() }}"
) }}
-- One row per instalment of an issued invoice or debit note and reduction that paid part
-- of it (DECISIONLOG: Instalments and the order money is applied in): the amount applied
-- and the instalment's outstanding after it. Every as-of figure reads this table:
-- outstanding at date D = instalment amount - applied with effective_date <= D.
--
-- Each reduction, in effective_date order, pays the instalment it names up to what is open
-- there, then (the rest, or all of it when it names none) the open instalments oldest due
-- date first; the last instalment takes any excess. Done one reduction at a time that
-- would be a loop; it equals, after every reduction, a closed form of running sums, which
-- is what is computed here:
--   named_i  = money naming instalment i so far; capacity_i = max(amount_i - named_i, 0),
--   pooled   = money naming no instalment so far + every instalment's named excess
--              (max(named_i - amount_i, 0)),
--   outstanding_i = min(capacity_i, capacity of instalments 1..i - pooled), floored at 0
--              except for the last instalment.
-- Rows are evaluated per document only (its instalments x its reductions), never against
-- other documents' dates, so the cost grows with the data, not with its square.
--
-- Incremental by document (DECISIONLOG: Settlement events by the day): every row carries
-- the fingerprint of its document's inputs (instalments and reductions). A build first
-- deletes the rows of each document whose fingerprint changed or that is gone (the
-- pre-hook), then computes only the documents the table no longer holds: new ones, ones
-- a new reduction or a corrected re-export touched, and (cheaply) unpaid ones.
with installments as (
    select document_id, installment_no, due_order, item_count, item_amount
    from {{ ref('int_receivable_items') }}
    where item_type = 'installment'
    {%- if is_incremental() %}
        and document_id not in (select document_id from {{ this }})
    {%- endif %}
),

-- Within a day, allocations naming an instalment go first: they claim their instalment
-- before money that takes the oldest open one (the closed form gives the same balances
-- in any order; the order only decides which reduction a row names).
reductions as (
    select
        reductions.*,
        row_number() over (
            partition by reductions.document_id
            order by
                reductions.effective_date,
                case when reductions.installment_no is null then 1 else 0 end,
                reductions.reduction_type,
                reductions.reduction_id
        ) as reduction_order
    from {{ ref('int_document_reductions') }} as reductions
    {%- if is_incremental() %}
    where reductions.document_id not in (select document_id from {{ this }})
    {%- endif %}
),

unnamed_running as (
    select
        reductions.*,
        sum(case when installment_no is null then reduction_amount else 0 end) over (
            partition by document_id order by reduction_order
            rows between unbounded preceding and current row
        ) as unnamed_running_amount
    from reductions
),

installment_steps as (
    select
        installments.document_id,
        installments.installment_no,
        installments.due_order,
        installments.item_count,
        installments.item_amount,
        unnamed_running.reduction_order,
        unnamed_running.reduction_type,
        unnamed_running.reduction_id,
        unnamed_running.receipt_id,
        unnamed_running.installment_no as named_installment_no,
        unnamed_running.effective_date,
        unnamed_running.unnamed_running_amount,
        sum(case when unnamed_running.installment_no = installments.installment_no then unnamed_running.reduction_amount else 0 end) over (
            partition by installments.document_id, installments.installment_no order by unnamed_running.reduction_order
            rows between unbounded preceding and current row
        ) as named_running_amount
    from installments
    inner join unnamed_running
        on unnamed_running.document_id = installments.document_id
),

claims as (
    select
        installment_steps.*,
        case when item_amount > named_running_amount then item_amount - named_running_amount else 0 end as capacity_amount,
        case when named_running_amount > item_amount then named_running_amount - item_amount else 0 end as named_excess_amount
    from installment_steps
),

positions as (
    select
        claims.*,
        unnamed_running_amount + sum(named_excess_amount) over (
            partition by document_id, reduction_order
        ) as pooled_amount,
        sum(capacity_amount) over (
            partition by document_id, reduction_order order by due_order
            rows between unbounded preceding and current row
        ) as capacity_through_amount
    from claims
),

balances as (
    select
        positions.*,
        case
            when capacity_through_amount - pooled_amount < capacity_amount then capacity_through_amount - pooled_amount
            else capacity_amount
        end as unfloored_outstanding_amount
    from positions
),

outstanding as (
    select
        balances.*,
        case
            when due_order < item_count and unfloored_outstanding_amount < 0 then 0
            else unfloored_outstanding_amount
        end as outstanding_amount
    from balances
),

applied as (
    select
        outstanding.*,
        coalesce(lag(outstanding_amount) over (
            partition by document_id, installment_no order by reduction_order
        ), item_amount) - outstanding_amount as applied_amount
    from outstanding
)

select
    applied.document_id,
    applied.installment_no,
    applied.reduction_order,
    applied.reduction_type,
    applied.reduction_id,
    applied.receipt_id,
    applied.named_installment_no,
    applied.effective_date,
    {{ money('applied.applied_amount') }} as applied_amount,
    {{ money('applied.outstanding_amount') }} as outstanding_amount,
    fingerprints.input_fingerprint
from applied
inner join ({{ settlement_input_fingerprints(not_in=this if is_incremental() else none) }}) as fingerprints
    on fingerprints.document_id = applied.document_id
where applied.applied_amount <> 0
