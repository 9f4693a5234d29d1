-- One row per incoming bank line: the client that paid it, when one can be told
-- (DECISIONLOG: Cash application, who paid). In order: the payer's account, when every
-- line from that account whose text names documents unambiguously names documents of one
-- single client; the one client whose tax id the text names; the one client whose
-- documents the text names (int_bank_payer_evidence). payer_source says which.
with lines as (
    select bank_line_id, payer_account, tax_id_client_id, reference_client_id
    from {{ ref('int_bank_payer_evidence') }}
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
