{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ write_candidates(item_balance_candidates()) }}",
              "{{ drop_candidates(compares_candidates(), fingerprinted_otherwise('balance_fingerprint', item_balance_fingerprints)) }}"]
) }}
-- One row per receivable item and period its outstanding amount holds: from the item's
-- issue date, then from each day a reduction paid part of it (int_settlement_events, the
-- day's last row), until the next such day (valid_to, exclusive; NULL while it holds).
-- The item as of any date D is the row with valid_from <= D < valid_to; an item has no
-- row before its issue date. Unlinked credit notes are never reduced: one row each.
--
-- Kept by document (DECISIONLOG: Item balances by the day): every row carries its
-- document's fingerprint (items, waterfall, code: item_balance_fingerprints). A build
-- deletes the periods of the documents whose fingerprint changed or that are gone (the
-- pre-hooks: by the positions of the items and events computed since, when every row is
-- of this version) and computes the candidates the table no longer holds.
{%- set candidates = candidates_table() if compares_candidates() else none %}
with items as (
    select * from {{ ref('int_receivable_items') }}
    where {{ not_held_candidates(candidates, 'document_id') }}
),

-- What each item owed at the end of each day something paid part of it.
day_ends as (
    select document_id, installment_no, effective_date, outstanding_amount
    from (
        select
            events.*,
            row_number() over (
                partition by document_id, installment_no, effective_date order by reduction_order desc
            ) as later_events
        from {{ ref('int_settlement_events') }} as events
        where {{ not_held_candidates(candidates, 'events.document_id') }}
    ) as events
    where later_events = 1
),

changes as (
    select document_id, installment_no, issue_date as valid_from, item_amount as outstanding_amount, 0 as is_reduced
    from items
    union all
    select document_id, installment_no, effective_date, outstanding_amount, 1
    from day_ends
),

-- A reduction counting from the issue date replaces the opening row.
periods as (
    select document_id, installment_no, valid_from, outstanding_amount
    from (
        select
            changes.*,
            row_number() over (
                partition by document_id, installment_no, valid_from order by is_reduced desc
            ) as replaced
        from changes
    ) as changes
    where replaced = 1
)

select
    items.item_type,
    items.document_id,
    items.installment_no,
    items.document_type,
    items.document_number,
    items.client_id,
    items.currency_code,
    items.issue_date,
    items.due_date,
    items.item_amount,
    periods.valid_from,
    lead(periods.valid_from) over (
        partition by periods.document_id, periods.installment_no order by periods.valid_from
    ) as valid_to,
    {{ money('items.item_amount - periods.outstanding_amount') }} as settled_amount,
    periods.outstanding_amount,
    {{ to_reporting('periods.outstanding_amount', 'items.to_reporting_factor') }} as outstanding_reporting_amount,
    items.is_in_dispute,
    items.to_reporting_factor,
    fingerprints.balance_fingerprint,
    fingerprints.events_fingerprint,
    {{ model_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from periods
inner join items
    on items.document_id = periods.document_id
    and items.installment_no = periods.installment_no
inner join ({{ item_balance_fingerprints(only=candidates) }}) as fingerprints
    on fingerprints.document_id = items.document_id
