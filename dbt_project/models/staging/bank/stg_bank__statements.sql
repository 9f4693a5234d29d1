-- One row per bank statement (statement_id): from the latest loaded file that holds it.
with copies as (
    select
        *,
        row_number() over (partition by statement_id order by _file_id desc, statement_number desc) as copy_rank,
        count(*) over (partition by statement_id) as statement_copies
    from {{ source('raw', 'bank_statements') }}
)

select
    statement_id,
    account as bank_account,
    upper(currency) as currency_code,
    period_start as period_start_date,
    period_end as period_end_date,
    {{ money('opening_balance') }} as opening_balance_amount,
    {{ money('closing_balance') }} as closing_balance_amount,
    line_count,
    format as statement_format,
    statement_copies,
    _file_id,
    _source_file,
    _loaded_at
from copies
where copy_rank = 1
