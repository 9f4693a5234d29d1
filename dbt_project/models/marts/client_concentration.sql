{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_changed_concentration_periods() }}"
) }}
-- One row per period and client with positive net revenue in it: the client's invoiced
-- net revenue, its share of the period's total, its rank, the cumulative (Pareto) share
-- and its ABC class.
--
-- Kept by period (DECISIONLOG: Concentration by the period): a period's rows are a
-- function of the sales issued in it and their clients' names alone, so a build computes
-- only the periods the table does not hold; the pre-hook has deleted those whose
-- fingerprint moved (concentration_period_fingerprints) and those gone. A period's key
-- holds its end, so one running to the as-of date is another period once the date moves.
{%- set kept = is_incremental() and holds_column('_period_fingerprint') %}
with periods as (
    select period_type, period_start, period_end, period_fingerprint
    from ({{ concentration_period_fingerprints() }}) as fingerprints
),

computed as (
    select period_type, period_start, period_end
    from periods
    {%- if kept %}
    except
    select period_type, period_start, period_end from {{ this }}
    {%- endif %}
),

client_revenue as (
    select
        computed.period_type,
        computed.period_start,
        computed.period_end,
        documents.client_id,
        {{ money('sum(documents.signed_net_reporting_amount)') }} as amount
    from computed
    inner join {{ ref('int_documents_signed') }} as documents
        on documents.issue_date >= computed.period_start
        and documents.issue_date <= computed.period_end
    group by computed.period_type, computed.period_start, computed.period_end, documents.client_id
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
    ranked.abc_class,
    periods.period_fingerprint as _period_fingerprint,
    {{ read_through_file_id() }} as _read_through_file_id
from ranked
inner join periods
    on periods.period_type = ranked.period_type
    and periods.period_start = ranked.period_start
    and periods.period_end = ranked.period_end
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = ranked.client_id
