{#- As-of marts kept from build to build (DECISIONLOG: Settled instalments by the day,
    Statements by the day): fct_installments, fct_documents and fct_installment_payments
    by document, statement_of_account by client. A kept row answers for the as-of date of the build
    that computed it (as_of_date); a build deletes the documents that may stand otherwise
    at its own date (the first pre-hook of the two by document; the statement compares
    each statement's fingerprint, per client and currency, in the model), moves the
    others to it, and computes the documents (clients) the table no longer holds. -#}

{#- The as-of date this build's rows answer for. -#}
{% macro build_as_of_date() -%}
select as_of_date from {{ ref('int_as_of_date') }}
{%- endmacro %}

{#- The documents (or other `key`) of `relation` (a kept table with positions) computed
    since this table's last build: a later position than this table's latest, or the same
    one when no file came since (a build with nothing new stamps the position the table
    holds). -#}
{% macro computed_since_last_build(relation, key='document_id') -%}
select {{ key }} from {{ relation }}
where _read_through_file_id > (select max(_read_through_file_id) from {{ this }})
    or (_read_through_file_id = (select max(_read_through_file_id) from {{ this }})
        and {{ read_through_file_id() }} = (select max(_read_through_file_id) from {{ this }}))
{%- endmacro %}

{#- The documents of `relation` whose `date_column` falls between the as-of date this
    table's rows answer for and this build's, either way. -#}
{% macro dated_between_as_of_dates(relation, date_column) -%}
select dated.document_id
from {{ relation }} as dated
cross join (select max(as_of_date) as as_of_date from {{ this }}) as stored
cross join ({{ build_as_of_date() }}) as build
where dated.{{ date_column }} > least(stored.as_of_date, build.as_of_date)
    and dated.{{ date_column }} <= greatest(stored.as_of_date, build.as_of_date)
{%- endmacro %}

{#- The terms of a document fct_installments shows beside its instalments, the few
    documents with any (staging's columns). -#}
{% macro installment_terms() -%}
{{ return(['dispute_reason', 'early_discount_pct', 'early_discount_days']) }}
{%- endmacro %}

{% macro installment_document_terms() -%}
select document_id, {{ installment_terms() | join(', ') }}
from {{ ref('stg_invoicing__documents') }}
where {{ installment_terms() | join(' is not null or ') }} is not null
{%- endmacro %}

{#- The version of fct_installments' code and of the read of the periods it makes: a
    changed rule computes every row again. -#}
{% macro installments_as_of_version() -%}
{{ model_version(rules=receivable_items_as_of(build_as_of_date())) }}
{%- endmacro %}

{#- fct_installments' candidates (written by its first pre-hook; the second deletes their
    rows, the model computes them): the documents that may not stand the same at this
    build's as-of date as at the date the rows answer for (as_of_date, before the third
    pre-hook moves it):
    - one of its items is open there (the days past due and bucket move with the date);
    - int_receivable_item_balances computed its periods again since the table's last
      build (a later position than the table's; the same one when no file came since: a
      build with nothing new stamps the position the table holds), or holds them no
      more;
    - one of its periods starts between the two dates, either way (settled, or issued,
      between them);
    - its terms were exported otherwise.
    A new document is computed since by the balances. -#}
{% macro installment_as_of_candidates() -%}
{%- set periods = ref('int_receivable_item_balances') %}
{%- set terms = 'document_id, ' ~ installment_terms() | join(', ') %}
{%- set with_terms = installment_terms() | join(' is not null or ') ~ ' is not null' %}
select document_id from {{ this }} where is_open
union
{{ computed_since_last_build(periods) }}
union
-- The balances hold periods for every item: a document gone from them is gone from the items.
({{ held_documents_gone_from_items() }})
union
{{ dated_between_as_of_dates(periods, 'valid_from') }}
union
-- Terms are few: the documents with any, on either side, compared as rows.
select document_id from (
    (select {{ terms }} from {{ this }} where {{ with_terms }}
     except
     {{ installment_document_terms() }})
    union all
    ({{ installment_document_terms() }}
     except
     select {{ terms }} from {{ this }} where {{ with_terms }})
) as exported_otherwise
{%- endmacro %}

{#- fct_installments compares candidates when every row is of this version of its code and
    of the read of the periods; otherwise the table is emptied and computed whole. -#}
{% macro compares_installments_as_of() -%}
{{ return(compares_candidates(installments_as_of_version())) }}
{%- endmacro %}

{#- fct_installment_payments' candidates (written by its first pre-hook; the second deletes
    their rows, the model copies those int_installment_settlements holds): the documents
    that table computed since this one's last build (it deleted and computed again every
    document whose settlement may have moved) and those it holds no more. -#}
{% macro payment_candidates() -%}
{%- set settlements = ref('int_installment_settlements') %}
{{ computed_since_last_build(settlements) }}
union
(
    select document_id from {{ this }}
    except
    select document_id from {{ settlements }}
)
{%- endmacro %}

{#- The second pre-hook of a kept as-of mart: the rows the first kept answer for this
    build's as-of date (they stand the same on it). A table from before its as_of_date
    column (emptied: another version of the code) gains it after the hooks. -#}
{% macro move_kept_rows_to_as_of_date() -%}
{%- if is_incremental() and holds_column('as_of_date') %}
update {{ this }}
set as_of_date = (select as_of_date from ({{ build_as_of_date() }}) as build)
where as_of_date <> (select as_of_date from ({{ build_as_of_date() }}) as build)
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The version of fct_documents' code and of the FX rule it converts with. -#}
{% macro documents_as_of_version() -%}
{{ model_version(rules=document_fx_rules()) }}
{%- endmacro %}

{#- fct_documents' candidates (written by its first pre-hook; the second deletes their
    rows, the model computes them): the documents that may not stand the same at this
    build's as-of date as at the date they answer for:
    - fct_installments computed its instalments since this table's last build (every
      open one, and any whose periods changed: a reduction, a re-export, an FX factor);
    - staging read it again, or it is in another currency and a rates file came
      (staged_documents_read_again: a new version, a note relating to it, its factor);
    - its client's file rows came since (its name and tax id at issue);
    - it is issued between the two as-of dates, either way;
    - a payment dated on or before its issue date reduces it: the waterfall counts such a
      payment from the issue date, so a change of its date (last_payment_date) is not in
      the periods. -#}
{% macro document_as_of_candidates() -%}
{%- set position = '(select max(_read_through_file_id) from ' ~ this ~ ')' %}
{{ computed_since_last_build(ref('fct_installments')) }}
union
{{ staged_documents_read_again(position) }}
union
select document_id from {{ ref('stg_invoicing__documents') }}
where client_id in (select client_id from {{ source('raw', 'clients') }} where _file_id > {{ position }})
union
{{ dated_between_as_of_dates(ref('stg_invoicing__documents'), 'issue_date') }}
union
select reductions.document_id
from {{ ref('int_document_reductions') }} as reductions
inner join {{ ref('stg_invoicing__documents') }} as documents
    on documents.document_id = reductions.document_id
where reductions.reduction_type = 'receipt' and reductions.reduction_date <= documents.issue_date
{%- endmacro %}

{#- fct_documents compares candidates when every row is of this version of its code and FX
    rule and no file of documents or clients was withdrawn since its last build; otherwise
    the table is emptied and computed whole. -#}
{% macro compares_documents_as_of() -%}
{{ return(compares_candidates(documents_as_of_version()) and not withdrawn_since(['documents', 'clients'])) }}
{%- endmacro %}

{#- statement_of_account's post-hook: a statement (client and currency) with no movement
    up to the build's as-of date any more (void, withdrawn, or dated later after the
    as-of date moved back) is gone; the model computes only statements with movements,
    so its rows would stay. -#}
{% macro drop_statements_gone() -%}
{%- if is_incremental() %}
delete from {{ this }} as stored
using (
    select client_id, currency_code from {{ this }}
    except
    select client_id, currency_code from {{ ref('int_ar_ledger') }}
    where movement_date <= (select as_of_date from ({{ build_as_of_date() }}) as build)
) as gone
where gone.client_id = stored.client_id and gone.currency_code = stored.currency_code
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
