-- One row per current client that is "al día con crédito disponible" as of the as-of
-- date: no instalment past due with money owed on it, and credit left under its limit.
-- With its last 12 months' revenue and last sale: the sales team's reactivation list.
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

overdue_clients as (
    select distinct client_id
    from {{ ref('fct_installments') }}
    where outstanding_amount > 0
        and days_past_due > 0
),

-- Revenue is client_concentration's trailing 12 months, so both lists show one figure.
revenue as (
    select concentration.client_id, concentration.net_revenue_amount
    from {{ ref('client_concentration') }} as concentration
    where concentration.period_type = 'trailing_12_months'
        and concentration.period_end = (select as_of_date from as_of)
),

last_sales as (
    select client_id, max(issue_date) as last_sale_date
    from {{ ref('int_documents_signed') }}
    where document_type <> 'credit_note'
        and issue_date <= (select as_of_date from as_of)
    group by client_id
)

select
    positions.as_of_date,
    clients.client_id,
    clients.client_name,
    clients.segment,
    clients.salesperson,
    clients.branch,
    clients.email,
    clients.phone,
    clients.payment_terms_days,
    positions.credit_limit_amount,
    positions.credit_limit_currency_code,
    positions.credit_limit_reporting_amount,
    positions.measured_exposure_amount as exposure_amount,
    positions.available_credit_amount,
    {{ money('coalesce(revenue.net_revenue_amount, 0)') }} as revenue_12m_amount,
    last_sales.last_sale_date,
    {{ dbt.datediff('last_sales.last_sale_date', 'positions.as_of_date', 'day') }} as days_since_last_sale
from {{ ref('int_clients_current') }} as clients
inner join {{ ref('int_client_credit_positions') }} as positions
    on positions.client_id = clients.client_id
left join revenue
    on revenue.client_id = clients.client_id
left join last_sales
    on last_sales.client_id = clients.client_id
where clients.client_id not in (select client_id from overdue_clients)
    and positions.available_credit_amount > 0
