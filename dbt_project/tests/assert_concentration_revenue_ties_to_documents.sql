-- Every period's total net revenue is the sum, over the clients left with positive net
-- revenue, of the net of their issued invoices, debit notes and credit notes dated in
-- the period, taken from staging and converted at the issue date's rate: the mart loses
-- and invents nothing.
-- Summed another way than the mart's (documents joined to the periods holding them), and
-- month by month, so that it reads each document once (at L 13.6 s by period, DECISIONLOG:
-- Concentration tie-out by the month): no document is later than the as-of date, so a
-- calendar period (one running to the as-of date too) is whole months of a client, a
-- trailing twelve months to a month end is a running sum over the client's months, and
-- the one to an as-of date within a month is read straight from the documents.
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

documents as (
    select
        documents.client_id,
        documents.issue_date,
        cast({{ dbt.date_trunc('month', 'documents.issue_date') }} as date) as issue_month,
        {{ to_reporting(
            "case when documents.document_type = 'credit_note' then -documents.net_amount else documents.net_amount end",
            fx_factor('fx', 'documents.currency_code')
        ) }} as net_reporting_amount
    from {{ ref('stg_invoicing__documents') }} as documents
    {{ join_fx_factor('fx', 'documents.currency_code', 'documents.issue_date') }}
    where documents.document_status = 'issued'
        and documents.issue_date <= (select as_of_date from as_of)
),

client_months as (
    select client_id, issue_month, sum(net_reporting_amount) as net_amount
    from documents
    group by client_id, issue_month
),

-- Every month of a client from its first document's to the as-of date's, with what it
-- issued in it (0 in a month without documents), for the running sums.
client_month_grid as (
    select firsts.client_id, months.period_start as issue_month, coalesce(client_months.net_amount, 0) as net_amount
    from (select client_id, min(issue_month) as first_month from client_months group by client_id) as firsts
    inner join {{ ref('int_concentration_periods') }} as months
        on months.period_type = 'month'
        and months.period_start >= firsts.first_month
    left join client_months
        on client_months.client_id = firsts.client_id
        and client_months.issue_month = months.period_start
),

-- Each client's net in each period, the period named by its type, start and end (a
-- calendar one still running ends on the as-of date).
per_client as (
    select
        'month' as period_type,
        issue_month as period_start,
        least(cast({{ dbt.last_day('issue_month', 'month') }} as date), (select as_of_date from as_of)) as period_end,
        client_id,
        net_amount
    from client_months

    union all

    select 'quarter', quarter_start, least(cast({{ dbt.last_day('quarter_start', 'quarter') }} as date), (select as_of_date from as_of)),
        client_id, sum(net_amount)
    from (select *, cast({{ dbt.date_trunc('quarter', 'issue_month') }} as date) as quarter_start from client_months) as quarters
    group by quarter_start, client_id

    union all

    select 'year', year_start, least(cast({{ dbt.last_day('year_start', 'year') }} as date), (select as_of_date from as_of)),
        client_id, sum(net_amount)
    from (select *, cast({{ dbt.date_trunc('year', 'issue_month') }} as date) as year_start from client_months) as years
    group by year_start, client_id

    union all

    -- The twelve months of the grid ending in each month: the month and the eleven before.
    select
        'trailing_12_months',
        cast({{ dbt.dateadd('month', -11, 'issue_month') }} as date),
        cast({{ dbt.last_day('issue_month', 'month') }} as date),
        client_id,
        sum(net_amount) over (partition by client_id order by issue_month rows between 11 preceding and current row)
    from client_month_grid

    union all

    -- The twelve months to an as-of date within a month.
    select 'trailing_12_months', periods.period_start, periods.period_end, documents.client_id, sum(documents.net_reporting_amount)
    from {{ ref('int_concentration_periods') }} as periods
    inner join documents
        on documents.issue_date >= periods.period_start
    where periods.period_type = 'trailing_12_months'
        and periods.period_end = (select as_of_date from as_of)
        and periods.period_end <> cast({{ dbt.last_day('periods.period_end', 'month') }} as date)
    group by periods.period_start, periods.period_end, documents.client_id
),

-- Only the periods concentration is measured over (a running sum to a month end later
-- than the as-of date is none).
expected as (
    select periods.period_type, periods.period_end, sum(case when per_client.net_amount > 0 then per_client.net_amount else 0 end) as total_amount
    from per_client
    inner join {{ ref('int_concentration_periods') }} as periods
        on periods.period_type = per_client.period_type
        and periods.period_start = per_client.period_start
        and periods.period_end = per_client.period_end
    group by periods.period_type, periods.period_end
)

select summary.period_type, summary.period_end, summary.total_net_revenue_amount, expected.total_amount
from {{ ref('concentration_summary') }} as summary
left join expected
    on expected.period_type = summary.period_type
    and expected.period_end = summary.period_end
where summary.total_net_revenue_amount <> coalesce(expected.total_amount, 0)
