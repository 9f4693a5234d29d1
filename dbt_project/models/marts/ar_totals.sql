-- One row per date (every month end of ar_aging_monthly and the build's as-of date) and
-- dimension (the company, and each current branch, salesperson, segment, client currency
-- and grade, as the dashboards' filters choose clients): the overview's four cards — open
-- balance, overdue, overdue share, unapplied cash — with dispute and client count, and
-- their change against the previous month end's row of the same dimension; and the sums
-- of the aging buckets (the overview's aging history reads them instead of every client).
{%- set buckets = aging_buckets() %}
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

dates as (
    select as_of_date from {{ ref('int_month_ends') }}
    union
    select as_of_date from as_of
),

-- ar_aging_monthly holds the month ends; ar_aging the as-of date (when it is not one).
dated_clients as (
    select as_of_date, client_id, currency_code, open_balance_amount, overdue_amount,
           in_dispute_amount, unapplied_cash_amount
           {%- for bucket in buckets %}, {{ bucket.column }}{% endfor %}
    from {{ ref('ar_aging_monthly') }}
    union all
    select aging.as_of_date, aging.client_id, aging.currency_code, aging.open_balance_amount,
           aging.overdue_amount, aging.in_dispute_amount, aging.unapplied_cash_amount
           {%- for bucket in buckets %}, aging.{{ bucket.column }}{% endfor %}
    from {{ ref('ar_aging') }} as aging
    where aging.as_of_date not in (select as_of_date from {{ ref('int_month_ends') }})
),

current_clients as (
    select clients.client_id, clients.branch, clients.salesperson, clients.segment,
           clients.currency_code, behavior.grade
    from {{ ref('dim_clients') }} as clients
    left join {{ ref('payment_behavior') }} as behavior
        on behavior.client_id = clients.client_id
    where clients.is_current
),

{%- set dimensions = filter_dimensions() %}

-- A client without a value in a dimension is in no row of it (no filter chooses it).
dimension_values as (
    {%- for dimension_type, column in dimensions %}
    select distinct '{{ dimension_type }}' as dimension_type, {{ column }} as dimension_value
    from current_clients
    where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

grid as (
    select dates.as_of_date, dimension_values.dimension_type, dimension_values.dimension_value
    from dates
    cross join dimension_values
),

-- The sums by date and combination of the clients' dimensions first (a few thousand rows
-- a date), then by each dimension from those: joined to every dimension of its client,
-- each client's row was summed six times (30 M rows at 100,000 clients x 5 years).
combination_sums as (
    select
        dated_clients.as_of_date,
        current_clients.branch,
        current_clients.salesperson,
        current_clients.segment,
        current_clients.currency_code,
        current_clients.grade,
        count(*) as client_count,
        sum(dated_clients.open_balance_amount) as open_balance_amount,
        sum(dated_clients.overdue_amount) as overdue_amount,
        sum(dated_clients.in_dispute_amount) as in_dispute_amount,
        sum(dated_clients.unapplied_cash_amount) as unapplied_cash_amount
        {%- for bucket in buckets %},
        sum(dated_clients.{{ bucket.column }}) as {{ bucket.column }}
        {%- endfor %}
    from dated_clients
    inner join current_clients
        on current_clients.client_id = dated_clients.client_id
    group by dated_clients.as_of_date, current_clients.branch, current_clients.salesperson,
        current_clients.segment, current_clients.currency_code, current_clients.grade
),

sums as (
    select
        as_of_date,
        dimension_type,
        dimension_value,
        cast(sum(client_count) as {{ dbt.type_bigint() }}) as client_count,
        sum(open_balance_amount) as open_balance_amount,
        sum(overdue_amount) as overdue_amount,
        sum(in_dispute_amount) as in_dispute_amount,
        sum(unapplied_cash_amount) as unapplied_cash_amount
        {%- for bucket in buckets %},
        sum({{ bucket.column }}) as {{ bucket.column }}
        {%- endfor %}
    from (
        {%- for dimension_type, column in dimensions %}
        select *, '{{ dimension_type }}' as dimension_type, {{ column }} as dimension_value
        from combination_sums
        where {{ column }} is not null
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as dimension_sums
    group by as_of_date, dimension_type, dimension_value
),

totals as (
    select
        grid.as_of_date,
        cast({{ dbt.dateadd('day', -1, dbt.date_trunc('month', 'grid.as_of_date')) }} as date) as previous_month_end,
        grid.dimension_type,
        grid.dimension_value,
        '{{ var("reporting_currency") }}' as currency_code,
        coalesce(sums.client_count, 0) as client_count,
        {{ money('coalesce(sums.open_balance_amount, 0)') }} as open_balance_amount,
        {{ money('coalesce(sums.overdue_amount, 0)') }} as overdue_amount,
        cast(coalesce({{ divide_exactly('sums.overdue_amount', 'sums.open_balance_amount', 6) }}, 0)
            as decimal(18, 6)) as overdue_share,
        {{ money('coalesce(sums.in_dispute_amount, 0)') }} as in_dispute_amount,
        {{ money('coalesce(sums.unapplied_cash_amount, 0)') }} as unapplied_cash_amount
        {%- for bucket in buckets %},
        {{ money('coalesce(sums.' ~ bucket.column ~ ', 0)') }} as {{ bucket.column }}
        {%- endfor %}
    from grid
    left join sums
        on sums.as_of_date = grid.as_of_date
        and sums.dimension_type = grid.dimension_type
        and sums.dimension_value = grid.dimension_value
)

select
    totals.*,
    coalesce(previous.client_count, 0) as previous_client_count,
    {{ money('totals.open_balance_amount - previous.open_balance_amount') }} as open_balance_change,
    {{ money('totals.overdue_amount - previous.overdue_amount') }} as overdue_change,
    cast(totals.overdue_share - previous.overdue_share as decimal(18, 6)) as overdue_share_change,
    {{ money('totals.unapplied_cash_amount - previous.unapplied_cash_amount') }} as unapplied_cash_change
from totals
left join totals as previous
    on previous.as_of_date = totals.previous_month_end
    and previous.dimension_type = totals.dimension_type
    and previous.dimension_value = totals.dimension_value
