{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_changed_match_months() }}"
) }}
-- One row per receipt registered in the invoicing system and the incoming bank line that
-- carried it, one to one (DECISIONLOG: Cash application, rule 1). A pair must share the
-- currency and lie within var bank_match_window_days between receipt date and booking
-- date; the amounts must be equal, unless the receipt came by transfer or direct debit
-- (var bank_receipt_methods) and the line's text names a document the receipt was
-- allocated to (then the difference is a reconciliation item). Evidence ranks the
-- pairs: the text names a document of the receipt (reference), the line's payer is the
-- receipt's client (payer), or only amount and date agree. Each line and receipt takes
-- its best partner when that partner's best is it too; a second round pairs what the
-- first left because of a tie.
--
-- Kept by month (DECISIONLOG: Bank matches by the month): the matches of the lines booked
-- in a month depend on the inputs of the months around it alone
-- (bank_match_month_fingerprints), so a build computes only the months the table does not
-- hold, from the lines and receipts of the months they reach; the pre-hook has deleted
-- those whose fingerprint moved.
{%- set window_days = var('bank_match_window_days') %}
-- The months to compute: those holding lines that the table does not hold.
with computed_months as (
    {{ booking_months_to_compute(ref('int_bank_incoming_lines')) }}
),

-- The months whose lines and receipts their matches read.
read_months as (
    {{ months_beside('computed_months', bank_match_months_apart()) }}
),

fingerprints as (
    {{ bank_match_month_fingerprints('computed_months', 'read_months') }}
),

lines as (
    {{ matched_lines('read_months') }}
),

receipts as (
    select
        receipt_id,
        client_id,
        receipt_date,
        currency_code,
        receipt_amount,
        {{ is_bank_receipt_method('payment_method') }} as is_bank_method
    from {{ ref('stg_invoicing__receipts') }}
    {{ where_in_months('receipt_date', 'read_months', 'input_month') }}
),

named_receipts as (
    {{ named_receipts(lines='select bank_line_id from lines') }}
),

-- Each receipt on every day within the window, so the amount pairs are found on an
-- equality (currency, amount, day): an amount many lines and receipts share (a fixed fee,
-- a round payment on account) does not pair each of those lines with each receipt.
receipt_days as (
    select receipts.*, receipts.receipt_date + cast(offsets.day_offset as integer) as line_booking_date
    from receipts
    cross join range(-{{ window_days }}, {{ window_days }} + 1) as offsets(day_offset)
),

pairs as (
    select lines.bank_line_id, receipt_days.receipt_id
    from lines
    inner join receipt_days
        on receipt_days.currency_code = lines.currency_code
        and receipt_days.receipt_amount = lines.line_amount
        and receipt_days.line_booking_date = lines.booking_date
    union
    select bank_line_id, receipt_id
    from named_receipts
),

candidates as (
    select
        lines.bank_line_id,
        receipts.receipt_id,
        receipts.client_id,
        lines.booking_date,
        lines.value_date,
        lines.line_amount - receipts.receipt_amount as difference_amount,
        abs(date_diff('day', receipts.receipt_date, lines.booking_date)) as days_apart,
        case
            when named_receipts.receipt_id is not null then 'reference'
            when lines.payer_client_id = receipts.client_id then 'payer'
            else 'amount_and_date'
        end as match_evidence,
        case
            when named_receipts.receipt_id is not null then 3
            when lines.payer_client_id = receipts.client_id then 2
            else 1
        end as evidence_strength
    from pairs
    inner join lines
        on lines.bank_line_id = pairs.bank_line_id
    inner join receipts
        on receipts.receipt_id = pairs.receipt_id
        and receipts.currency_code = lines.currency_code
    left join named_receipts
        on named_receipts.bank_line_id = pairs.bank_line_id
        and named_receipts.receipt_id = pairs.receipt_id
    where abs(date_diff('day', receipts.receipt_date, lines.booking_date)) <= {{ window_days }}
        and (lines.line_amount = receipts.receipt_amount
             or (named_receipts.receipt_id is not null and receipts.is_bank_method))
        -- A line paid by another client than the receipt's is not that receipt.
        and (lines.payer_client_id is null or lines.payer_client_id = receipts.client_id
             or named_receipts.receipt_id is not null)
),
{%- set preference = "evidence_strength desc, (difference_amount = 0) desc, days_apart" %}
{%- for round in [1, 2] %}

round_{{ round }} as (
    select *
    from (
        select
            *,
            row_number() over (partition by bank_line_id order by {{ preference }}, receipt_id) as line_choice,
            row_number() over (partition by receipt_id order by {{ preference }}, bank_line_id) as receipt_choice
        from candidates
        {%- if round > 1 %}
        where bank_line_id not in (select bank_line_id from round_1)
            and receipt_id not in (select receipt_id from round_1)
        {%- endif %}
    ) as ranked
    where line_choice = 1 and receipt_choice = 1
),
{%- endfor %}

matched as (
    select * from round_1
    union all
    select * from round_2
)

-- The pairs of the lines booked in a computed month; the others were read for them alone.
select
    matched.bank_line_id,
    matched.receipt_id,
    matched.client_id,
    matched.value_date,
    matched.difference_amount,
    matched.days_apart,
    matched.match_evidence,
    fingerprints._booking_month,
    fingerprints._window_fingerprint,
    {{ read_through_file_id() }} as _read_through_file_id
from matched
inner join fingerprints
    on fingerprints._booking_month = {{ month_of('matched.booking_date') }}
