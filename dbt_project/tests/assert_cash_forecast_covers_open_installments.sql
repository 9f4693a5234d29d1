-- Every open instalment is forecast once, whole: per client, expected + doubtful amounts
-- of cash_forecast = the positive outstanding of its instalments in fct_installments
-- (reporting currency), and doubtful items carry no expected amount.
with forecast as (
    select client_id, sum(expected_amount + doubtful_amount) as forecast_amount
    from {{ ref('cash_forecast') }}
    group by client_id
),

open_installments as (
    select client_id, sum(outstanding_reporting_amount) as open_amount
    from {{ ref('fct_installments') }}
    where item_type = 'installment' and outstanding_amount > 0
    group by client_id
),

mismatches as (
    select
        coalesce(forecast.client_id, open_installments.client_id) as client_id,
        forecast.forecast_amount,
        open_installments.open_amount
    from forecast
    full outer join open_installments
        on open_installments.client_id = forecast.client_id
    where coalesce(forecast.forecast_amount, 0) <> coalesce(open_installments.open_amount, 0)
)

select client_id, forecast_amount, open_amount from mismatches
union all
select client_id, expected_amount, doubtful_amount
from {{ ref('cash_forecast') }}
where (is_doubtful and expected_amount <> 0) or (not is_doubtful and doubtful_amount <> 0)
