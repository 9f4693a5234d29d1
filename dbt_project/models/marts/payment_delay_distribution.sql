-- One row per client and bucket of aging_buckets that holds a payment of the client in
-- payment_behavior's 365-day window, (as_of - 365, as_of] by paid_date: how many payments
-- came that many days beyond terms (the aging buckets' bounds: "not due" is paid on time
-- or early) and their amount, reporting currency. The payment behaviour page sums these
-- rows over the clients its filters keep.
select
    payments.as_of_date,
    payments.client_id,
    buckets.bucket_order,
    buckets.min_days,
    buckets.max_days,
    count(*) as payment_count,
    {{ money('sum(payments.installment_reporting_amount)') }} as paid_amount
from {{ ref('fct_installment_payments') }} as payments
inner join {{ ref('aging_buckets') }} as buckets
    on (buckets.min_days is null or payments.days_beyond_terms >= buckets.min_days)
    and (buckets.max_days is null or payments.days_beyond_terms <= buckets.max_days)
where payments.is_payment
    and payments.paid_date > {{ behavior_days_before(365, 'payments.as_of_date') }}
group by payments.as_of_date, payments.client_id, buckets.bucket_order, buckets.min_days, buckets.max_days
