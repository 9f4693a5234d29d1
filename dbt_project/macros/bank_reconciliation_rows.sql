{#- bank_reconciliation keeps its receipts' rows by the file (DECISIONLOG: Bank
    reconciliation by the file). A receipt's row is a function of its staging row and of
    the line that carried it (int_bank_receipt_matches and the line's columns), but for
    an unmatched transfer or direct debit, whose status reads the statements' coverage and
    whose days unseen read the as-of date: those, and the unregistered lines (their
    suggestion reads the open documents), are computed again on every build. -#}

{#- The rules its rows read besides its code: the receipt methods looked for on the
    statements, the money casts, the match window the age bands start from. -#}
{% macro reconciliation_rules() -%}
{{ return(is_bank_receipt_method('payment_method') ~ money('amount') ~ var('bank_match_window_days')) }}
{%- endmacro %}

{#- The version the rows carry. -#}
{% macro reconciliation_version() -%}
{{ model_version(rules=reconciliation_rules()) }}
{%- endmacro %}

{#- The first pre-hook: deletes the rows computed again on every build, those of receipts
    dated after the as-of date (it moved back), the rows of the receipts staging read
    again since the position the table reads after, and those matched again
    (matched_again). Every row when the table reads everything (read_after: another version, a
    withdrawal of receipts or statements, a table from before the positions). -#}
{% macro drop_reconciliation_rows_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(['receipts', 'bank_statements'], rules=reconciliation_rules()) %}
delete from {{ this }}
{%- if position is not none %}
where row_source = 'bank_line'
    or (bank_line_id is null and {{ is_bank_receipt_method('payment_method') }})
    or receipt_date > ({{ build_as_of_date() }})
    or receipt_id in (select receipt_id from {{ ref('stg_invoicing__receipts') }} where _read_through_file_id > {{ position }})
    or {{ matched_again() }}
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
