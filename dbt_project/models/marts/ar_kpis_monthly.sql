-- One row per month end and dimension (the company, each branch, salesperson, segment,
-- client currency and grade):
-- credit sales, AR at the start and end of the month, its current and overdue parts,
-- and the KPIs built on them: DSO (simple and countback), best possible DSO, average
-- days delinquent, collection effectiveness index, AR turnover.
with month_ends as (
    select
        as_of_date as month_end,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start
    from {{ ref('int_month_ends') }}
),

-- Each current client's value in every dimension. A client's current branch and
-- salesperson stand for its whole history (a simplification: int_clients_current keeps no
-- dated attributes); the grade is today's (payment_behavior), as the dashboards' grade
-- filter chooses clients.
client_combinations as (
    select
        clients.client_id,
        coalesce(clients.branch, '(not set)') as branch,
        coalesce(clients.salesperson, '(not set)') as salesperson,
        coalesce(clients.segment, '(not set)') as segment,
        coalesce(clients.currency_code, '(not set)') as currency_code,
        coalesce(behavior.grade, '(not set)') as grade
    from {{ ref('int_clients_current') }} as clients
    left join {{ ref('payment_behavior') }} as behavior
        on behavior.client_id = clients.client_id
),
{%- set dimensions = filter_dimensions() %}

dimension_values as (
    {%- for dimension_type, column in dimensions %}
    select distinct '{{ dimension_type }}' as dimension_type, {{ column }} as dimension_value
    from client_combinations
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

grid as (
    select month_ends.month_end, month_ends.month_start, dimension_values.dimension_type, dimension_values.dimension_value
    from month_ends
    cross join dimension_values
),

documents as (
    select
        client_id,
        cast({{ dbt.last_day('issue_date', 'month') }} as date) as month_end,
        signed_total_reporting_amount
    from {{ ref('int_documents_signed') }}
),

-- The sums by month end and combination of the clients' dimensions first (a few thousand
-- rows a month), then by each dimension from those: joined to every dimension of its
-- client, each client's row was summed six times (29 M rows at 100,000 clients x 5 years).
combination_sums as (
    select
        documents.month_end,
        client_combinations.branch,
        client_combinations.salesperson,
        client_combinations.segment,
        client_combinations.currency_code,
        client_combinations.grade,
        sum(documents.signed_total_reporting_amount) as credit_sales_amount,
        cast(null as decimal(38, 2)) as ending_ar_amount,
        cast(null as decimal(38, 2)) as current_ar_amount,
        cast(null as decimal(38, 2)) as overdue_ar_amount
    from documents
    inner join client_combinations
        on client_combinations.client_id = documents.client_id
    group by documents.month_end, client_combinations.branch, client_combinations.salesperson,
        client_combinations.segment, client_combinations.currency_code, client_combinations.grade
    union all
    select
        aging.as_of_date,
        client_combinations.branch,
        client_combinations.salesperson,
        client_combinations.segment,
        client_combinations.currency_code,
        client_combinations.grade,
        null,
        sum(aging.open_balance_amount),
        sum(aging.not_due_amount),
        sum(aging.overdue_amount)
    from {{ ref('ar_aging_monthly') }} as aging
    inner join client_combinations
        on client_combinations.client_id = aging.client_id
    group by aging.as_of_date, client_combinations.branch, client_combinations.salesperson,
        client_combinations.segment, client_combinations.currency_code, client_combinations.grade
),

sums as (
    select
        month_end,
        dimension_type,
        dimension_value,
        sum(credit_sales_amount) as credit_sales_amount,
        sum(ending_ar_amount) as ending_ar_amount,
        sum(current_ar_amount) as current_ar_amount,
        sum(overdue_ar_amount) as overdue_ar_amount
    from (
        {%- for dimension_type, column in dimensions %}
        select month_end, '{{ dimension_type }}' as dimension_type, {{ column }} as dimension_value,
            credit_sales_amount, ending_ar_amount, current_ar_amount, overdue_ar_amount
        from combination_sums
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as dimension_sums
    group by month_end, dimension_type, dimension_value
),

monthly as (
    select
        grid.month_end,
        grid.dimension_type,
        grid.dimension_value,
        {{ dbt.datediff('grid.month_start', 'grid.month_end', 'day') }} + 1 as days_in_month,
        {{ money('coalesce(sums.credit_sales_amount, 0)') }} as credit_sales_amount,
        {{ money('coalesce(sums.ending_ar_amount, 0)') }} as ending_ar_amount,
        {{ money('coalesce(sums.current_ar_amount, 0)') }} as current_ar_amount,
        {{ money('coalesce(sums.overdue_ar_amount, 0)') }} as overdue_ar_amount,
        {{ dbt.datediff(dbt.dateadd('month', -2, 'grid.month_start'), 'grid.month_end', 'day') }} + 1 as days_in_3_months
    from grid
    left join sums
        on sums.month_end = grid.month_end
        and sums.dimension_type = grid.dimension_type
        and sums.dimension_value = grid.dimension_value
),

running as (
    -- The grid has every month of the history, so rows are months: the previous row is
    -- the previous month, and the month before the first had no documents (AR 0).
    select
        monthly.*,
        {{ money('coalesce(lag(ending_ar_amount) over (partition by dimension_type, dimension_value order by month_end), 0)') }} as beginning_ar_amount,
        {{ money('sum(credit_sales_amount) over (partition by dimension_type, dimension_value order by month_end rows between 2 preceding and current row)') }} as credit_sales_3_months_amount,
        sum(credit_sales_amount) over (partition by dimension_type, dimension_value order by month_end rows between unbounded preceding and current row) as sales_to_date_amount,
        sum(days_in_month) over (partition by dimension_type, dimension_value order by month_end rows between unbounded preceding and current row) as days_to_date
    from monthly
),

countback_stop as (
    -- Countback: walk back from the month end, taking each month's sales off the ending
    -- AR while it lasts. The month where the AR runs out is the latest month m with
    -- (sales from m to the month end) >= ending AR; every later month counts whole,
    -- m counts the fraction (AR left when reaching m) / (sales of m).
    select
        target.month_end,
        target.dimension_type,
        target.dimension_value,
        (target.days_to_date - history.days_to_date)
            + {{ wide('target.ending_ar_amount - (target.sales_to_date_amount - history.sales_to_date_amount)') }}
            * history.days_in_month / nullif(history.credit_sales_amount, 0) as dso_countback,
        row_number() over (
            partition by target.month_end, target.dimension_type, target.dimension_value
            order by history.month_end desc
        ) as stop_order
    from running as target
    inner join running as history
        on history.dimension_type = target.dimension_type
        and history.dimension_value = target.dimension_value
        and history.month_end <= target.month_end
        and target.sales_to_date_amount - history.sales_to_date_amount + history.credit_sales_amount >= target.ending_ar_amount
    where target.ending_ar_amount > 0
),

kpis as (
    select
        running.*,
        cast({{ wide('running.ending_ar_amount') }} * running.days_in_3_months / nullif(running.credit_sales_3_months_amount, 0) as decimal(18, 2)) as dso_simple,
        cast({{ wide('running.current_ar_amount') }} * running.days_in_3_months / nullif(running.credit_sales_3_months_amount, 0) as decimal(18, 2)) as best_possible_dso,
        case
            when running.ending_ar_amount <= 0 then cast(0 as decimal(18, 2))
            else cast(countback_stop.dso_countback as decimal(18, 2))
        end as dso_countback
    from running
    left join countback_stop
        on countback_stop.month_end = running.month_end
        and countback_stop.dimension_type = running.dimension_type
        and countback_stop.dimension_value = running.dimension_value
        and countback_stop.stop_order = 1
)

select
    month_end,
    dimension_type,
    dimension_value,
    '{{ var("reporting_currency") }}' as currency_code,
    credit_sales_amount,
    beginning_ar_amount,
    ending_ar_amount,
    current_ar_amount,
    overdue_ar_amount,
    cast(100 * {{ wide('overdue_ar_amount') }} / nullif(ending_ar_amount, 0) as decimal(18, 4)) as overdue_share_pct,
    credit_sales_3_months_amount,
    days_in_3_months,
    dso_simple,
    dso_countback,
    best_possible_dso,
    cast(dso_simple - best_possible_dso as decimal(18, 2)) as average_days_delinquent,
    cast(
        100 * {{ wide('beginning_ar_amount + credit_sales_amount - ending_ar_amount') }}
        / nullif(beginning_ar_amount + credit_sales_amount - current_ar_amount, 0)
    as decimal(18, 4)) as cei_pct,
    cast(credit_sales_amount / nullif((beginning_ar_amount + ending_ar_amount) / 2, 0) as decimal(18, 4)) as ar_turnover
from kpis
