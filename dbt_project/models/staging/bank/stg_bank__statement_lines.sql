{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ drop_bank_movements_read_again() }}"
) }}
{#- One row per bank movement, however many statements list it (DECISIONLOG: Bank
    statements). A movement is (account, booking date, value date, amount, currency,
    match reference) plus its occurrence number: the nth line with that tuple in one
    statement copy. The same movement in a daily and a monthly statement is occurrence 1
    in both and is kept once; two identical movements in one statement are occurrences
    1 and 2 and both are kept. The copy from the latest loaded file describes it.

    Kept by the file (DECISIONLOG: Models kept by the file): a movement's rows depend
    on the raw lines of its tuple alone. A build first deletes the rows of every tuple
    that a file registered since they were read lists again (a later copy, another
    occurrence), or all of them after a bank file's withdrawal or a change of this code
    (the pre-hook); it then reads those tuples again from every line that lists them. -#}
{%- set movement = ['account', 'booking_date', 'value_date', 'amount', 'currency', 'match_reference'] -%}
with raw_lines as (
    select
        *,
        -- The reference identifies a movement; without one, the remittance text does.
        {{ bank_match_reference('reference', 'remittance_text') }} as match_reference
    from {{ source('raw', 'bank_statement_lines') }}
),

lines as (
    select *
    from raw_lines
    {%- set position = read_after(['bank_statements'], rules=bank_movement_rules()) %}
    {%- if position is not none %}
    where ({{ bank_movement_tuple('raw_lines') | join(', ') }}) in ({{ bank_movements_after(position) }})
    {%- endif %}
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
    {{ lineage_columns() }},
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=bank_movement_rules()) }} as _model_version
from copies
where copy_rank = 1
