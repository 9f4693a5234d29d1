{#- cash_application keeps the rows of registered lines by their booking month
    (DECISIONLOG: Cash application by the month). A registered line's rows (rule 1 and its
    unapplied rest) are a function of the line, its payer, the receipt it carried, that
    receipt's allocations and the allocated documents' numbers and clients, and of nothing
    else: not of the open documents rules 2-6 share out, so not of the other lines. The
    lines nobody registered (a few percent) are computed again on every build. -#}

{#- The version of the model's code and of the money casts its rows make. -#}
{% macro cash_application_version() -%}
{{ model_version(rules=money('amount')) }}
{%- endmacro %}

{#- One fingerprint per booking month of the incoming lines booked by the as-of date
    (booking_month_fingerprints, months apart 0): those lines, their payers and the
    receipts they carried, with the model's version. The allocations and documents are
    followed by position (drop_cash_application_read_again): a day's few receipts and
    documents read again reach a few lines, and hashing every allocation's document would
    cost the join the kept rows save. With `months` (a CTE of booking_month) only those
    months, their inputs filtered before any join. -#}
{% macro cash_application_month_fingerprints(months=none) -%}
with month_inputs as (
    select
        {{ month_of('booking_date') }} as input_month,
        {{ fingerprint_of_columns("'lines'", ['bank_line_id', 'bank_account', 'booking_date', 'value_date',
            'currency_code', 'line_amount']) }} as input_fingerprint
    from {{ ref('int_bank_incoming_lines') }}
    where booking_date <= ({{ build_as_of_date() }})
    {%- if months %}
        and {{ month_of('booking_date') }} in (select booking_month from {{ months }})
    {%- endif %}
    group by {{ month_of('booking_date') }}
    union all
    select
        {{ month_of('lines.booking_date') }},
        {{ fingerprint_of_columns("'payers'", ['payers.bank_line_id', 'payers.payer_client_id',
            'payers.payer_source']) }}
    from {{ ref('int_bank_payers') }} as payers
    inner join {{ ref('int_bank_incoming_lines') }} as lines
        on lines.bank_line_id = payers.bank_line_id
    {{ where_in_months('lines.booking_date', months) }}
    group by {{ month_of('lines.booking_date') }}
    union all
    -- The receipt each line carried, by its line's month (the matches' own bookkeeping).
    select
        _booking_month,
        {{ fingerprint_of_columns("'receipts'", ['bank_line_id', 'receipt_id']) }}
    from {{ ref('int_bank_receipt_matches') }}
    {%- if months %}
    where _booking_month in (select booking_month from {{ months }})
    {%- endif %}
    group by _booking_month
)

{%- set every_month = 'select distinct ' ~ month_of('booking_date') ~ ' as booking_month from '
    ~ ref('int_bank_incoming_lines') ~ ' where booking_date <= (' ~ build_as_of_date() ~ ')' %}
{{ booking_month_fingerprints(months_of(months, none) if months else every_month,
    'select * from month_inputs', 0, cash_application_version()) }}
{%- endmacro %}

{#- The first pre-hook: deletes the rows of the lines nobody registered (computed again on
    every build), and every row of the booking months of a registered line whose receipt's
    allocations or whose documents staging read again since the position the table reads
    after (a number or a client may have changed; a day's read reach its last days).
    Every row when the table reads everything (read_after: another version, a withdrawal,
    a table from before the positions). -#}
{% macro drop_cash_application_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(['allocations', 'documents'], rules=money('amount')) %}
delete from {{ this }}
{%- if position is not none %}
where not is_registered
    or _booking_month in (
        select _booking_month from {{ this }}
        where receipt_id in (
                select receipt_id from {{ ref('stg_invoicing__allocations') }} where _read_through_file_id > {{ position }})
            or document_id in (
                select document_id from {{ ref('stg_invoicing__documents') }} where _read_through_file_id > {{ position }})
    )
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

