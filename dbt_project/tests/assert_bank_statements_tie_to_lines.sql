-- Every statement copy in raw: opening balance + Σ its lines = closing balance, and it has
-- the lines it says it has. The readers reject a file that fails this; the warehouse
-- checks again that what was loaded still ties. Formats without both balances (OFX,
-- camt.054) are checked on the line count only.
with line_totals as (
    select
        _file_id,
        statement_id,
        sum(amount) as movements_amount,
        count(*) as loaded_lines
    from {{ source('raw', 'bank_statement_lines') }}
    group by _file_id, statement_id
)

select
    statements._source_file,
    statements.statement_id,
    statements.opening_balance,
    coalesce(line_totals.movements_amount, 0) as movements_amount,
    statements.closing_balance,
    statements.line_count,
    coalesce(line_totals.loaded_lines, 0) as loaded_lines
from {{ source('raw', 'bank_statements') }} as statements
left join line_totals
    on line_totals._file_id = statements._file_id
    and line_totals.statement_id = statements.statement_id
where (
        statements.opening_balance is not null
        and statements.closing_balance is not null
        and statements.opening_balance + coalesce(line_totals.movements_amount, 0) <> statements.closing_balance
    )
    or statements.line_count <> coalesce(line_totals.loaded_lines, 0)
