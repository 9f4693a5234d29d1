-- A receivable document's outstanding = total - paid - withheld - credited, and equals
-- the sum of its instalments' outstanding (fct_documents sums fct_installments).
select document_id, total_amount, paid_amount, withheld_amount, credited_amount, outstanding_amount
from {{ ref('fct_documents') }}
where document_type in ('invoice', 'debit_note')
    and outstanding_amount <> total_amount - paid_amount - withheld_amount - credited_amount
