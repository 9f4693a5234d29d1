{#- Per-document models kept by the file (DECISIONLOG: Models kept by the file):
    int_receivable_items and int_documents_signed. A document's rows there depend on its
    staging row (stg_invoicing__documents computes again a document whose version came
    since, and the notes relating to it, whose link depends on it), for the items its
    instalments (stg_invoicing__installments), and, in another currency than the
    reporting one, the FX rates of its issue date, which a rates file can change. -#}

{#- What their rows depend on besides each model's code: the FX factor's join and rule and
    the money casts. -#}
{% macro document_fx_rules() -%}
{{ return(join_fx_factor('fx', 'currency', 'day') ~ fx_factor('fx', 'currency') ~ money('amount')
    ~ to_reporting('amount', 'factor')) }}
{%- endmacro %}

{#- The documents staging computed since `position` (a version came, or a note's related
    document did): the ledger's and the reductions' documents read again. -#}
{% macro documents_staged_since(position) -%}
select document_id from {{ ref('stg_invoicing__documents') }} where _read_through_file_id > {{ position }}
{%- endmacro %}

{#- The documents a build reads again after `position`: those staging computed since (their
    rows carry a later position) and those whose factor at their issue date rates read
    since may move (rated_again). -#}
{% macro staged_documents_read_again(position) -%}
select document_id from {{ ref('stg_invoicing__documents') }}
where _read_through_file_id > {{ position }}
    or {{ rated_again('currency_code', 'issue_date', position) }}
{%- endmacro %}

{#- The documents whose items a build reads again: those above and those whose instalments
    staging computed since. -#}
{% macro staged_items_read_again(position) -%}
{{ staged_documents_read_again(position) }}
union
select document_id from {{ ref('stg_invoicing__installments') }} where _read_through_file_id > {{ position }}
{%- endmacro %}
