{#- One row per bank movement, however many statements list it (DECISIONLOG: Bank
    statements). A movement is (account, booking date, value date, amount, currency,
    match reference) plus its occurrence number: the nth line with that tuple in one
    statement copy. The same movement in a daily and a monthly statement is occurrence 1
    in both and is kept once; two identical movements in one statement are occurrences
    1 and 2 and both are kept. The copy from the latest loaded file describes it. -#}
{%- set movement = ['account', 'booking_date', 'value_date', 'amount', 'currency', 'match_reference'] -%}
with lines as (
    select
        *,
        -- The reference identifies a movement; without one, the remittance text does.
        upper(trim(coalesce(nullif(trim(reference), ''), remittance_text, ''))) as match_reference
    from {{ source('raw', 'bank_statement_lines') }}
),

numbered as (
    select
        *,
        row_number() over (
            partition by _file_id, statement_id, {{ movement | join(', ') }}
            order by line_number
        ) as occurrence
    from lines
),

copies as (
    select
        *,
        row_number() over (
            partition by {{ movement | join(', ') }}, occurrence
            order by _file_id desc, statement_id desc, line_number desc
        ) as copy_rank,
        count(*) over (partition by {{ movement | join(', ') }}, occurrence) as statement_copies
    from numbered
)

select
    {{ dbt.hash(dbt.concat([
        "account", "'|'",
        "cast(booking_date as " ~ dbt.type_string() ~ ")", "'|'",
        "cast(value_date as " ~ dbt.type_string() ~ ")", "'|'",
        "cast(amount as " ~ dbt.type_string() ~ ")", "'|'",
        "currency", "'|'",
        "match_reference", "'|'",
        "cast(occurrence as " ~ dbt.type_string() ~ ")",
    ])) }} as bank_line_id,
    account as bank_account,
    booking_date,
    value_date,
    {{ money('amount') }} as line_amount,
    upper(currency) as currency_code,
    counterparty_name,
    counterparty_account,
    remittance_text,
    bank_transaction_code,
    reference as bank_reference,
    match_reference,
    cast(occurrence as integer) as occurrence,
    cast(statement_copies as integer) as statement_copies,
    statement_id,
    line_number as statement_line_number,
    {{ lineage_columns() }}
from copies
where copy_rank = 1
