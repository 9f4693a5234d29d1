{#- How document numbers are compared with what payers write (DECISIONLOG: Cash
    application). A number is reduced to its digit groups without leading zeros:
    F-2025-000123, "F 2025 123", "FRA 2025/123" and "f-2025-123" all become 2025/123;
    the compact form (all digits, leading zeros stripped: 2025000123) also matches
    F2025000123. Letters never take part in the key; they only break ties. -#}

{#- The groups key of a reference: its digit groups without leading zeros, joined by '/'. -#}
{% macro reference_groups_key(expression) -%}
    array_to_string(list_transform(regexp_extract_all(upper({{ expression }}), '[0-9]+'),
        lambda g: coalesce(nullif(ltrim(g, '0'), ''), '0')), '/')
{%- endmacro %}

{#- The compact key of a reference: all its digits in one run, leading zeros stripped. -#}
{% macro reference_compact_key(expression) -%}
    coalesce(nullif(ltrim(array_to_string(regexp_extract_all({{ expression }}, '[0-9]+'), ''), '0'), ''), '0')
{%- endmacro %}

{#- The letters a reference starts with (F for F-2025-000123), upper-cased. -#}
{% macro reference_prefix(expression) -%}
    regexp_extract(upper({{ expression }}), '^[^0-9]*', 0).regexp_replace('[^A-Z]', '', 'g')
{%- endmacro %}

{#- Digits in a key: a key with fewer than var reference_min_digits is too common
    (a day, a quantity) to name a document. -#}
{% macro reference_key_digits(key) -%}
    length(replace({{ key }}, '/', ''))
{%- endmacro %}

{#- An account or tax id as compared: upper-case letters and digits only. -#}
{% macro alphanumeric(expression) -%}
    nullif(regexp_replace(upper(coalesce({{ expression }}, '')), '[^A-Z0-9]', '', 'g'), '')
{%- endmacro %}

{#- Rows of `base` (lines or documents) with what the rules before have not yet used:
    remaining_amount = amount_column - Σ applied_amount of `applied` (CTE names) by key. -#}
{% macro remaining_after(base, key, amount_column, applied) -%}
select
    base.*,
    base.{{ amount_column }} - coalesce(used.applied_amount, 0) as remaining_amount
from {{ base }} as base
left join (
    select {{ key }}, sum(applied_amount) as applied_amount
    from (
        {%- for relation in applied %}
        select {{ key }}, applied_amount from {{ relation }}
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as applied_rows
    where {{ key }} is not null
    group by {{ key }}
) as used
    on used.{{ key }} = base.{{ key }}
{%- endmacro %}

{#- Pairs of `candidates` that chose each other: the line's first document and the
    document's first line (earliest booking, then id), so nothing is applied twice. -#}
{% macro chosen_by_both(candidates, line_order) -%}
select *
from (
    select
        *,
        row_number() over (partition by bank_line_id order by {{ line_order }}, document_id) as line_choice,
        row_number() over (partition by document_id order by booking_date, bank_line_id) as document_choice,
        count(*) over (partition by bank_line_id) as line_candidates
    from {{ candidates }}
) as ranked
where line_choice = 1 and document_choice = 1
{%- endmacro %}

{#- True for receipts whose method reaches the bank as one line each (var bank_receipt_methods). -#}
{% macro is_bank_receipt_method(column) -%}
    {{ column }} in ({% for method in var('bank_receipt_methods') %}'{{ method }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The words of a (upper-cased) text that could be a tax id, bare or with its country
    prefix: runs of letters and digits, dots and dashes inside them dropped (B-1234.5678
    reads B12345678), of at least the 8 characters a tax id key has (int_bank_payer_evidence). -#}
{% macro tax_id_words(text) -%}
list_filter(
    list_transform(regexp_extract_all({{ text }}, '[A-Z0-9]+(?:[.\-][A-Z0-9]+)*'), lambda word: regexp_replace(word, '[.\-]', '', 'g')),
    lambda word: length(word) >= {{ tax_id_key_length() }}
)
{%- endmacro %}

{#- The fewest characters of a tax id key: a shorter one is too common to name a client. -#}
{% macro tax_id_key_length() -%}8{%- endmacro %}

{#- What int_bank_incoming_lines' rows depend on besides its code: the account and tax id
    word rules. -#}
{% macro incoming_line_rules() -%}
{{ return(alphanumeric('text') ~ tax_id_words('text')) }}
{%- endmacro %}

{#- What int_bank_line_reference_keys' rows depend on besides its code: the prefix rule. -#}
{% macro line_reference_key_rules() -%}
{{ return(reference_prefix('text')) }}
{%- endmacro %}

{#- What int_document_reference_keys' rows depend on besides its code: the key rules. -#}
{% macro document_reference_key_rules() -%}
{{ return(reference_prefix('number') ~ reference_groups_key('number') ~ reference_compact_key('number')) }}
{%- endmacro %}

{#- What int_bank_reference_candidates' rows depend on besides its code: the fewest digits
    a key needs, and the days a document may be issued after the line naming it. -#}
{% macro reference_candidate_rules() -%}
{{ return(reference_key_digits('key') ~ var('reference_min_digits') ~ var('bank_match_window_days')) }}
{%- endmacro %}
