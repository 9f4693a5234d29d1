{#- int_ar_ledger is kept by the file (DECISIONLOG: Ledger by the file). A document's
    movement is a function of its staging row (a credit note's, of the issue date of the
    document it corrects: staging reads a note again with that document), a receipt's of
    its int_receipts and staging rows; the withholdings (a table computed whole, read with
    their documents' client, currency and issue date) are computed again on every build. -#}

{#- The entities whose withdrawal reads everything: a document or receipt gone from
    staging would keep its movement (a withdrawn statement or rates file computes
    int_receipts' rows again, and so the receipts' movements). -#}
{% macro ledger_entities() -%}
{{ return(['documents', 'receipts']) }}
{%- endmacro %}

{#- The pre-hook: deletes the withholdings' movements and those of the documents and
    receipts read again; every row when the table reads everything (read_after). -#}
{% macro drop_ledger_movements_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(ledger_entities(), rules=money('amount')) %}
delete from {{ this }}
{%- if position is not none %}
where movement_source = 'withholding'
    or (movement_source = 'document' and movement_id in ({{ documents_staged_since(position) }}))
    or (movement_source = 'receipt' and movement_id in ({{ receipts_computed_since(position) }}))
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
