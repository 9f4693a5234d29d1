-- One row per bank account: its statements' first opening and last closing balance
-- against the movements between them, and where its incoming money went by the as-of
-- date (DECISIONLOG: Bank reconciliation).
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

statements as (
    select
        *,
        row_number() over (partition by bank_account order by period_start_date, period_end_date desc, statement_id) as first_rank,
        row_number() over (partition by bank_account order by period_end_date desc, period_start_date, statement_id) as last_rank
    from {{ ref('stg_bank__statements') }}
),

accounts as (
    select
        bank_account,
        min(currency_code) as currency_code,
        count(*) as statement_count,
        min(period_start_date) as first_statement_date,
        max(period_end_date) as last_statement_date,
        max(case when first_rank = 1 then opening_balance_amount end) as opening_balance_amount,
        max(case when last_rank = 1 then closing_balance_amount end) as closing_balance_amount
    from statements
    group by bank_account
),

movements as (
    select
        bank_account,
        sum(line_amount) as lines_amount,
        sum(case when line_amount > 0 and booking_date <= (select as_of_date from as_of) then line_amount else 0 end) as incoming_amount
    from {{ ref('stg_bank__statement_lines') }}
    group by bank_account
),

applications as (
    select
        bank_account,
        sum(case when is_registered then applied_amount else 0 end) as registered_applied_amount,
        sum(case when not is_registered then applied_amount else 0 end) as suggested_amount,
        sum(unapplied_amount) as unapplied_amount
    from {{ ref('cash_application') }}
    group by bank_account
)

select
    accounts.bank_account,
    accounts.currency_code,
    accounts.statement_count,
    accounts.first_statement_date,
    accounts.last_statement_date,
    accounts.opening_balance_amount,
    {{ money('coalesce(movements.lines_amount, 0)') }} as lines_amount,
    accounts.closing_balance_amount,
    {{ money('accounts.closing_balance_amount - accounts.opening_balance_amount - coalesce(movements.lines_amount, 0)') }} as balance_difference_amount,
    {{ money('coalesce(movements.incoming_amount, 0)') }} as incoming_amount,
    {{ money('coalesce(applications.registered_applied_amount, 0)') }} as registered_applied_amount,
    {{ money('coalesce(applications.suggested_amount, 0)') }} as suggested_amount,
    {{ money('coalesce(applications.unapplied_amount, 0)') }} as unapplied_amount,
    (select as_of_date from as_of) as as_of_date
from accounts
left join movements
    on movements.bank_account = accounts.bank_account
left join applications
    on applications.bank_account = accounts.bank_account
