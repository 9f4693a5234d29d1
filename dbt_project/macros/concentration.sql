{#- Pareto ranking, written once for revenue (client_concentration) and open AR
    (ar_concentration). `amounts_sql` returns one row per group and client with a
    positive `amount` in the reporting currency; `group_columns` name the group (the
    period, or nothing for one as-of date). Adds the share of the group's total, the
    rank (largest first, ties by client_id so the cumulative share is reproducible),
    the cumulative share down to the client and the ABC class (DECISIONLOG:
    concentration). Shares are percentages, DECIMAL(9,4). -#}
{% macro pareto_ranking(amounts_sql, group_columns=[]) -%}
{%- set partition = ('partition by ' ~ group_columns | join(', ')) if group_columns else '' -%}
with amounts as (
    {{ amounts_sql }}
),

running as (
    select
        amounts.*,
        sum(amount) over ({{ partition }}) as total_amount,
        row_number() over ({{ partition }} order by amount desc, client_id) as client_rank,
        sum(amount) over (
            {{ partition }} order by amount desc, client_id
            rows between unbounded preceding and current row
        ) as running_amount
    from amounts
),

shares as (
    select
        running.*,
        cast(100 * {{ wide('amount') }} / nullif(total_amount, 0) as decimal(9, 4)) as share_pct,
        cast(100 * {{ wide('running_amount') }} / nullif(total_amount, 0) as decimal(9, 4)) as cumulative_share_pct
    from running
)

select
    shares.*,
    case
        when client_rank = 1 or cumulative_share_pct <= 80 then 'A'
        when cumulative_share_pct <= 95 then 'B'
        else 'C'
    end as abc_class
from shares
{%- endmacro %}

{#- The version of client_concentration's code and of what its rows are computed with
    besides the sales: the reporting currency, the money cast and the ranking. -#}
{% macro concentration_version() -%}
{{ model_version(rules=var('reporting_currency') ~ money('amount')
    ~ pareto_ranking('select 1', group_columns=['period_end'])) }}
{%- endmacro %}

{#- client_concentration is kept by period (DECISIONLOG: Concentration by the period): one
    fingerprint per period of int_concentration_periods of everything its rows are computed
    from, the signed sales issued in it (client, client name, issue date, amount), with the
    model's version. A sale is fingerprinted once, in its issue month, and a period
    combines the fingerprints of the months it touches, not every sale once per period
    holding it (each is in fifteen). A period starting or ending within a month (the
    trailing twelve months to an as-of date, a period running to it) takes the whole
    month's: a sale of that month outside the period computes it again, needlessly but
    never wrongly. -#}
{% macro concentration_period_fingerprints() -%}
{%- set month_of = "cast(" ~ dbt.date_trunc('month', 'documents.issue_date') ~ " as date)" %}
with month_fingerprints as (
    select
        {{ month_of }} as issue_month,
        {{ fingerprint_of_columns("''", ['documents.client_id', 'clients.client_name', 'documents.issue_date',
            'documents.signed_net_reporting_amount']) }} as month_fingerprint
    from {{ ref('int_documents_signed') }} as documents
    left join {{ ref('int_clients_current') }} as clients
        on clients.client_id = documents.client_id
    group by {{ month_of }}
)

select
    periods.period_type,
    periods.period_start,
    periods.period_end,
    {{ dbt.hash(dbt.concat([
        concentration_version(), "';'",
        "coalesce(" ~ dbt.listagg('month_fingerprints.month_fingerprint', "','", 'order by month_fingerprints.issue_month') ~ ", '')"
    ])) }} as period_fingerprint
from {{ ref('int_concentration_periods') }} as periods
left join month_fingerprints
    on month_fingerprints.issue_month >= cast({{ dbt.date_trunc('month', 'periods.period_start') }} as date)
    and month_fingerprints.issue_month <= periods.period_end
group by periods.period_type, periods.period_start, periods.period_end
{%- endmacro %}

{#- client_concentration's pre-hook: on an incremental build, deletes the rows of every
    period whose fingerprint is not the one they carry (a sale or a name in it changed, or
    the code) or that is no period any more (the as-of date moved); the model then
    computes the periods the table no longer holds. A table from before the fingerprints
    is emptied. -#}
{% macro drop_changed_concentration_periods() -%}
{{ drop_keys_fingerprinted_otherwise(['period_type', 'period_start', 'period_end'], '_period_fingerprint',
    concentration_period_fingerprints(), 'period_fingerprint') }}
{%- endmacro %}
