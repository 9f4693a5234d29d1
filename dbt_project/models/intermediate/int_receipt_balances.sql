{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_keys_read_again('receipt_id', receipts_reduced_again, reduction_entities(), rules=receipt_balance_rules()) }}"
) }}
-- One row per receipt and period its unapplied amount holds (DECISIONLOG: Open balance):
-- from its payment date, then from each later day one of its allocations took effect (an
-- allocation to a document issued after the payment counts from the issue date), until
-- the next such day (valid_to, exclusive; NULL while it holds). The receipt as of any
-- date D is the row with valid_from <= D < valid_to; none before its payment date.
--
-- Kept by the file (DECISIONLOG: Reductions by the file): the pre-hook deletes the periods
-- of the receipts int_receipts computed since the table's latest rows, those whose
-- allocations staging read and those allocated to a document staging read
-- (receipts_reduced_again); a build computes those.
-- depends_on: {{ ref('stg_invoicing__installments') }}, {{ ref('stg_invoicing__allocations') }}, {{ ref('stg_invoicing__documents') }}
{%- set position = read_after(reduction_entities(), rules=receipt_balance_rules()) %}
with receipts as (
    select * from {{ ref('int_receipts') }}
    {%- if position is not none %}
    where receipt_id in ({{ receipts_reduced_again(position) }})
    {%- endif %}
),

-- The payment date (nothing applied yet) and each allocation on its effective date, summed
-- by day once below (summed by allocation day first too, it grouped L's 9.0 M allocations
-- and then the 16.3 M rows again).
changes as (
    select receipt_id, payment_date as valid_from, 0 as applied_amount
    from receipts
    union all
    select receipt_id, effective_date, reduction_amount
    from {{ ref('int_document_reductions') }}
    where reduction_type = 'receipt'
    {%- if position is not none %}
        and receipt_id in (select receipt_id from receipts)
    {%- endif %}
),

days as (
    select receipt_id, valid_from, sum(applied_amount) as applied_amount
    from changes
    group by receipt_id, valid_from
),

periods as (
    select
        receipt_id,
        valid_from,
        lead(valid_from) over (partition by receipt_id order by valid_from) as valid_to,
        sum(applied_amount) over (
            partition by receipt_id order by valid_from
            rows between unbounded preceding and current row
        ) as applied_amount
    from days
)

select
    receipts.receipt_id,
    receipts.client_id,
    receipts.currency_code,
    receipts.payment_date,
    receipts.receipt_amount,
    receipts.to_reporting_factor,
    periods.valid_from,
    periods.valid_to,
    {{ money('receipts.receipt_amount - periods.applied_amount') }} as unapplied_amount,
    -- Parenthesised: to_reporting multiplies its argument as written, and the whole difference converts.
    {{ to_reporting('(receipts.receipt_amount - periods.applied_amount)', 'receipts.to_reporting_factor') }} as unapplied_reporting_amount,
    {{ model_version(rules=receipt_balance_rules()) }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from periods
inner join receipts
    on receipts.receipt_id = periods.receipt_id
