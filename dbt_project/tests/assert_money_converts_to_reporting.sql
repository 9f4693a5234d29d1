-- Every open item has a rate to the reporting currency: a missing FX rate is an error,
-- not a silent zero.
select document_id, installment_no, currency_code, issue_date
from {{ ref('fct_installments') }}
where installment_reporting_amount is null or outstanding_reporting_amount is null
