-- Every client's paid_count_365 and paid_count_90 equal the payments of
-- fct_installment_payments in those windows, counted here straight from the fact table.
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

expected as (
    select
        payments.client_id,
        sum(case when {{ dbt.datediff('payments.paid_date', 'as_of.as_of_date', 'day') }} < 365 then 1 else 0 end) as paid_count_365,
        sum(case when {{ dbt.datediff('payments.paid_date', 'as_of.as_of_date', 'day') }} < 90 then 1 else 0 end) as paid_count_90
    from {{ ref('fct_installment_payments') }} as payments
    cross join as_of
    where payments.is_payment
        and payments.paid_date <= as_of.as_of_date
    group by payments.client_id
)

select
    behavior.client_id,
    behavior.paid_count_365,
    expected.paid_count_365 as expected_paid_count_365,
    behavior.paid_count_90,
    expected.paid_count_90 as expected_paid_count_90
from {{ ref('payment_behavior') }} as behavior
left join expected
    on expected.client_id = behavior.client_id
where behavior.paid_count_365 <> coalesce(expected.paid_count_365, 0)
    or behavior.paid_count_90 <> coalesce(expected.paid_count_90, 0)
