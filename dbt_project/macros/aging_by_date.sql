{#- int_aging_by_client_currency kept by as-of date (DECISIONLOG: Aging by the date), and
    int_aging_by_client by its dates' fingerprints there. The aging of a date is a
    function of the rows it reads: the open items holding that day (int_open_item_months,
    the date's month) and the receipts with money unapplied that day
    (int_unapplied_receipt_months), the client names aside. A month end whose rows read
    the same as when it was computed is kept; the clients' names are updated in place. -#}

{#- The dates the model answers for: the build's as-of date and every month end. -#}
{% macro aging_dates() -%}
select as_of_date from {{ ref('int_as_of_date') }}
union
select as_of_date from {{ ref('int_month_ends') }}
{%- endmacro %}

{#- The version of the model's code and of the aging definition it computes with. -#}
{% macro aging_date_version() -%}
{{ model_version(rules=aging_by_client_currency('select 1 as as_of_date')) }}
{%- endmacro %}

{#- One row per date of `dates_sql` (aging_dates unless given): the fingerprint of the
    columns of every row its aging sums (an open item's client, currency, due date,
    dispute flag and amounts; a receipt's client, currency and unapplied amounts), with
    the version. The multiset of those rows is all a date's figures depend on: a payment
    on an old invoice changes the dates from its own on, not the month ends before it. -#}
{% macro aging_date_fingerprints(dates_sql=none) -%}
with dates as (
    {{ dates_sql if dates_sql is not none else aging_dates() }}
),

open_items as (
    select
        as_of_dates.as_of_date,
        {{ fingerprint_of_columns("''", ['balances.client_id', 'balances.currency_code', 'balances.due_date',
            'balances.is_in_dispute', 'balances.outstanding_amount', 'balances.outstanding_reporting_amount']) }} as fingerprint
    {{ periods_at('select as_of_date from dates', ref('int_open_item_months')) }}
    group by as_of_dates.as_of_date
),

unapplied as (
    select
        as_of_dates.as_of_date,
        {{ fingerprint_of_columns("''", ['balances.client_id', 'balances.currency_code',
            'balances.unapplied_amount', 'balances.unapplied_reporting_amount']) }} as fingerprint
    {{ periods_at('select as_of_date from dates', ref('int_unapplied_receipt_months')) }}
    group by as_of_dates.as_of_date
)

select
    dates.as_of_date,
    {{ dbt.hash(dbt.concat([
        aging_date_version(), "';'", "coalesce(open_items.fingerprint, '')", "';'", "coalesce(unapplied.fingerprint, '')"
    ])) }} as date_fingerprint
from dates
left join open_items
    on open_items.as_of_date = dates.as_of_date
left join unapplied
    on unapplied.as_of_date = dates.as_of_date
{%- endmacro %}

{#- The first pre-hook: on an incremental build, deletes the rows of every date whose
    fingerprint is not the one they carry, or that is no date any more (the build's
    as-of date moved); the model computes the dates the table no longer holds. A table
    from before the fingerprints is emptied. -#}
{% macro drop_changed_aging_dates() -%}
{{ drop_keys_fingerprinted_otherwise(['as_of_date'], '_date_fingerprint', aging_date_fingerprints(), 'date_fingerprint') }}
{%- endmacro %}

{#- int_aging_by_client's fingerprint of each date: int_aging_by_client_currency's, with
    int_aging_by_client's version (its code and the sums it computes with). -#}
{% macro client_aging_date_fingerprints() -%}
select
    as_of_date,
    {{ dbt.hash(dbt.concat([model_version(rules=aging_by_client('select 1')), "';'", '_date_fingerprint'])) }} as _date_fingerprint
from (select distinct as_of_date, _date_fingerprint from {{ ref('int_aging_by_client_currency') }}) as dates
{%- endmacro %}

{#- The second: the kept rows take their clients' current name, branch and salesperson
    (int_clients_current), only where one changed: a renamed client is no reason to
    compute the history again. -#}
{% macro name_kept_aging_clients() -%}
{%- set attributes = ['client_name', 'branch', 'salesperson'] %}
{%- if is_incremental() %}
update {{ this }}
set
    {%- for attribute in attributes %}
    {{ attribute }} = clients.{{ attribute }}{{ ',' if not loop.last }}
    {%- endfor %}
from (
    select kept.client_id{% for attribute in attributes %}, current_clients.{{ attribute }}{% endfor %}
    from (select distinct client_id from {{ this }}) as kept
    left join {{ ref('int_clients_current') }} as current_clients
        on current_clients.client_id = kept.client_id
) as clients
where clients.client_id = {{ this.identifier }}.client_id
    and (
    {%- for attribute in attributes %}
        {{ 'or ' if not loop.first }}{{ is_changed('clients.' ~ attribute, this.identifier ~ '.' ~ attribute) }}
    {%- endfor %}
    )
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
