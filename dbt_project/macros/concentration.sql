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
