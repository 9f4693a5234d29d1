-- fct_installment_payments holds exactly the instalments fct_installments shows settled
-- at the as-of date (nothing outstanding), and nothing paid after it.
with settled as (
    select document_id, installment_no
    from {{ ref('fct_installments') }}
    where item_type = 'installment'
        and installment_amount > 0
        and outstanding_amount <= 0
),

payments as (
    select document_id, installment_no, paid_date, as_of_date
    from {{ ref('fct_installment_payments') }}
)

select
    coalesce(settled.document_id, payments.document_id) as document_id,
    coalesce(settled.installment_no, payments.installment_no) as installment_no,
    settled.document_id is not null as is_settled,
    payments.paid_date
from settled
full outer join payments
    on payments.document_id = settled.document_id
    and payments.installment_no = settled.installment_no
where settled.document_id is null
    or payments.document_id is null
    or payments.paid_date > payments.as_of_date
