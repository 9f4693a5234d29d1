{#- int_bank_receipt_matches is kept by month (DECISIONLOG: Bank matches by the month). A
    pair is within var bank_match_window_days (w) of its line's booking date, and whether
    two rounds of mutual first choices pair a line depends on no line booked more than 4w
    days and no receipt dated more than 3w days from it. So the matches of the lines
    booked in a month are a function of the inputs of the months within
    bank_match_months_apart() of it, and nothing else. -#}

{#- How many months on either side of a month hold what its lines' matches depend on: 4w
    days fit in that many of the shortest months. -#}
{% macro bank_match_months_apart() -%}
{{ return(((4 * var('bank_match_window_days') | int) / 28) | round(0, 'ceil') | int) }}
{%- endmacro %}

{#- The incoming lines as the matching reads them: with their payer; with `months` (a CTE
    of input_month) those booked in them only, filtered before the payers are joined (after
    the join, DuckDB joined all of L's 6.3 M lines first). -#}
{% macro matched_lines(months=none) -%}
select
    lines.bank_line_id,
    lines.booking_date,
    lines.value_date,
    lines.line_amount,
    lines.currency_code,
    payers.payer_client_id
from {{ ref('int_bank_incoming_lines') }} as lines
inner join {{ ref('int_bank_payers') }} as payers
    on payers.bank_line_id = lines.bank_line_id
{{ where_in_months('lines.booking_date', months, 'input_month') }}
{%- endmacro %}

{#- The (line, receipt) pairs whose line's text names a document the receipt was allocated
    to; with `once=false` a pair as many times as the line names documents the receipt
    paid (enough for a fingerprint: that multiset moves whenever the set does, and its
    distinct cost 8.7 s of CPU at L's 10.5 M pairs). With `lines` (a query of bank_line_id)
    the pairs of those lines only, chosen before the join and the distinct (after them,
    every pair of L's was found and deduplicated, then most dropped). -#}
{% macro named_receipts(once=true, lines=none) -%}
select {{ 'distinct ' if once }}line_references.bank_line_id, allocations.receipt_id
from {{ ref('int_bank_line_references') }} as line_references
inner join {{ ref('stg_invoicing__allocations') }} as allocations
    on allocations.document_id = line_references.document_id
{%- if lines is not none %}
where line_references.bank_line_id in ({{ lines }})
{%- endif %}
{%- endmacro %}

{#- The incoming lines booked in the months of `months` (a CTE of input_month), as a query
    of bank_line_id; none (every line) without `months`. -#}
{% macro lines_of_months(months) -%}
{%- if months is none -%}
{{ return(none) }}
{%- endif -%}
select bank_line_id from {{ ref('int_bank_incoming_lines') }} {{ where_in_months('booking_date', months, 'input_month') }}
{%- endmacro %}

{#- The model's version: its code and the rules its pairs are found with. -#}
{% macro bank_match_version() -%}
{{ model_version(rules=var('bank_match_window_days') ~ is_bank_receipt_method('payment_method')) }}
{%- endmacro %}

{#- One fingerprint per month holding incoming lines (booking_month_fingerprints): the
    lines with their payers, the receipts and the named pairs of the months within
    bank_match_months_apart() of it, with the model's version. A line and a named pair
    are hashed in their booking month, a receipt in its date's month. With `months` (a
    CTE of booking_month) only those months, hashing only the inputs of the months beside
    them (`read_months`, a CTE of months_beside). Each input is read where it is hashed,
    not through a shared CTE: DuckDB materialises one read twice whole (DECISIONLOG: Bank
    matches by the month). -#}
{% macro bank_match_month_fingerprints(months=none, read_months=none) -%}
with month_inputs as (
    select
        {{ month_of('booking_date') }} as input_month,
        {{ fingerprint_of_columns("'lines'", ['bank_line_id', 'booking_date', 'value_date', 'line_amount',
            'currency_code', 'payer_client_id']) }} as input_fingerprint
    from ({{ matched_lines(read_months) }}) as lines
    group by {{ month_of('booking_date') }}
    union all
    select
        {{ month_of('receipt_date') }},
        {{ fingerprint_of_columns("'receipts'", ['receipt_id', 'client_id', 'receipt_date', 'currency_code',
            'receipt_amount', 'payment_method']) }}
    from {{ ref('stg_invoicing__receipts') }}
    {{ where_in_months('receipt_date', read_months, 'input_month') }}
    group by {{ month_of('receipt_date') }}
    union all
    select
        {{ month_of('lines.booking_date') }},
        {{ fingerprint_of_columns("'named'", ['named.bank_line_id', 'named.receipt_id']) }}
    from ({{ named_receipts(once=false, lines=lines_of_months(read_months)) }}) as named
    inner join {{ ref('int_bank_incoming_lines') }} as lines
        on lines.bank_line_id = named.bank_line_id
    group by {{ month_of('lines.booking_date') }}
)

{{ booking_month_fingerprints(months_of(months, ref('int_bank_incoming_lines')),
    'select * from month_inputs', bank_match_months_apart(), bank_match_version()) }}
{%- endmacro %}

{#- The pre-hook: deletes the matches of every booking month fingerprinted otherwise (an
    input within its reach changed, or the code) or that holds no line any more. -#}
{% macro drop_changed_match_months() -%}
{{ drop_changed_booking_months(bank_match_month_fingerprints()) }}
{%- endmacro %}

{#- The condition on a kept table's rows (receipt_id, bank_line_id: the match a row read)
    whose match may stand otherwise now: the receipts and lines int_bank_receipt_matches
    paired since the table's last build (their months were computed again: for a new
    file, or with none when code upstream changed, the position then stays:
    computed_since_last_build) and the lines it pairs with no receipt any more (a row with
    no line is not among them: `not in` an empty table holds for a null too, and every
    receipt of a business with no bank file was computed on every build). -#}
{% macro matched_again() -%}
{%- set matches = ref('int_bank_receipt_matches') -%}
receipt_id in ({{ computed_since_last_build(matches, 'receipt_id') }})
    or bank_line_id in ({{ computed_since_last_build(matches, 'bank_line_id') }})
    or (bank_line_id is not null and bank_line_id not in (select bank_line_id from {{ matches }}))
{%- endmacro %}

{#- int_bank_line_references is kept by the booking month too: a line's references are a
    function of its reference candidates and its payer alone (months apart 0). -#}

{#- The reference candidates (they carry their line's booking date); with `months` (a CTE
    of booking_month) those of the lines booked in them only. -#}
{% macro candidates_of_months(months=none) -%}
select *
from {{ ref('int_bank_reference_candidates') }}
{{ where_in_months('booking_date', months) }}
{%- endmacro %}

{#- One fingerprint per booking month of lines with reference candidates
    (booking_month_fingerprints): their candidates and the payers of the month's lines
    (all of them: a payer moving on a line without candidates computes the month again,
    needlessly, never wrongly), with the model's version; with `months` those months only. -#}
{% macro line_reference_month_fingerprints(months=none) -%}
with month_inputs as (
    select
        {{ month_of('booking_date') }} as input_month,
        {{ fingerprint_of_columns("'candidates'", ['bank_line_id', 'reference_no', 'start_position', 'document_id',
            'client_id', 'prefix_matches', 'matched_via']) }} as input_fingerprint
    from ({{ candidates_of_months(months) }}) as candidates
    group by {{ month_of('booking_date') }}
    union all
    select
        {{ month_of('lines.booking_date') }},
        {{ fingerprint_of_columns("'payers'", ['payers.bank_line_id', 'payers.payer_client_id']) }}
    from {{ ref('int_bank_payers') }} as payers
    inner join {{ ref('int_bank_incoming_lines') }} as lines
        on lines.bank_line_id = payers.bank_line_id
    {{ where_in_months('lines.booking_date', months) }}
    group by {{ month_of('lines.booking_date') }}
)

{{ booking_month_fingerprints(months_of(months, ref('int_bank_reference_candidates')),
    'select * from month_inputs', 0, model_version()) }}
{%- endmacro %}

{#- int_bank_payer_evidence is kept by the booking month too: what a line's text tells of
    who paid (a client's tax id among its words, a client's documents named) is a
    function of its words and its reference candidates, and of the clients' tax ids. -#}

{#- Every tax id a client ever had, bare and with its country prefix (ESB12345678), that
    names one client alone (one shared by two clients names neither): tax_key, client_id. -#}
{% macro unique_client_tax_ids() -%}
select tax_key, min(client_id) as client_id
from (
    select client_id, {{ alphanumeric('tax_id') }} as tax_key
    from {{ ref('int_clients_versioned') }}
    union
    select client_id, upper(country_code) || {{ alphanumeric('tax_id') }}
    from {{ ref('int_clients_versioned') }}
) as client_tax_ids
where length(tax_key) >= {{ tax_id_key_length() }}
group by tax_key
having count(distinct client_id) = 1
{%- endmacro %}

{#- One fingerprint per booking month (booking_month_fingerprints): its lines' accounts and
    words and their reference candidates, with the model's version and the clients' tax
    ids (every month reads them all); with `months` those months only. -#}
{% macro payer_evidence_month_fingerprints(months=none) -%}
with month_inputs as (
    select
        {{ month_of('booking_date') }} as input_month,
        {{ fingerprint_of_columns("'lines'", ['bank_line_id', 'payer_account', 'tax_id_words']) }} as input_fingerprint
    from {{ ref('int_bank_incoming_lines') }}
    {{ where_in_months('booking_date', months) }}
    group by {{ month_of('booking_date') }}
    union all
    select
        {{ month_of('booking_date') }},
        {{ fingerprint_of_columns("'candidates'", ['bank_line_id', 'reference_no', 'start_position', 'document_id',
            'client_id']) }}
    from ({{ candidates_of_months(months) }}) as candidates
    group by {{ month_of('booking_date') }}
)

{{ booking_month_fingerprints(months_of(months, ref('int_bank_incoming_lines')),
    'select * from month_inputs', 0,
    dbt.concat([model_version(), "(select " ~ fingerprint_of_columns("''", ['tax_key', 'client_id']) ~ " from (" ~ unique_client_tax_ids() ~ ") as tax_ids)"])) }}
{%- endmacro %}
