{#- int_document_reductions and int_receipt_balances are kept by the file (DECISIONLOG:
    Reductions by the file). A reduction's row is a function of its own staging row (a
    receipt's allocations, which come whole by receipt; a credit note), of the document it
    reduces (type, void, issue date: staging) and the instalments it has (a named
    instalment: staging), and an allocation's of its receipt's payment date (int_receipts).
    The withholdings (a table computed whole) are computed again on every build. A
    receipt's balances are a function of its int_receipts row and its allocations'
    reductions. -#}

{#- The entities whose withdrawal reads everything: a document, instalment, allocation or
    receipt gone from staging would keep its rows (a withdrawn statement or rates file
    computes int_receipts' rows again, and so their allocations'). -#}
{% macro reduction_entities() -%}
{{ return(['documents', 'installments', 'allocations', 'receipts']) }}
{%- endmacro %}

{#- The documents whose reductions a build computes again: those staging read since
    `position` and those whose instalments it read (a named instalment may have come or
    gone). -#}
{% macro reduced_documents_read_again(position) -%}
{{ documents_staged_since(position) }}
union
select document_id from {{ ref('stg_invoicing__installments') }} where _read_through_file_id > {{ position }}
{%- endmacro %}

{#- The receipts whose allocations a build computes again: those int_receipts computed
    since `position` and those whose allocations staging read since. -#}
{% macro allocated_receipts_read_again(position) -%}
{{ receipts_computed_since(position) }}
union
select receipt_id from {{ ref('stg_invoicing__allocations') }} where _read_through_file_id > {{ position }}
{%- endmacro %}

{#- The condition on a row holding a reduction (its reduction_type, reduction_id,
    receipt_id and document_id) whose reduction a build reads again after `position`:
    every withholding, the reductions of the documents and receipts read again, and the
    credit notes staging read again (a note read again may relate to another document
    now). A reduction gone since is among them. -#}
{% macro reduction_read_again(position) -%}
reduction_type = 'withholding'
    or document_id in ({{ reduced_documents_read_again(position) }})
    or receipt_id in ({{ allocated_receipts_read_again(position) }})
    or (reduction_type = 'credit_note' and reduction_id in ({{ documents_staged_since(position) }}))
{%- endmacro %}

{#- int_document_reductions' pre-hook: deletes the rows read again (reduction_read_again);
    every row when the table reads everything (read_after). -#}
{% macro drop_reductions_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(reduction_entities()) %}
delete from {{ this }}
{%- if position is not none %}
where {{ reduction_read_again(position) }}
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The receipts whose balances a build computes again: those whose allocations are read
    again and those allocated to a document staging read again (its issue date dates the
    allocation; a void document's allocations reduce nothing). -#}
{% macro receipts_reduced_again(position) -%}
{{ allocated_receipts_read_again(position) }}
union
select receipt_id from {{ ref('stg_invoicing__allocations') }}
where document_id in ({{ documents_staged_since(position) }})
{%- endmacro %}

{#- What int_receipt_balances' rows depend on besides its code: the money casts. -#}
{% macro receipt_balance_rules() -%}
{{ return(money('amount') ~ to_reporting('amount', 'factor')) }}
{%- endmacro %}
