{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ drop_rows_read_again([('bank_line_id', ref('int_bank_incoming_lines'), '_read_through_file_id')], ['bank_statements'],
        rules=line_reference_key_rules()) }}"
) }}
-- One row per written reference in an incoming line's remittance text and run of 1 to 3
-- consecutive digit groups in it, as a key to look up among the documents' keys
-- (int_bank_reference_candidates; DECISIONLOG: Cash application, rule 2). A written
-- reference is a run of digit groups with the letters before it ("FRA 2025/123"); trying
-- every run finds a number followed by an amount or a date. booking_date is the line's:
-- a line names no document issued later (int_bank_reference_candidates).
--
-- Kept by the file (DECISIONLOG: Models kept by the file): the keys depend on the
-- line's text alone, so a build reads only the lines int_bank_incoming_lines read again
-- since (a new line, a later copy of the statement describing it).
with lines as (
    select bank_line_id, booking_date, remittance_text
    from {{ ref('int_bank_incoming_lines') }} as lines
    where {{ read_again('lines', ['bank_statements'], rules=line_reference_key_rules()) }}
),

written as (
    select
        bank_line_id,
        unnest(found) as written_reference,
        generate_subscripts(found, 1) as reference_no
    from (
        select bank_line_id, regexp_extract_all(remittance_text, '[A-Z]*[ .\-/]*[0-9]+(?:[ .\-/]+[0-9]+)*') as found
        from lines
    ) as texts
),

digit_groups as (
    select
        bank_line_id,
        reference_no,
        written_prefix,
        unnest(digit_groups) as digits,
        generate_subscripts(digit_groups, 1) as position
    from (
        select
            *,
            {{ reference_prefix('written_reference') }} as written_prefix,
            list_transform(regexp_extract_all(written_reference, '[0-9]+'),
                lambda g: coalesce(nullif(ltrim(g, '0'), ''), '0')) as digit_groups
        from written
    ) as parsed
),

runs as (
    select
        *,
        lag(digits) over run_order || '/' || digits as two_groups,
        lag(digits, 2) over run_order || '/' || lag(digits) over run_order || '/' || digits as three_groups
    from digit_groups
    window run_order as (partition by bank_line_id, reference_no order by position)
),

keys as (
    select bank_line_id, reference_no, position as start_position, written_prefix, digits as reference_key from runs
    union all
    select bank_line_id, reference_no, position - 1, written_prefix, two_groups from runs where two_groups is not null
    union all
    select bank_line_id, reference_no, position - 2, written_prefix, three_groups from runs where three_groups is not null
)

select
    keys.*,
    lines.booking_date,
    {{ read_through_file_id() }} as _read_through_file_id,
    {{ model_version(rules=line_reference_key_rules()) }} as _model_version
from keys
inner join lines
    on lines.bank_line_id = keys.bank_line_id
