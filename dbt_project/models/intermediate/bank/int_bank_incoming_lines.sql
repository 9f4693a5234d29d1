{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_rows_read_again([('bank_line_id', ref('stg_bank__statement_lines'), '_read_through_file_id')], ['bank_statements'],
        rules=incoming_line_rules()) }}"
) }}
-- One row per incoming bank movement (amount > 0) of stg_bank__statement_lines, with what
-- tells who paid: the payer's account (the line's counterparty account, else an IBAN
-- written in the remittance text, as Norma 43 carries it) and the words of the text that
-- could be a tax id (int_bank_payer_evidence looks them up among the clients'). Debits never pay
-- a receivable and are left out.
--
-- Kept by the file (DECISIONLOG: Models kept by the file): a row depends on its
-- statement line alone, so a build reads only the lines staging read again since.
select
    bank_line_id,
    bank_account,
    booking_date,
    value_date,
    line_amount,
    currency_code,
    nullif(trim(counterparty_name), '') as counterparty_name,
    upper(coalesce(remittance_text, '')) as remittance_text,
    bank_transaction_code,
    coalesce(
        {{ alphanumeric('counterparty_account') }},
        nullif(regexp_extract(upper(coalesce(remittance_text, '')), '\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b', 0), '')
    ) as payer_account,
    {{ tax_id_words('upper(coalesce(remittance_text, \'\'))') }} as tax_id_words,
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=incoming_line_rules()) }} as _model_version
from {{ ref('stg_bank__statement_lines') }} as lines
where line_amount > 0
    and {{ read_again('lines', ['bank_statements'], rules=incoming_line_rules()) }}
