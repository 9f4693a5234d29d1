{#- int_receipts is kept by the file (DECISIONLOG: Receipts by the file): a receipt's row is
    a function of its staging row, of the match that dates it (int_bank_receipt_matches)
    and, in another currency than the reporting one, of the rates of its payment date. -#}

{#- What its rows depend on besides the model's code: the FX factor's join and rule. -#}
{% macro receipt_rules() -%}
{{ return(join_fx_factor('fx', 'currency', 'day') ~ fx_factor('fx', 'currency')) }}
{%- endmacro %}

{#- The pre-hook: deletes the receipts staging read again since the position the table
    reads after, those matched again (matched_again) and, after a rates file, those in
    another currency (their factor is read again rather than tracked by rate interval, as
    the documents' are). Every row when the table reads everything (read_after: another
    version, a withdrawal of receipts, statements or rates, a table from before the
    positions). -#}
{% macro drop_receipts_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(['receipts', 'bank_statements', 'fx_rates'], rules=receipt_rules()) %}
delete from {{ this }}
{%- if position is not none %}
where receipt_id in (select receipt_id from {{ ref('stg_invoicing__receipts') }} where _read_through_file_id > {{ position }})
    or {{ matched_again() }}
    or (
        currency_code <> '{{ var("reporting_currency") }}'
        and exists (select 1 from {{ file_registry() }} where entity = 'fx_rates' and file_id > {{ position }})
    )
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
