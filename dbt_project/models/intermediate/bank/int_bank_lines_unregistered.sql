-- One row per incoming bank line that no registered receipt explains
-- (int_bank_receipt_matches), with its payer (int_bank_payers): the lines the cash
-- application suggests documents for (rules 2-6) and the bank reconciliation lists as
-- in_bank_not_registered. A table, so both read it once: through int_bank_lines_matched
-- DuckDB joined all of L's 6.3 M lines to their payers before it left the 38 k without a
-- receipt (6.2-7.2 s of a day's cash application against 3.0-3.5 s).
with lines as (
    select bank_line_id, bank_account, booking_date, value_date, currency_code, line_amount
    from {{ ref('int_bank_incoming_lines') }}
    where bank_line_id not in (select bank_line_id from {{ ref('int_bank_receipt_matches') }})
)

select
    lines.bank_line_id,
    lines.bank_account,
    lines.booking_date,
    lines.value_date,
    lines.currency_code,
    lines.line_amount,
    payers.payer_client_id,
    payers.payer_source
from lines
inner join {{ ref('int_bank_payers') }} as payers
    on payers.bank_line_id = lines.bank_line_id
