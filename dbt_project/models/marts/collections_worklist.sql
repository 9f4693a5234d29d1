-- One row per open instalment (positive outstanding, document not in dispute) as of the
-- as-of date: the dunning-ladder step due now, the one before and the next one, with the
-- client's contact. Disputed documents are held out (disputed_items); credit notes and
-- overpaid instalments owe nothing and are not here.
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

open_installments as (
    select *
    from {{ ref('fct_installments') }}
    where outstanding_amount > 0
        and not is_in_dispute
),

ladder as (
    select * from {{ ref('dunning_ladder') }}
),

step_dates as (
    select
        open_installments.installment_key,
        open_installments.issue_date,
        open_installments.due_date,
        ladder.step_order,
        ladder.action_code,
        ladder.anchor,
        ladder.label_es,
        ladder.label_en,
        cast(case
            when ladder.anchor = 'issue' then {{ dbt.dateadd('day', 'ladder.days_from_anchor', 'open_installments.issue_date') }}
            else {{ dbt.dateadd('day', 'ladder.days_from_anchor', 'open_installments.due_date') }}
        end as date) as step_date
    from open_installments
    cross join ladder
),

-- A step on or before the issue date is moot (the invoice itself is the notice), and an
-- issue-anchored step (confirm receipt) only makes sense while the instalment is not due.
applicable_steps as (
    select
        step_dates.*,
        row_number() over (
            partition by installment_key order by step_date, step_order
        ) as step_sequence
    from step_dates
    where step_date > issue_date
        and (anchor = 'due' or step_date < due_date)
),

current_positions as (
    select
        installment_key,
        max(case when step_date <= (select as_of_date from as_of) then step_sequence end) as current_sequence
    from applicable_steps
    group by installment_key
)

select
    open_installments.as_of_date,
    open_installments.installment_key,
    open_installments.document_id,
    open_installments.installment_no,
    open_installments.document_type,
    open_installments.document_number,
    open_installments.client_id,
    clients.client_name,
    clients.salesperson,
    clients.branch,
    clients.email,
    clients.phone,
    open_installments.currency_code,
    open_installments.issue_date,
    open_installments.due_date,
    open_installments.days_past_due,
    open_installments.outstanding_amount,
    open_installments.outstanding_reporting_amount,
    current_step.step_order as action_step_order,
    current_step.action_code,
    current_step.label_es as action_label_es,
    current_step.label_en as action_label_en,
    current_step.step_date as action_due_date,
    {{ dbt.datediff('current_step.step_date', 'open_installments.as_of_date', 'day') }} as days_since_action_due,
    last_step.action_code as last_action_code,
    last_step.step_date as last_action_date,
    next_step.action_code as next_action_code,
    next_step.step_date as next_action_date,
    row_number() over (
        partition by current_step.step_order
        order by open_installments.days_past_due desc, clients.client_name,
            open_installments.document_number, open_installments.installment_no,
            open_installments.installment_key
    ) as step_position
from open_installments
left join current_positions
    on current_positions.installment_key = open_installments.installment_key
left join applicable_steps as current_step
    on current_step.installment_key = open_installments.installment_key
    and current_step.step_sequence = current_positions.current_sequence
left join applicable_steps as last_step
    on last_step.installment_key = open_installments.installment_key
    and last_step.step_sequence = current_positions.current_sequence - 1
left join applicable_steps as next_step
    on next_step.installment_key = open_installments.installment_key
    and next_step.step_sequence = coalesce(current_positions.current_sequence, 0) + 1
left join {{ ref('int_clients_current') }} as clients
    on clients.client_id = open_installments.client_id
-- Stored by step, in the page's order: a page of one step's list (the worklist page shows
-- every step's first page) is then a range of step_position in one or two row groups
-- (at L step 1 holds 178,734 items; sorting them for each page load cost ~0.3 s).
order by action_step_order, step_position
