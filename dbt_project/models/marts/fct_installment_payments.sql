-- One row per instalment of an issued invoice or debit note fully settled by the as-of
-- date: when it was settled, how late, by what kind of money, and whether an early-payment
-- discount was taken. The rows are int_installment_settlements' (kept from day to day),
-- with the build's as-of date.
select
    as_of.as_of_date,
    settlements.installment_key,
    settlements.document_id,
    settlements.installment_no,
    settlements.document_type,
    settlements.document_number,
    settlements.client_id,
    settlements.currency_code,
    settlements.issue_date,
    settlements.due_date,
    settlements.installment_amount,
    settlements.installment_reporting_amount,
    settlements.paid_date,
    settlements.days_to_pay,
    settlements.days_beyond_terms,
    settlements.is_on_time,
    settlements.settled_by,
    settlements.is_payment,
    settlements.early_discount_offered,
    settlements.early_discount_pct,
    settlements.early_discount_days,
    settlements.early_discount_taken,
    settlements.is_in_dispute
from {{ ref('int_installment_settlements') }} as settlements
cross join {{ ref('int_as_of_date') }} as as_of
-- Stored by client: the client file and the payment behaviour page read one client's
-- payments, and DuckDB then reads only the row groups whose min/max of client_id holds it.
order by settlements.client_id
