-- One row per incoming bank movement (amount > 0) of stg_bank__statement_lines, with what
-- tells who paid: the payer's account (the line's counterparty account, else an IBAN
-- written in the remittance text, as Norma 43 carries it) and the one client whose tax id
-- the text names. Debits never pay a receivable and are left out.
with lines as (
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
        ) as payer_account
    from {{ ref('stg_bank__statement_lines') }}
    where line_amount > 0
),

tokens as (
    select
        bank_line_id,
        regexp_replace(unnest(regexp_extract_all(remittance_text, '[A-Z0-9]+(?:[.\-][A-Z0-9]+)*')), '[.\-]', '', 'g') as token
    from lines
),

-- Every tax id a client ever had, bare and with its country prefix (ESB12345678);
-- one shared by two clients names neither.
client_tax_ids as (
    select client_id, {{ alphanumeric('tax_id') }} as tax_key
    from {{ ref('int_clients_versioned') }}
    union
    select client_id, upper(country_code) || {{ alphanumeric('tax_id') }}
    from {{ ref('int_clients_versioned') }}
),

unique_tax_ids as (
    select tax_key, min(client_id) as client_id
    from client_tax_ids
    where length(tax_key) >= 8
    group by tax_key
    having count(distinct client_id) = 1
),

tax_id_payers as (
    select tokens.bank_line_id, min(unique_tax_ids.client_id) as client_id
    from tokens
    inner join unique_tax_ids
        on unique_tax_ids.tax_key = tokens.token
    group by tokens.bank_line_id
    having count(distinct unique_tax_ids.client_id) = 1
)

select
    lines.*,
    tax_id_payers.client_id as tax_id_client_id
from lines
left join tax_id_payers
    on tax_id_payers.bank_line_id = lines.bank_line_id
