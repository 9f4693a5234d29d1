{#- The client's typical days beyond terms known at a date, and the company's: the
    amount-weighted average of days_beyond_terms of the cash payments (is_payment)
    settled in the 365 days up to that date, (date - 365, date], weighted by the
    instalment's reporting amount: payment_behavior.weighted_days_beyond_terms_365's
    definition (test assert_cash_forecast_typical_days_match_payment_behavior), at any
    date. known_at_sql returns client_id and known_at_date. -#}
{% macro days_beyond_terms_known_at(known_at_sql) -%}
with known_at as (
    {{ known_at_sql }}
),

payments as (
    select
        client_id,
        paid_date,
        installment_reporting_amount as weight_amount,
        {{ wide('installment_reporting_amount') }} * days_beyond_terms as weighted_days
    from {{ ref('fct_installment_payments') }}
    where is_payment
),

-- Summed per day first: the company average at every known_at_date then reads a year
-- of days, not every payment of the year.
daily_payments as (
    select paid_date, sum(weight_amount) as weight_amount, sum(weighted_days) as weighted_days
    from payments
    group by paid_date
),

company as (
    select
        known_dates.known_at_date,
        {{ cash_forecast_days_ratio('sum(daily_payments.weighted_days)', 'sum(daily_payments.weight_amount)') }} as company_days_beyond_terms
    from (select distinct known_at_date from known_at) as known_dates
    inner join daily_payments
        on daily_payments.paid_date <= known_dates.known_at_date
        and daily_payments.paid_date > cast({{ dbt.dateadd('day', -365, 'known_dates.known_at_date') }} as date)
    group by known_dates.known_at_date
),

-- A client's window at a date is its running totals at the date less those at the date
-- less 365 days: every client's payments and both ends of its windows in one date-ordered
-- pass (the ends weigh nothing and sort after the day's payments), not each window's
-- payments again (a client paying weekly has ~50 payments in each of its windows).
client_points as (
    select client_id, paid_date as point_date, 0 as is_end, cast(null as date) as known_at_date, 0 as end_sign,
        weight_amount, weighted_days, 1 as payment_count
    from payments
    -- Only the clients asked about: an incremental backtest asks about a few.
    where client_id in (select client_id from known_at)
    union all
    select client_id, known_at_date, 1, known_at_date, 1, 0, 0, 0
    from (select distinct client_id, known_at_date from known_at) as window_ends
    union all
    select client_id, cast({{ dbt.dateadd('day', -365, 'known_at_date') }} as date), 1, known_at_date, -1, 0, 0, 0
    from (select distinct client_id, known_at_date from known_at) as window_starts
),

client_running as (
    select
        client_id,
        is_end,
        known_at_date,
        end_sign,
        sum(weight_amount) over client_dates as running_weight_amount,
        sum(weighted_days) over client_dates as running_weighted_days,
        sum(payment_count) over client_dates as running_payment_count
    from client_points
    window client_dates as (
        partition by client_id order by point_date, is_end
        rows between unbounded preceding and current row
    )
),

client_windows as (
    select
        client_id,
        known_at_date,
        sum(end_sign * running_weight_amount) as weight_amount,
        sum(end_sign * running_weighted_days) as weighted_days,
        sum(end_sign * running_payment_count) as payment_count
    from client_running
    where is_end = 1
    group by client_id, known_at_date
),

client as (
    select
        client_id,
        known_at_date,
        {{ cash_forecast_days_ratio('weighted_days', 'weight_amount') }} as client_days_beyond_terms
    from client_windows
    where payment_count > 0
)

select
    known_at.client_id,
    known_at.known_at_date,
    client.client_days_beyond_terms,
    company.company_days_beyond_terms
from (select distinct client_id, known_at_date from known_at) as known_at
left join client
    on client.client_id = known_at.client_id
    and client.known_at_date = known_at.known_at_date
left join company
    on company.known_at_date = known_at.known_at_date
{%- endmacro %}

{#- The average to 2 decimals, divided exactly as payment_behavior's behavior_ratio
    (both must agree to the cent of a day); NULL without payments. -#}
{% macro cash_forecast_days_ratio(numerator, denominator) -%}
{{ behavior_ratio(numerator, denominator, 2) }}
{%- endmacro %}

{#- Days beyond terms as whole days to add to a due date: rounded half away from zero;
    a client without history takes the company's, and 0 when nobody has paid yet. -#}
{% macro cash_forecast_days_late(client_days, company_days) -%}
cast(round(coalesce({{ client_days }}, {{ company_days }}, 0), 0) as integer)
{%- endmacro %}

{#- The Monday starting the ISO week of a date, and its ISO label (2025-W27): the ISO
    year is the year of the week's Thursday, the week number counts Thursdays. -#}
{% macro iso_week_start(date_expression) -%}
cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}

{% macro iso_week_label(week_start) -%}
{%- set thursday = 'cast(' ~ dbt.dateadd('day', 3, week_start) ~ ' as date)' -%}
{{ dbt.concat([
    'cast(extract(year from ' ~ thursday ~ ') as ' ~ dbt.type_string() ~ ')',
    "'-W'",
    'lpad(cast(cast(floor(' ~ dbt.datediff(dbt.date_trunc('year', thursday), thursday, 'day') ~ ' / 7) + 1 as integer) as ' ~ dbt.type_string() ~ '), 2, ' ~ "'0')"
]) }}
{%- endmacro %}

{#- The version of cash_forecast_backtest's code and of the rules its rows are computed
    with (the typical days, their rounding). -#}
{% macro backtest_version() -%}
{{ model_version(rules=days_beyond_terms_known_at('select 1') ~ cash_forecast_days_late('c', 'd')) }}
{%- endmacro %}

{#- What a cash_forecast_backtest row is computed from, besides the rules: its instalment's
    payment. Read from fct_installment_payments (the payments now) and from the table (the
    payments its rows were computed from). -#}
{% macro backtest_payment_columns() -%}
{{ return(['installment_key', 'document_id', 'installment_no', 'client_id', 'due_date', 'paid_date',
    'installment_reporting_amount']) }}
{%- endmacro %}

{#- cash_forecast_backtest's pre-hook: on an incremental build, deletes every row computed
    by another version of the code, every row whose payment changed or is gone, and every
    row whose year before its due date, [due_date - 365, due_date - 1], holds the date of
    a payment that changed, came or went (its client's figure or the company's moves).
    The others stand as they were: a payment settled today reaches only instalments due
    after today. A table from before the versions is emptied.
    fct_installment_payments is kept by document: only the documents it copied since this
    table's last build can hold a payment other than the one stored (compared both ways),
    and a stored payment of any other document is gone only with its whole document
    (every stored payment compared both ways cost 5.3 s at L). -#}
{% macro drop_changed_backtest_rows() -%}
{%- set columns = backtest_payment_columns() | join(', ') %}
{%- set payments = ref('fct_installment_payments') %}
{%- if is_incremental() and not holds_column('_model_version') %}
delete from {{ this }}
{%- elif is_incremental() %}
delete from {{ this }} as stored
using (
    with copied_documents as (
        {{ computed_since_last_build(payments) }}
    ),

    payments_copied as (
        select {{ columns }} from {{ payments }}
        where is_payment and document_id in (select document_id from copied_documents)
    ),

    stored_of_copied as (
        select {{ columns }} from {{ this }}
        where document_id in (select document_id from copied_documents)
    ),

    changed_payments as (
        (select * from payments_copied except select * from stored_of_copied)
        union all
        (select * from stored_of_copied except select * from payments_copied)
        union all
        select {{ columns }} from {{ this }}
        where document_id not in (select document_id from {{ payments }})
    ),

    changed_dates as (
        select distinct paid_date from changed_payments
    )

    select installment_key from {{ this }} where _model_version <> {{ backtest_version() }}
    union
    select installment_key from changed_payments
    union
    select rows_reached.installment_key
    from {{ this }} as rows_reached
    inner join changed_dates
        on rows_reached.due_date >= cast({{ dbt.dateadd('day', 1, 'changed_dates.paid_date') }} as date)
        and rows_reached.due_date <= cast({{ dbt.dateadd('day', 365, 'changed_dates.paid_date') }} as date)
) as dropped
where dropped.installment_key = stored.installment_key
{%- else %}
select 1
{%- endif %}
{%- endmacro %}
