-- One row per incoming bank line: the client that paid it, when one can be told
-- (DECISIONLOG: Cash application, who paid). In order: the payer's account, when every
-- line from that account whose text names documents unambiguously names documents of one
-- single client; the one client whose tax id the text names; the one client whose
-- documents the text names. payer_source says which.
with unambiguous_references as (
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
        lines.tax_id_client_id,
        reference_clients.client_id as reference_client_id
    from {{ ref('int_bank_incoming_lines') }} as lines
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
