{#- fct_installments kept by document (DECISIONLOG: Settled instalments by the day). -#}

{% macro installments_as_of_dates() -%}
select as_of_date from {{ ref('int_as_of_date') }}
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
{{ model_version(rules=receivable_items_as_of(installments_as_of_dates())) }}
{%- endmacro %}

{#- fct_installments' first pre-hook: on an incremental build, deletes the rows of every
    document that may not stand the same at this build's as-of date as at the date its
    rows answer for (as_of_date, before the second pre-hook moves it):
    - one of its items is open there (the days past due and bucket move with the date);
    - int_receivable_item_balances computed its periods again since the table's last
      build (a later position than the table's; the same one when no file came since: a
      build with nothing new stamps the position the table holds), or holds them no
      more;
    - one of its periods starts between the two dates, either way (settled, or issued,
      between them);
    - its terms were exported otherwise.
    Every row when another version of the code computed them, or the table is from before
    the positions (the model computes them all again). -#}
{% macro drop_changed_installments_as_of() -%}
{%- set periods = ref('int_receivable_item_balances') %}
{%- set terms = 'document_id, ' ~ installment_terms() | join(', ') %}
{%- set with_terms = installment_terms() | join(' is not null or ') ~ ' is not null' %}
{%- if is_incremental() and not holds_positions() %}
delete from {{ this }}
{%- elif is_incremental() %}
delete from {{ this }}
where _model_version <> {{ installments_as_of_version() }}
    or document_id in (
        select document_id from {{ this }} where is_open
        union
        select document_id from {{ periods }}
        where _read_through_file_id > (select max(_read_through_file_id) from {{ this }})
            or (_read_through_file_id = (select max(_read_through_file_id) from {{ this }})
                and {{ read_through_file_id() }} = (select max(_read_through_file_id) from {{ this }}))
        union
        select document_id from {{ this }}
        where document_id not in (select document_id from {{ periods }})
        union
        select periods.document_id
        from {{ periods }} as periods
        cross join (select max(as_of_date) as as_of_date from {{ this }}) as stored
        cross join ({{ installments_as_of_dates() }}) as build
        where periods.valid_from > least(stored.as_of_date, build.as_of_date)
            and periods.valid_from <= greatest(stored.as_of_date, build.as_of_date)
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
    )
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- fct_installments' second pre-hook: the rows the first kept answer for this build's
    as-of date (settled by then, they stand the same on it). -#}
{% macro move_kept_rows_to_as_of_date() -%}
{%- if is_incremental() %}
update {{ this }}
set as_of_date = (select as_of_date from ({{ installments_as_of_dates() }}) as build)
where as_of_date <> (select as_of_date from ({{ installments_as_of_dates() }}) as build)
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
