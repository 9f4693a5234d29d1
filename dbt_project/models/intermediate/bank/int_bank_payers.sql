-- One row per incoming bank line: the client that paid it, when one can be told
-- (DECISIONLOG: Cash application, who paid). In order: the payer's account, when every
-- line from that account whose text names documents unambiguously names documents of one
-- single client; the one client whose tax id the text names; the one client whose
-- documents the text names. payer_source says which.
with client_tax_ids as (
    -- Every tax id a client ever had, bare and with its country prefix (ESB12345678);
    -- one shared by two clients names neither.
    select client_id, {{ alphanumeric('tax_id') }} as tax_key
    from {{ ref('int_clients_versioned') }}
    union
    select client_id, upper(country_code) || {{ alphanumeric('tax_id') }}
    from {{ ref('int_clients_versioned') }}
),

unique_tax_ids as (
    select tax_key, min(client_id) as client_id
    from client_tax_ids
    where length(tax_key) >= {{ tax_id_key_length() }}
    group by tax_key
    having count(distinct client_id) = 1
),

-- The one client whose tax id is a word of the line's text.
tax_id_payers as (
    select words.bank_line_id, min(unique_tax_ids.client_id) as client_id
    from (
        select bank_line_id, unnest(tax_id_words) as word
        from {{ ref('int_bank_incoming_lines') }}
    ) as words
    inner join unique_tax_ids
        on unique_tax_ids.tax_key = words.word
    group by words.bank_line_id
    having count(distinct unique_tax_ids.client_id) = 1
),

unambiguous_references as (
    select bank_line_id, min(client_id) as client_id
    from {{ ref('int_bank_reference_candidates') }}
    group by bank_line_id, reference_no, start_position
    having count(distinct document_id) = 1
),

reference_clients as (
    select bank_line_id, min(client_id) as client_id
    from unambiguous_references
    group by bank_line_id
    having count(distinct client_id) = 1
),

lines as (
    select
        lines.bank_line_id,
        lines.payer_account,
        tax_id_payers.client_id as tax_id_client_id,
        reference_clients.client_id as reference_client_id
    from {{ ref('int_bank_incoming_lines') }} as lines
    left join tax_id_payers
        on tax_id_payers.bank_line_id = lines.bank_line_id
    left join reference_clients
        on reference_clients.bank_line_id = lines.bank_line_id
),

-- An account that paid for two clients (a group's treasury, a factor) tells neither.
known_accounts as (
    select payer_account, min(reference_client_id) as client_id
    from lines
    where payer_account is not null and reference_client_id is not null
    group by payer_account
    having count(distinct reference_client_id) = 1
)

select
    lines.bank_line_id,
    lines.payer_account,
    coalesce(known_accounts.client_id, lines.tax_id_client_id, lines.reference_client_id) as payer_client_id,
    case
        when known_accounts.client_id is not null then 'account'
        when lines.tax_id_client_id is not null then 'tax_id'
        when lines.reference_client_id is not null then 'reference'
    end as payer_source
from lines
left join known_accounts
    on known_accounts.payer_account = lines.payer_account
