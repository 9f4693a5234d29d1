{#- int_receipts is kept by the file (DECISIONLOG: Receipts by the file): a receipt's row is
    a function of its staging row, of the match that dates it (int_bank_receipt_matches)
    and, in another currency than the reporting one, of the rates of its payment date. -#}

{#- What its rows depend on besides the model's code: the FX factor's join and rule. -#}
{% macro receipt_rules() -%}
{{ return(join_fx_factor('fx', 'currency', 'day') ~ fx_factor('fx', 'currency')) }}
{%- endmacro %}

{#- The condition on the table's rows whose match reads otherwise now: the receipts the
    matching paired since the table's last build with another line or value date than the
    row holds (a month computed again pairs most of its receipts as before: L's +1 day
    computed four months, 470,485 matches, for a few thousand new lines), those whose line
    it paired since with another receipt, and those whose line it pairs with no receipt
    any more. -#}
{% macro receipts_matched_otherwise() -%}
{%- set matches = ref('int_bank_receipt_matches') -%}
{%- set paired_since = computed_since_last_build(matches, 'receipt_id, bank_line_id, value_date') -%}
receipt_id in (
        select receipt_id
        from (
            {{ paired_since }}
            except
            {#- Only the receipts paired since: against every matched receipt (6.25 M at L)
                the except cost 2.6 s more. #}
            select receipt_id, bank_line_id, payment_date from {{ this }}
            where receipt_id in (select receipt_id from ({{ paired_since }}) as since)
        ) as paired_otherwise
    )
    or receipt_id in (
        select receipt_id
        from (
            select receipt_id, bank_line_id from {{ this }}
            where bank_line_id in (select bank_line_id from ({{ paired_since }}) as since)
            except
            select receipt_id, bank_line_id from ({{ paired_since }}) as since
        ) as line_paired_otherwise
    )
    or (bank_line_id is not null and bank_line_id not in (select bank_line_id from {{ matches }}))
{%- endmacro %}

{#- The pre-hook: deletes the receipts staging read again since the position the table
    reads after, those matched otherwise (receipts_matched_otherwise) and those whose
    factor rates read since may move (rated_again, at the payment date). Every row when
    the table reads everything (read_after: another version, a withdrawal of receipts,
    statements or rates, a table from before the positions). -#}
{% macro drop_receipts_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(['receipts', 'bank_statements', 'fx_rates'], rules=receipt_rules()) %}
delete from {{ this }}
{%- if position is not none %}
where receipt_id in (select receipt_id from {{ ref('stg_invoicing__receipts') }} where _read_through_file_id > {{ position }})
    or {{ receipts_matched_otherwise() }}
    or {{ rated_again('currency_code', 'payment_date', position) }}
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The receipts int_receipts computed since `position` (a kept table's latest rows'), or
    at it when no file came since (int_receipts computes receipts matched again with no
    file when code upstream changed: computed_since_last_build). Staging's receipts read
    again are among them. The ledger's and the reductions' receipts read again. -#}
{% macro receipts_computed_since(position) -%}
select receipt_id from {{ ref('int_receipts') }}
where _read_through_file_id > {{ position }}
    or (_read_through_file_id = {{ position }} and {{ read_through_file_id() }} = {{ position }})
{%- endmacro %}
