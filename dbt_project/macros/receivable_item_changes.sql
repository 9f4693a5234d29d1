{#- int_receivable_items kept by the file (DECISIONLOG: Models kept by the file). A
    document's items depend on its staging row (stg_invoicing__documents computes again a
    document whose version came since, and the notes relating to it, whose link depends on
    it), its instalments (stg_invoicing__installments) and, in another currency than the
    reporting one, the FX rates of its issue date, which a rates file can change any day. -#}

{#- What the items' rows depend on besides the model's code: the FX factor's join and rule
    and the money cast. -#}
{% macro receivable_item_rules() -%}
{{ return(join_fx_factor('fx', 'currency', 'day') ~ fx_factor('fx', 'currency') ~ money('amount')) }}
{%- endmacro %}

{#- The documents whose items a build reads again after `position`: those staging computed
    since (their rows or their instalments' carry a later position) and every document in
    another currency (a few percent of them; their factor is read again each build). -#}
{% macro receivable_items_read_again(position) -%}
select document_id from {{ ref('stg_invoicing__documents') }}
where _read_through_file_id > {{ position }} or currency_code <> '{{ var("reporting_currency") }}'
union
select document_id from {{ ref('stg_invoicing__installments') }} where _read_through_file_id > {{ position }}
{%- endmacro %}

{#- int_receivable_items' pre-hook: deletes the items of the documents it reads again, or
    every row when it reads everything (read_after). -#}
{% macro drop_receivable_items_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(['documents', 'installments'], rules=receivable_item_rules()) %}
delete from {{ this }}
{%- if position is not none %}
where document_id in ({{ receivable_items_read_again(position) }})
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
