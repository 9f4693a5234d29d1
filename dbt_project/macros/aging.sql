{#- Aging, defined once. What each reduction paid is the model int_settlement_events and
    what each item owed when is int_receivable_item_balances; these macros read them at a
    set of as-of dates (as_of_dates_sql: any query returning a column as_of_date) for
    int_aging_by_client_currency (the build's date and every month end, which ar_aging,
    ar_aging_monthly and ar_aging_by_currency select from), fct_installments, payment
    behaviour and the ar_aging_at(date) table macro. -#}

{#- The buckets from var aging_bucket_bounds: [0, 30, 60, 90, 120] gives
    not_due (<= 0 days past due), 1-30, 31-60, 61-90, 91-120, over 120. -#}
{% macro aging_buckets() -%}
    {%- set bounds = var('aging_bucket_bounds') -%}
    {%- set buckets = [{'order': 1, 'name': 'not_due', 'min_days': none, 'max_days': bounds[0]}] -%}
    {%- for upper in bounds[1:] -%}
        {%- set lower = bounds[loop.index0] + 1 -%}
        {%- do buckets.append({'order': loop.index + 1, 'name': 'days_' ~ lower ~ '_' ~ upper, 'min_days': lower, 'max_days': upper}) -%}
    {%- endfor -%}
    {%- do buckets.append({'order': bounds | length + 1, 'name': 'days_over_' ~ bounds[-1], 'min_days': bounds[-1] + 1, 'max_days': none}) -%}
    {%- for bucket in buckets -%}
        {%- do bucket.update({'column': bucket.name ~ '_amount', 'reporting_column': bucket.name ~ '_reporting_amount'}) -%}
    {%- endfor -%}
    {{ return(buckets) }}
{%- endmacro %}

{% macro aging_bucket_order(days_past_due) -%}
    {%- set bounds = var('aging_bucket_bounds') -%}
    case
    {%- for upper in bounds %}
        when {{ days_past_due }} <= {{ upper }} then {{ loop.index }}
    {%- endfor %}
        else {{ bounds | length + 1 }}
    end
{%- endmacro %}

{#- One row per as-of date and receivable item issued by then, as it stood that day:
    a read of int_receivable_item_balances (the waterfall lives in int_settlement_events),
    with the days past due and bucket of that date. open_only keeps the items still owing
    (or owed) something and reads them from int_open_item_months, one month's rows per
    date (the same periods, keyed by month). -#}
{% macro receivable_items_as_of(as_of_dates_sql, open_only=false) -%}
select
    as_of_dates.as_of_date,
    balances.item_type,
    balances.document_id,
    balances.installment_no,
    balances.document_type,
    balances.document_number,
    balances.client_id,
    balances.currency_code,
    balances.issue_date,
    balances.due_date,
    balances.item_amount,
    balances.settled_amount,
    balances.outstanding_amount,
    balances.outstanding_reporting_amount,
    {{ dbt.datediff('balances.due_date', 'as_of_dates.as_of_date', 'day') }} as days_past_due,
    {{ aging_bucket_order(dbt.datediff('balances.due_date', 'as_of_dates.as_of_date', 'day')) }} as bucket_order,
    balances.is_in_dispute,
    balances.to_reporting_factor
{%- if open_only %}
{{ periods_at(as_of_dates_sql, ref('int_open_item_months')) }}
{%- else %}
from ({{ as_of_dates_sql }}) as as_of_dates
inner join {{ ref('int_receivable_item_balances') }} as balances
    on balances.valid_from <= as_of_dates.as_of_date
    and as_of_dates.as_of_date < coalesce(balances.valid_to, {{ open_end_date() }})
{%- endif %}
{%- endmacro %}

{#- Open periods keyed by month: one row per period of periods_relation (a table of
    valid_from <= D < valid_to periods) for which open_condition holds and per calendar
    month (period_month, its first day) the period holds on at least one day of, stored
    in month order and by client inside a month. Periods still holding (valid_to NULL)
    run to the month of the relation's last valid_from, the horizon: a later date finds
    them there (periods_at). Reading one date then reads one month's rows, which DuckDB
    finds by the row groups' min/max of period_month instead of scanning the history
    (DECISIONLOG: Aging at any past date); a client's rows arriving together make the
    sums by client about a third cheaper at L (DECISIONLOG: Answers at L). A model kept
    by `kept_key` (its pre-hooks delete the keys whose periods changed, and the months past
    the horizon) computes, on an incremental build, the `candidates` (the temp table its
    pre-hook wrote; none when it emptied the table: all) its table no longer holds, and
    the months a later horizon adds to the kept periods still holding. With
    `ordered=false` the model orders the rows itself (after adding columns). -#}
{% macro periods_by_month(periods_relation, open_condition, kept_key=none, candidates=none, ordered=true) -%}
{%- set first_valid_from = "coalesce(min(valid_from), cast('1970-01-01' as date))" %}
{%- set last_valid_from = "coalesce(max(valid_from), cast('1970-01-01' as date))" %}
with months as (
    -- date_spine counts the months with a query of its own at compile time, so its
    -- bounds name the relation, not a CTE; an empty relation (no receipts) gives one
    -- month that no period joins.
    {{ dbt.date_spine(
        datepart="month",
        start_date="(select " ~ dbt.date_trunc('month', first_valid_from) ~ " from " ~ periods_relation ~ ")",
        end_date="(select " ~ dbt.dateadd('month', 1, last_valid_from) ~ " from " ~ periods_relation ~ ")"
    ) }}
),

month_bounds as (
    select
        cast(date_month as date) as period_month,
        cast({{ dbt.last_day('date_month', 'month') }} as date) as month_end
    from months
),

{%- set kept = kept_key is not none and is_incremental() %}
open_periods as (
    select *
    from {{ periods_relation }}
    where {{ open_condition }}
        and {{ not_held_candidates(candidates, kept_key) }}
)

select
    month_bounds.period_month,
    open_periods.*
from open_periods
inner join month_bounds
    on open_periods.valid_from <= month_bounds.month_end
    and month_bounds.period_month < coalesce(open_periods.valid_to, {{ open_end_date() }})
{%- if kept %}

union all

-- The kept periods still holding run on into the months the horizon moved past since the
-- table's last month (each is in that month: it held there).
select
    month_bounds.period_month,
    holding.*
from {{ periods_relation }} as holding
inner join month_bounds
    on month_bounds.period_month > (select max(period_month) from {{ this }})
where holding.valid_to is null
    and {{ open_condition }}
    and holding.{{ kept_key }} in (select {{ kept_key }} from {{ this }})
{%- endif %}
{%- if ordered %}
order by period_month, client_id
{%- endif %}
{%- endmacro %}

{#- The FROM clause reading a periods_by_month table at each date of as_of_dates_sql:
    the rows of the date's month (or of the table's last month, for a date after it:
    only periods still holding reach there) that hold on that day. The same read the
    range join over the whole periods table makes, over one month's rows. -#}
{% macro periods_at(as_of_dates_sql, months_relation) -%}
from (
    select
        as_of_date,
        least(
            cast({{ dbt.date_trunc('month', 'as_of_date') }} as date),
            (select max(period_month) from {{ months_relation }})
        ) as period_month
    from ({{ as_of_dates_sql }}) as as_of_dates
) as as_of_dates
inner join {{ months_relation }} as balances
    on balances.period_month = as_of_dates.period_month
    and balances.valid_from <= as_of_dates.as_of_date
    and as_of_dates.as_of_date < coalesce(balances.valid_to, {{ open_end_date() }})
{%- endmacro %}

{#- The valid_to of a period that still holds, for comparisons: a NULL would turn the
    range join into a filter over every pair. -#}
{% macro open_end_date() -%}
    cast('9999-12-31' as date)
{%- endmacro %}

{#- One row per as-of date, client and document currency with anything open (or
    unapplied cash in that currency): the buckets, open balance, overdue and disputed
    parts in the document currency and in the reporting currency, and unapplied cash
    (receipt money not yet applied to a receivable document; in the reporting currency at
    the payment date's rate). The client totals (aging_by_client) add these rows up.
    Open items and unapplied receipts are summed in one pass (one grouping of their union,
    no join of two aggregates): at L a date's ~0.8 M rows are most of ar_aging_at's cost
    (DECISIONLOG: Answers at L). -#}
{% macro aging_by_client_currency(as_of_dates_sql) -%}
{%- set buckets = aging_buckets() -%}
with items as (
    {{ receivable_items_as_of(as_of_dates_sql, open_only=true) }}
),

unapplied_receipts as (
    {{ unapplied_receipts(as_of_dates_sql, open_only=true) }}
),

-- An open item or a receipt with money unapplied per row; the other's columns NULL.
open_amounts as (
    select
        as_of_date,
        client_id,
        currency_code,
        bucket_order,
        days_past_due,
        is_in_dispute,
        outstanding_amount,
        outstanding_reporting_amount,
        null as unapplied_amount,
        null as unapplied_reporting_amount
    from items
    union all
    select
        as_of_date,
        client_id,
        currency_code,
        null,
        null,
        null,
        null,
        null,
        unapplied_amount,
        unapplied_reporting_amount
    from unapplied_receipts
),

per_currency as (
    select
        as_of_date,
        client_id,
        currency_code,
        count(bucket_order) as open_item_count,
        {%- for bucket in buckets %}
        sum(case when bucket_order = {{ bucket.order }} then outstanding_amount else 0 end) as {{ bucket.column }},
        sum(case when bucket_order = {{ bucket.order }} then outstanding_reporting_amount else 0 end) as {{ bucket.reporting_column }},
        {%- endfor %}
        sum(outstanding_amount) as open_balance_amount,
        sum(case when days_past_due > 0 then outstanding_amount else 0 end) as overdue_amount,
        sum(case when is_in_dispute then outstanding_amount else 0 end) as in_dispute_amount,
        sum(outstanding_reporting_amount) as open_balance_reporting_amount,
        sum(case when days_past_due > 0 then outstanding_reporting_amount else 0 end) as overdue_reporting_amount,
        sum(case when is_in_dispute then outstanding_reporting_amount else 0 end) as in_dispute_reporting_amount,
        sum(unapplied_amount) as unapplied_cash_amount,
        sum(unapplied_reporting_amount) as unapplied_cash_reporting_amount
    from open_amounts
    group by as_of_date, client_id, currency_code
    -- a currency with open items, or whose unapplied receipts do not cancel out
    having count(bucket_order) > 0 or sum(unapplied_amount) <> 0
)

select
    per_currency.as_of_date,
    per_currency.client_id,
    clients.client_name,
    clients.branch,
    clients.salesperson,
    per_currency.currency_code,
    per_currency.open_item_count,
    {%- for bucket in buckets %}
    {{ money('coalesce(per_currency.' ~ bucket.column ~ ', 0)') }} as {{ bucket.column }},
    {%- endfor %}
    {{ money('coalesce(per_currency.open_balance_amount, 0)') }} as open_balance_amount,
    {{ money('coalesce(per_currency.overdue_amount, 0)') }} as overdue_amount,
    {{ money('coalesce(per_currency.in_dispute_amount, 0)') }} as in_dispute_amount,
    {{ money('coalesce(per_currency.unapplied_cash_amount, 0)') }} as unapplied_cash_amount,
    {{ money('coalesce(per_currency.open_balance_amount, 0) - coalesce(per_currency.unapplied_cash_amount, 0)') }} as net_balance_amount,
    '{{ var("reporting_currency") }}' as reporting_currency_code,
    {%- for bucket in buckets %}
    {{ money('coalesce(per_currency.' ~ bucket.reporting_column ~ ', 0)') }} as {{ bucket.reporting_column }},
    {%- endfor %}
    {{ money('coalesce(per_currency.open_balance_reporting_amount, 0)') }} as open_balance_reporting_amount,
    {{ money('coalesce(per_currency.overdue_reporting_amount, 0)') }} as overdue_reporting_amount,
    {{ money('coalesce(per_currency.in_dispute_reporting_amount, 0)') }} as in_dispute_reporting_amount,
    {{ money('coalesce(per_currency.unapplied_cash_reporting_amount, 0)') }} as unapplied_cash_reporting_amount,
    {{ money('coalesce(per_currency.open_balance_reporting_amount, 0) - coalesce(per_currency.unapplied_cash_reporting_amount, 0)') }} as net_balance_reporting_amount
from per_currency
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = per_currency.client_id
{%- endmacro %}

{#- The columns aging_by_client gives, as the marts selecting from int_aging_by_client
    show them (ar_aging_at gives the same; the table's fingerprint and position are its own). -#}
{% macro aging_by_client_columns() -%}
{%- set columns = ['as_of_date', 'client_id', 'client_name', 'branch', 'salesperson', 'currency_code']
    + aging_buckets() | map(attribute='column') | list
    + ['open_balance_amount', 'overdue_amount', 'in_dispute_amount', 'unapplied_cash_amount', 'net_balance_amount'] %}
{{- columns | join(', ') }}
{%- endmacro %}

{#- One row per as-of date and client with anything open (or unapplied cash): the rows of
    aging_by_client_currency (by_currency_sql selects them) added up in the reporting
    currency. Sums of cents, so the client figures equal a sum over the items. -#}
{% macro aging_by_client(by_currency_sql) -%}
{%- set buckets = aging_buckets() -%}
select
    as_of_date,
    client_id,
    client_name,
    branch,
    salesperson,
    '{{ var("reporting_currency") }}' as currency_code,
    {%- for bucket in buckets %}
    {{ money('sum(' ~ bucket.reporting_column ~ ')') }} as {{ bucket.column }},
    {%- endfor %}
    {{ money('sum(open_balance_reporting_amount)') }} as open_balance_amount,
    {{ money('sum(overdue_reporting_amount)') }} as overdue_amount,
    {{ money('sum(in_dispute_reporting_amount)') }} as in_dispute_amount,
    {{ money('sum(unapplied_cash_reporting_amount)') }} as unapplied_cash_amount,
    {{ money('sum(net_balance_reporting_amount)') }} as net_balance_amount
from ({{ by_currency_sql }}) as by_currency
group by as_of_date, client_id, client_name, branch, salesperson
having sum(open_item_count) > 0 or sum(unapplied_cash_reporting_amount) <> 0
{%- endmacro %}

{#- One row per as-of date and receipt dated by then: the money not applied to a
    receivable document by that date (unapplied cash, DECISIONLOG: open balance), in the
    receipt currency and in the reporting currency at the payment date's rate. A read of
    int_receipt_balances; open_only keeps the receipts with money unapplied that day,
    read from int_unapplied_receipt_months. -#}
{% macro unapplied_receipts(as_of_dates_sql, open_only=false) -%}
select
    as_of_dates.as_of_date,
    balances.receipt_id,
    balances.client_id,
    balances.currency_code,
    balances.payment_date,
    balances.receipt_amount,
    balances.to_reporting_factor,
    balances.unapplied_amount,
    balances.unapplied_reporting_amount
{%- if open_only %}
{{ periods_at(as_of_dates_sql, ref('int_unapplied_receipt_months')) }}
{%- else %}
from ({{ as_of_dates_sql }}) as as_of_dates
inner join {{ ref('int_receipt_balances') }} as balances
    on balances.valid_from <= as_of_dates.as_of_date
    and as_of_dates.as_of_date < coalesce(balances.valid_to, {{ open_end_date() }})
{%- endif %}
{%- endmacro %}

{#- ar_aging_at(date): aging for any date from the same definition, for the dashboards.
    A DuckDB table macro; other engines get no macro (query ar_aging_monthly there). -#}
{% macro create_ar_aging_at() -%}
    {{ return(adapter.dispatch('create_ar_aging_at', 'cartera')()) }}
{%- endmacro %}

{% macro default__create_ar_aging_at() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_ar_aging_at() -%}
    create or replace macro {{ this.schema }}.ar_aging_at(p_as_of_date) as table
    {{ aging_by_client(aging_by_client_currency('select cast(p_as_of_date as date) as as_of_date')) }}
{%- endmacro %}
