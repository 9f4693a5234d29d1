-- Every period's total net revenue is the sum, over the clients left with positive net
-- revenue, of the net of their issued invoices, debit notes and credit notes dated in
-- the period, taken from staging and converted at the issue date's rate: the mart loses
-- and invents nothing.
with documents as (
    select
        documents.client_id,
        documents.issue_date,
        {{ to_reporting(
            "case when documents.document_type = 'credit_note' then -documents.net_amount else documents.net_amount end",
            fx_factor('fx', 'documents.currency_code')
        ) }} as net_reporting_amount
    from {{ ref('stg_invoicing__documents') }} as documents
    {{ join_fx_factor('fx', 'documents.currency_code', 'documents.issue_date') }}
    where documents.document_status = 'issued'
),

per_client as (
    select periods.period_type, periods.period_end, documents.client_id, sum(documents.net_reporting_amount) as net_amount
    from {{ ref('int_concentration_periods') }} as periods
    inner join documents
        on documents.issue_date between periods.period_start and periods.period_end
    group by periods.period_type, periods.period_end, documents.client_id
),

expected as (
    select period_type, period_end, sum(case when net_amount > 0 then net_amount else 0 end) as total_amount
    from per_client
    group by period_type, period_end
)

select summary.period_type, summary.period_end, summary.total_net_revenue_amount, expected.total_amount
from {{ ref('concentration_summary') }} as summary
left join expected
    on expected.period_type = summary.period_type
    and expected.period_end = summary.period_end
where summary.total_net_revenue_amount <> coalesce(expected.total_amount, 0)
