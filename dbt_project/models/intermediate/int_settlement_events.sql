{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ write_candidates(settlement_event_candidates()) }}",
              "{{ drop_candidates(compares_candidates(), fingerprinted_otherwise('input_fingerprint', settlement_input_fingerprints)) }}"]
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
-- deletes the rows of each candidate document whose fingerprint changed or that is gone
-- (the pre-hooks: settlement_event_candidates), then computes only the candidates the
-- table no longer holds: new ones, ones a new reduction or a corrected re-export touched
-- (an unpaid document has no row to compute). Rows carry
-- the registry's position when computed (_read_through_file_id), so the models reading
-- them can tell the documents computed since their own last build.
-- depends_on: {{ ref('stg_invoicing__documents') }}, {{ ref('stg_invoicing__installments') }}, {{ ref('stg_invoicing__allocations') }}, {{ ref('int_receipts') }}
{%- set candidates = candidates_table() if compares_candidates() else none %}
with installments as (
    select document_id, installment_no, due_order, item_count, item_amount
    from {{ ref('int_receivable_items') }}
    where item_type = 'installment' and {{ not_held_candidates(candidates, 'document_id') }}
),

-- Within a day, allocations naming an instalment go first: they claim their instalment
-- before money that takes the oldest open one (the closed form gives the same balances
-- in any order; the order only decides which reduction a row names). One window gives the
-- order and both running sums.
reductions as (
    select
        reductions.*,
        row_number() over document_order as reduction_order,
        sum(case when reductions.installment_no is null then reductions.reduction_amount else 0 end)
            over document_order as unnamed_running_amount,
        sum(reductions.reduction_amount) over document_order as running_amount
    from {{ ref('int_document_reductions') }} as reductions
    where {{ not_held_candidates(candidates, 'reductions.document_id') }}
    window document_order as (
        partition by reductions.document_id
        order by
            reductions.effective_date,
            case when reductions.installment_no is null then 1 else 0 end,
            reductions.reduction_type,
            reductions.reduction_id
        rows between unbounded preceding and current row
    )
),

installment_reductions as (
    select
        installments.document_id,
        installments.installment_no,
        installments.due_order,
        installments.item_count,
        installments.item_amount,
        reductions.reduction_order,
        reductions.reduction_type,
        reductions.reduction_id,
        reductions.receipt_id,
        reductions.installment_no as named_installment_no,
        reductions.effective_date,
        reductions.reduction_amount,
        reductions.unnamed_running_amount,
        reductions.running_amount
    from installments
    inner join reductions
        on reductions.document_id = installments.document_id
),

-- A document of one instalment (three in four) needs none of the closed form: that
-- instalment is its last, so every reduction pays it whole and it owes its amount less
-- the running sum (below zero when overpaid), as the closed form gives with one row.
single_installment_events as (
    select
        document_id,
        installment_no,
        reduction_order,
        reduction_type,
        reduction_id,
        receipt_id,
        named_installment_no,
        effective_date,
        reduction_amount as applied_amount,
        item_amount - running_amount as outstanding_amount
    from installment_reductions
    where item_count = 1
),

installment_steps as (
    select
        installment_reductions.*,
        sum(case when named_installment_no = installment_no then reduction_amount else 0 end) over (
            partition by document_id, installment_no order by reduction_order
            rows between unbounded preceding and current row
        ) as named_running_amount
    from installment_reductions
    where item_count > 1
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
),

multi_installment_events as (
    select
        document_id,
        installment_no,
        reduction_order,
        reduction_type,
        reduction_id,
        receipt_id,
        named_installment_no,
        effective_date,
        applied_amount,
        outstanding_amount
    from applied
),

events as (
    select * from single_installment_events
    union all
    select * from multi_installment_events
)

select
    events.document_id,
    events.installment_no,
    events.reduction_order,
    events.reduction_type,
    events.reduction_id,
    events.receipt_id,
    events.named_installment_no,
    events.effective_date,
    {{ money('events.applied_amount') }} as applied_amount,
    {{ money('events.outstanding_amount') }} as outstanding_amount,
    fingerprints.input_fingerprint,
    {{ model_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from events
inner join ({{ settlement_input_fingerprints(only=candidates) }}) as fingerprints
    on fingerprints.document_id = events.document_id
where events.applied_amount <> 0
