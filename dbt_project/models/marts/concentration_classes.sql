-- One row per period of concentration_summary and ABC class that has clients in it: how
-- many clients the class holds and its share of the period's net revenue. The share is
-- the class's amount over the period's total, divided once (not a sum of the clients'
-- rounded shares).
select
    clients.period_type,
    clients.period_start,
    clients.period_end,
    clients.abc_class,
    count(*) as client_count,
    min(periods.currency_code) as currency_code,
    {{ money('sum(clients.net_revenue_amount)') }} as net_revenue_amount,
    cast({{ divide_exactly(
        '100 * ' ~ wide('sum(clients.net_revenue_amount)'),
        'min(periods.total_net_revenue_amount)', 4
    ) }} as decimal(9, 4)) as revenue_share_pct
from {{ ref('client_concentration') }} as clients
inner join {{ ref('concentration_summary') }} as periods
    on periods.period_type = clients.period_type
    and periods.period_end = clients.period_end
group by clients.period_type, clients.period_start, clients.period_end, clients.abc_class
