{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook=["{{ write_candidates(open_item_month_candidates(), compares_open_item_month_candidates()) }}",
              "{{ drop_candidates(compares_open_item_month_candidates(),
                  fingerprinted_otherwise('balance_fingerprint', balance_fingerprints_held)) }}",
              "{{ drop_open_item_months_past_the_horizon() }}"]
) }}
-- One row per calendar month (period_month, its first day) and period of
-- int_receivable_item_balances with something outstanding that holds on a day of that
-- month, in month order: the open items of any date D are the rows of D's month with
-- valid_from <= D < valid_to (macro receivable_items_as_of), one month's rows read
-- instead of the whole history.
--
-- Kept by document, as its periods are (DECISIONLOG: Item balances by the day): a build
-- computes the documents whose periods int_receivable_item_balances computed again (the
-- pre-hooks write the candidates and delete the months of those that moved: DECISIONLOG:
-- Candidates into a temp table), and the months a later horizon adds to the others.
--
-- The rows carry their balances' position (_read_through_file_id, which the candidates
-- read) and their own build's (_written_through_file_id: a row written today can carry
-- last month's balances' position), by which the uniqueness test counts only the keys
-- of rows written since the last published build (macros/tests/keys_written_since_published.sql).
select
    periods.*,
    {{ read_through_file_id() }} as _written_through_file_id
from (
    {{ periods_by_month(ref('int_receivable_item_balances'), 'outstanding_amount <> 0', kept_key='document_id',
        candidates=candidates_table() if compares_open_item_month_candidates() else none, ordered=false) }}
) as periods
order by period_month, client_id
