{#- Aging, defined once. Every as-of figure (ar_aging at the build's date,
    ar_aging_monthly at each month end, the ar_aging_at(date) table macro, fct_installments)
    is rendered from these macros with a different set of as-of dates: as_of_dates_sql is
    any query returning a column as_of_date. -#}

{#- The buckets from var aging_bucket_bounds: [0, 30, 60, 90, 120] gives
    not_due (<= 0 days past due), 1-30, 31-60, 61-90, 91-120, over 120. -#}
{% macro aging_buckets() -%}
    {%- set bounds = var('aging_bucket_bounds') -%}
    {%- set buckets = [{'order': 1, 'column': 'not_due_amount', 'min_days': none, 'max_days': bounds[0]}] -%}
    {%- for upper in bounds[1:] -%}
        {%- set lower = bounds[loop.index0] + 1 -%}
        {%- do buckets.append({'order': loop.index + 1, 'column': 'days_' ~ lower ~ '_' ~ upper ~ '_amount', 'min_days': lower, 'max_days': upper}) -%}
    {%- endfor -%}
    {%- do buckets.append({'order': bounds | length + 1, 'column': 'days_over_' ~ bounds[-1] ~ '_amount', 'min_days': bounds[-1] + 1, 'max_days': none}) -%}
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

{#- One row per as-of date and receivable item issued by then: what is still open.
    Allocations that name an instalment reduce it; every other reduction (allocations
    without an instalment, withholdings, credit notes) pays the document's instalments
    oldest due date first, the last instalment taking any excess. -#}
{% macro aging_items(as_of_dates_sql) -%}
with as_of_dates as (
    {{ as_of_dates_sql }}
),

items as (
    select as_of_dates.as_of_date, items.*
    from as_of_dates
    inner join {{ ref('int_receivable_items') }} as items
        on items.issue_date <= as_of_dates.as_of_date
),

reductions as (
    select as_of_dates.as_of_date, reductions.*
    from as_of_dates
    inner join {{ ref('int_document_reductions') }} as reductions
        on reductions.effective_date <= as_of_dates.as_of_date
),

targeted as (
    select as_of_date, document_id, installment_no, sum(reduction_amount) as targeted_amount
    from reductions
    where installment_no is not null
    group by as_of_date, document_id, installment_no
),

untargeted as (
    select as_of_date, document_id, sum(reduction_amount) as untargeted_amount
    from reductions
    where installment_no is null
    group by as_of_date, document_id
),

capacities as (
    select
        items.*,
        items.item_amount - coalesce(targeted.targeted_amount, 0) as capacity_amount,
        coalesce(untargeted.untargeted_amount, 0) as untargeted_amount
    from items
    left join targeted
        on targeted.as_of_date = items.as_of_date
        and targeted.document_id = items.document_id
        and targeted.installment_no = items.installment_no
    left join untargeted
        on untargeted.as_of_date = items.as_of_date
        and untargeted.document_id = items.document_id
),

queued as (
    select
        capacities.*,
        coalesce(sum(case when capacity_amount > 0 then capacity_amount else 0 end) over (
            partition by as_of_date, document_id order by due_order
            rows between unbounded preceding and 1 preceding
        ), 0) as capacity_before_amount
    from capacities
),

settled as (
    select
        queued.*,
        case
            when untargeted_amount <= capacity_before_amount then 0
            when due_order = item_count then untargeted_amount - capacity_before_amount
            when capacity_amount <= 0 then 0
            when untargeted_amount - capacity_before_amount < capacity_amount then untargeted_amount - capacity_before_amount
            else capacity_amount
        end as queued_applied_amount
    from queued
),

open_items as (
    select
        settled.*,
        {{ money('capacity_amount - queued_applied_amount') }} as outstanding_amount,
        {{ dbt.datediff('due_date', 'as_of_date', 'day') }} as days_past_due
    from settled
)

select
    as_of_date,
    item_type,
    document_id,
    installment_no,
    document_type,
    document_number,
    client_id,
    currency_code,
    issue_date,
    due_date,
    item_amount,
    {{ money('item_amount - outstanding_amount') }} as settled_amount,
    outstanding_amount,
    {{ to_reporting('outstanding_amount', 'to_reporting_factor') }} as outstanding_reporting_amount,
    days_past_due,
    {{ aging_bucket_order('days_past_due') }} as bucket_order,
    is_in_dispute,
    to_reporting_factor
from open_items
{%- endmacro %}

{#- One row per as-of date and client with anything open: the buckets in the reporting
    currency, their total, the overdue part, the disputed part, and unapplied cash
    (receipt money not yet applied to a receivable document, at the payment date's rate). -#}
{% macro aging_by_client(as_of_dates_sql) -%}
{%- set buckets = aging_buckets() -%}
with items as (
    {{ aging_items(as_of_dates_sql) }}
),

unapplied_cash as (
    select as_of_date, client_id, sum(unapplied_reporting_amount) as unapplied_cash_amount
    from ({{ unapplied_receipts(as_of_dates_sql) }}) as unapplied_receipts
    group by as_of_date, client_id
),

open_per_client as (
    select
        as_of_date,
        client_id,
        {%- for bucket in buckets %}
        sum(case when bucket_order = {{ bucket.order }} then outstanding_reporting_amount else 0 end) as {{ bucket.column }},
        {%- endfor %}
        sum(outstanding_reporting_amount) as open_balance_amount,
        sum(case when days_past_due > 0 then outstanding_reporting_amount else 0 end) as overdue_amount,
        sum(case when is_in_dispute then outstanding_reporting_amount else 0 end) as in_dispute_amount
    from items
    where outstanding_amount <> 0
    group by as_of_date, client_id
),

client_dates as (
    select as_of_date, client_id from open_per_client
    union
    select as_of_date, client_id from unapplied_cash where unapplied_cash_amount <> 0
)

select
    client_dates.as_of_date,
    client_dates.client_id,
    clients.client_name,
    clients.branch,
    clients.salesperson,
    '{{ var("reporting_currency") }}' as currency_code,
    {%- for bucket in buckets %}
    {{ money('coalesce(open_per_client.' ~ bucket.column ~ ', 0)') }} as {{ bucket.column }},
    {%- endfor %}
    {{ money('coalesce(open_per_client.open_balance_amount, 0)') }} as open_balance_amount,
    {{ money('coalesce(open_per_client.overdue_amount, 0)') }} as overdue_amount,
    {{ money('coalesce(open_per_client.in_dispute_amount, 0)') }} as in_dispute_amount,
    {{ money('coalesce(unapplied_cash.unapplied_cash_amount, 0)') }} as unapplied_cash_amount,
    {{ money('coalesce(open_per_client.open_balance_amount, 0) - coalesce(unapplied_cash.unapplied_cash_amount, 0)') }} as net_balance_amount
from client_dates
left join open_per_client
    on open_per_client.as_of_date = client_dates.as_of_date
    and open_per_client.client_id = client_dates.client_id
left join unapplied_cash
    on unapplied_cash.as_of_date = client_dates.as_of_date
    and unapplied_cash.client_id = client_dates.client_id
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = client_dates.client_id
{%- endmacro %}

{#- One row per as-of date and receipt dated by then: the money not applied to a
    receivable document by that date (unapplied cash, DECISIONLOG: open balance), in the
    receipt currency and in the reporting currency at the payment date's rate. -#}
{% macro unapplied_receipts(as_of_dates_sql) -%}
with receipts_as_of as (
    select
        as_of_dates.as_of_date,
        receipts.receipt_id,
        receipts.client_id,
        receipts.currency_code,
        receipts.payment_date,
        receipts.receipt_amount,
        receipts.to_reporting_factor
    from ({{ as_of_dates_sql }}) as as_of_dates
    inner join {{ ref('int_receipts') }} as receipts
        on receipts.payment_date <= as_of_dates.as_of_date
),

applied_as_of as (
    select as_of_dates.as_of_date, reductions.receipt_id, sum(reductions.reduction_amount) as applied_amount
    from ({{ as_of_dates_sql }}) as as_of_dates
    inner join {{ ref('int_document_reductions') }} as reductions
        on reductions.effective_date <= as_of_dates.as_of_date
    where reductions.reduction_type = 'receipt'
    group by as_of_dates.as_of_date, reductions.receipt_id
)

select
    receipts_as_of.as_of_date,
    receipts_as_of.receipt_id,
    receipts_as_of.client_id,
    receipts_as_of.currency_code,
    receipts_as_of.payment_date,
    receipts_as_of.receipt_amount,
    receipts_as_of.to_reporting_factor,
    {{ money('receipts_as_of.receipt_amount - coalesce(applied_as_of.applied_amount, 0)') }} as unapplied_amount,
    -- Parenthesised: to_reporting multiplies its argument as written, and the whole difference converts.
    {{ to_reporting('(receipts_as_of.receipt_amount - coalesce(applied_as_of.applied_amount, 0))', 'receipts_as_of.to_reporting_factor') }} as unapplied_reporting_amount
from receipts_as_of
left join applied_as_of
    on applied_as_of.as_of_date = receipts_as_of.as_of_date
    and applied_as_of.receipt_id = receipts_as_of.receipt_id
{%- endmacro %}

{#- One row per as-of date, client and document currency with anything open (or
    unapplied cash in that currency): aging_by_client's buckets in the document currency
    (same items, same buckets), plus the totals in the reporting currency, which add up
    over a client's currencies to aging_by_client's. -#}
{% macro aging_by_client_currency(as_of_dates_sql) -%}
{%- set buckets = aging_buckets() -%}
with items as (
    {{ aging_items(as_of_dates_sql) }}
),

unapplied_cash as (
    select
        as_of_date,
        client_id,
        currency_code,
        sum(unapplied_amount) as unapplied_cash_amount,
        sum(unapplied_reporting_amount) as unapplied_cash_reporting_amount
    from ({{ unapplied_receipts(as_of_dates_sql) }}) as unapplied_receipts
    group by as_of_date, client_id, currency_code
),

open_per_currency as (
    select
        as_of_date,
        client_id,
        currency_code,
        {%- for bucket in buckets %}
        sum(case when bucket_order = {{ bucket.order }} then outstanding_amount else 0 end) as {{ bucket.column }},
        {%- endfor %}
        sum(outstanding_amount) as open_balance_amount,
        sum(case when days_past_due > 0 then outstanding_amount else 0 end) as overdue_amount,
        sum(case when is_in_dispute then outstanding_amount else 0 end) as in_dispute_amount,
        sum(outstanding_reporting_amount) as open_balance_reporting_amount
    from items
    where outstanding_amount <> 0
    group by as_of_date, client_id, currency_code
),

client_currencies as (
    select as_of_date, client_id, currency_code from open_per_currency
    union
    select as_of_date, client_id, currency_code from unapplied_cash where unapplied_cash_amount <> 0
)

select
    client_currencies.as_of_date,
    client_currencies.client_id,
    clients.client_name,
    clients.branch,
    clients.salesperson,
    client_currencies.currency_code,
    {%- for bucket in buckets %}
    {{ money('coalesce(open_per_currency.' ~ bucket.column ~ ', 0)') }} as {{ bucket.column }},
    {%- endfor %}
    {{ money('coalesce(open_per_currency.open_balance_amount, 0)') }} as open_balance_amount,
    {{ money('coalesce(open_per_currency.overdue_amount, 0)') }} as overdue_amount,
    {{ money('coalesce(open_per_currency.in_dispute_amount, 0)') }} as in_dispute_amount,
    {{ money('coalesce(unapplied_cash.unapplied_cash_amount, 0)') }} as unapplied_cash_amount,
    {{ money('coalesce(open_per_currency.open_balance_amount, 0) - coalesce(unapplied_cash.unapplied_cash_amount, 0)') }} as net_balance_amount,
    '{{ var("reporting_currency") }}' as reporting_currency_code,
    {{ money('coalesce(open_per_currency.open_balance_reporting_amount, 0)') }} as open_balance_reporting_amount,
    {{ money('coalesce(unapplied_cash.unapplied_cash_reporting_amount, 0)') }} as unapplied_cash_reporting_amount,
    {{ money('coalesce(open_per_currency.open_balance_reporting_amount, 0) - coalesce(unapplied_cash.unapplied_cash_reporting_amount, 0)') }} as net_balance_reporting_amount
from client_currencies
left join open_per_currency
    on open_per_currency.as_of_date = client_currencies.as_of_date
    and open_per_currency.client_id = client_currencies.client_id
    and open_per_currency.currency_code = client_currencies.currency_code
left join unapplied_cash
    on unapplied_cash.as_of_date = client_currencies.as_of_date
    and unapplied_cash.client_id = client_currencies.client_id
    and unapplied_cash.currency_code = client_currencies.currency_code
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = client_currencies.client_id
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
    {{ aging_by_client('select cast(p_as_of_date as date) as as_of_date') }}
{%- endmacro %}
