-- The backtest re-derives "the client's typical days beyond terms" at past dates (macro
-- days_beyond_terms_known_at); at the as-of date it must be payment_behavior's
-- weighted_days_beyond_terms_365, the figure the forecast itself uses, or the backtest
-- would measure another rule.
with rederived as (
    {{ days_beyond_terms_known_at('select client_id, as_of_date as known_at_date from ' ~ ref('payment_behavior')) }}
)

select behavior.client_id, behavior.weighted_days_beyond_terms_365, rederived.client_days_beyond_terms
from {{ ref('payment_behavior') }} as behavior
inner join rederived
    on rederived.client_id = behavior.client_id
where coalesce(behavior.weighted_days_beyond_terms_365, -99999) <> coalesce(rederived.client_days_beyond_terms, -99999)
