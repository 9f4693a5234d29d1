{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ write_candidates(installment_settlement_candidates()) }}",
              "{{ drop_changed_installment_settlements() }}",
              "{{ move_kept_rows_to_as_of_date() }}"]
) }}
-- One row per instalment of an issued invoice or debit note fully settled by the as-of
-- date: when it was settled, how late, by what kind of money, and whether an early-payment
-- discount was taken (fct_installment_payments adds the build's as-of date). The settling
-- day is read from the waterfall (int_settlement_events) every aging figure reads, so it
-- cannot disagree with the aging.
--
-- Incremental by document (DECISIONLOG: Settlement facts by the day): a build keeps a
-- document's rows while its waterfall inputs (int_settlement_events' fingerprint), its
-- instalments' and document's attributes read here, and the reductions visible at the
-- as-of date are those its rows were computed from; the kept rows then answer for the
-- build's as-of date. The pre-hooks write the candidates (DECISIONLOG: Candidates into a
-- temp table), delete those that changed and move the others; the model computes the
-- candidates the table does not hold.
{%- set candidates = candidates_table() if compares_candidates() else none %}
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

reductions as (
    select *
    from {{ ref('int_document_reductions') }}
    where effective_date <= (select as_of_date from as_of)
        and {{ not_held_candidates(candidates, 'document_id') }}
),

events as (
    select *
    from {{ ref('int_settlement_events') }}
    where effective_date <= (select as_of_date from as_of)
        and {{ not_held_candidates(candidates, 'document_id') }}
),

-- Reductions only ever lower an instalment, so the first day it reaches zero is the day
-- it was settled, and it stays settled.
settlements as (
    select document_id, installment_no, min(effective_date) as paid_date
    from events
    where outstanding_amount <= 0
    group by document_id, installment_no
),

-- The days something paid part of it, up to the day it was settled.
falls as (
    select distinct events.document_id, events.installment_no, events.effective_date as reduction_day
    from events
    inner join settlements
        on settlements.document_id = events.document_id
        and settlements.installment_no = events.installment_no
    where events.effective_date <= settlements.paid_date
        and events.applied_amount > 0
),

-- What lowered an instalment on a day: that day's reductions that can reach it (those
-- naming it, or naming no instalment).
same_day_sources as (
    select falls.document_id, falls.installment_no, falls.reduction_day, reductions.reduction_type
    from falls
    inner join reductions
        on reductions.document_id = falls.document_id
        and reductions.effective_date = falls.reduction_day
        and (reductions.installment_no is null or reductions.installment_no = falls.installment_no)
),

-- A fall with no such reduction comes from an allocation naming another instalment that
-- day: its excess, or the unallocated money it displaced there, moved on to this one, so
-- that day's new money (the allocation) is what settled it.
moved_on_sources as (
    select falls.document_id, falls.installment_no, falls.reduction_day, reductions.reduction_type
    from falls
    left join (select distinct document_id, installment_no, reduction_day from same_day_sources) as explained
        on explained.document_id = falls.document_id
        and explained.installment_no = falls.installment_no
        and explained.reduction_day = falls.reduction_day
    inner join reductions
        on reductions.document_id = falls.document_id
        and reductions.effective_date = falls.reduction_day
    where explained.document_id is null
),

settled_by as (
    select
        document_id,
        installment_no,
        max(case when reduction_type = 'receipt' then 1 else 0 end) = 1 as has_receipt,
        max(case when reduction_type = 'withholding' then 1 else 0 end) = 1 as has_withholding,
        max(case when reduction_type = 'credit_note' then 1 else 0 end) = 1 as has_credit_note
    from (
        select * from same_day_sources
        union all
        select * from moved_on_sources
    ) as sources
    group by document_id, installment_no
),

discount_credit_notes as (
    select reductions.document_id, sum(reductions.reduction_amount) as credited_amount
    from reductions
    inner join {{ ref('stg_invoicing__documents') }} as documents
        on documents.document_id = reductions.document_id
    where reductions.reduction_type = 'credit_note'
        and {{ dbt.datediff('documents.issue_date', 'reductions.effective_date', 'day') }} <= documents.early_discount_days
    group by reductions.document_id
),

payments as (
    select
        inputs.*,
        settlements.paid_date,
        {{ dbt.datediff('inputs.issue_date', 'settlements.paid_date', 'day') }} as days_to_pay,
        {{ dbt.datediff('inputs.due_date', 'settlements.paid_date', 'day') }} as days_beyond_terms,
        coalesce(settled_by.has_receipt, false) as has_receipt,
        coalesce(settled_by.has_withholding, false) as has_withholding,
        coalesce(settled_by.has_credit_note, false) as has_credit_note,
        coalesce(inputs.early_discount_pct, 0) > 0 and inputs.early_discount_days is not null as early_discount_offered,
        coalesce(discount_credit_notes.credited_amount, 0) as discount_window_credited_amount
    from settlements
    inner join ({{ installment_settlement_inputs(only=candidates) }}) as inputs
        on inputs.document_id = settlements.document_id
        and inputs.installment_no = settlements.installment_no
    left join settled_by
        on settled_by.document_id = settlements.document_id
        and settled_by.installment_no = settlements.installment_no
    left join discount_credit_notes
        on discount_credit_notes.document_id = settlements.document_id
),

fingerprints as (
    select document_id, {{ installment_settlement_fingerprint('input_fingerprint') }} as settlement_fingerprint
    from (select distinct document_id, input_fingerprint from events) as documents
)

select
    {{ dbt.concat(["payments.document_id", "'|'", "cast(payments.installment_no as " ~ dbt.type_string() ~ ")"]) }} as installment_key,
    payments.document_id,
    payments.installment_no,
    payments.document_type,
    payments.document_number,
    payments.client_id,
    payments.currency_code,
    payments.issue_date,
    payments.due_date,
    payments.installment_amount,
    payments.installment_reporting_amount,
    payments.paid_date,
    payments.days_to_pay,
    payments.days_beyond_terms,
    payments.days_beyond_terms <= 0 as is_on_time,
    concat_ws('+',
        case when payments.has_receipt then 'receipt' end,
        case when payments.has_withholding then 'withholding' end,
        case when payments.has_credit_note then 'credit_note' end
    ) as settled_by,
    payments.has_receipt as is_payment,
    payments.early_discount_offered,
    payments.early_discount_pct,
    payments.early_discount_days,
    -- Paid with money inside the discount window, and the document credited at least the
    -- discount (total x pct / 100) inside it; the 2 cents absorb a credit note rounded
    -- line by line (base, tax, withholding), as the demo generator and most ERPs do.
    payments.early_discount_offered
        and payments.has_receipt
        and payments.days_to_pay <= payments.early_discount_days
        and {{ wide('payments.discount_window_credited_amount') }} * 100 >= {{ wide('payments.document_total_amount') }} * payments.early_discount_pct - 2
        as early_discount_taken,
    payments.is_in_dispute,
    payments.document_total_amount,
    fingerprints.settlement_fingerprint,
    (select as_of_date from as_of) as as_of_date,
    {{ model_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from payments
inner join fingerprints
    on fingerprints.document_id = payments.document_id
