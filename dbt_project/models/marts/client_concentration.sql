-- One row per period and client with positive net revenue in it: the client's invoiced
-- net revenue, its share of the period's total, its rank, the cumulative (Pareto) share
-- and its ABC class.
with periods as (
    select period_type, period_start, period_end
    from {{ ref('int_concentration_periods') }}
),

client_revenue as (
    select
        periods.period_type,
        periods.period_start,
        periods.period_end,
        documents.client_id,
        {{ money('sum(documents.signed_net_reporting_amount)') }} as amount
    from periods
    inner join {{ ref('int_documents_signed') }} as documents
        on documents.issue_date >= periods.period_start
        and documents.issue_date <= periods.period_end
    group by periods.period_type, periods.period_start, periods.period_end, documents.client_id
),

ranked as (
    -- A client whose credit notes outweigh its invoices in the period has no share to
    -- rank: a negative share would push the others past 100 % (DECISIONLOG).
    {{ pareto_ranking(
        'select * from client_revenue where amount > 0',
        group_columns=['period_type', 'period_start', 'period_end']
    ) }}
)

select
    ranked.period_type,
    ranked.period_start,
    ranked.period_end,
    ranked.client_id,
    clients.client_name,
    '{{ var("reporting_currency") }}' as currency_code,
    ranked.amount as net_revenue_amount,
    ranked.share_pct as revenue_share_pct,
    ranked.client_rank as revenue_rank,
    ranked.cumulative_share_pct,
    ranked.abc_class
from ranked
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = ranked.client_id
