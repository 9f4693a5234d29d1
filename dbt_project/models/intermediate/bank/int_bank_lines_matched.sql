{{ config(materialized='view') }}
-- One row per incoming bank line: its payer (int_bank_payers) and the registered receipt
-- it carried, if any (int_bank_receipt_matches), as the cash application and the bank
-- reconciliation read lines. A view: each reader joins what it reads, and nothing is
-- written twice.
select
    lines.bank_line_id,
    lines.bank_account,
    lines.booking_date,
    lines.value_date,
    lines.currency_code,
    lines.line_amount,
    payers.payer_client_id,
    payers.payer_source,
    matches.receipt_id,
    matches.difference_amount,
    matches.match_evidence,
    matches.days_apart
from {{ ref('int_bank_incoming_lines') }} as lines
inner join {{ ref('int_bank_payers') }} as payers
    on payers.bank_line_id = lines.bank_line_id
left join {{ ref('int_bank_receipt_matches') }} as matches
    on matches.bank_line_id = lines.bank_line_id
