{#- How stg_bank__statement_lines tells a movement (DECISIONLOG: Bank statements). -#}

{#- The reference that identifies a movement: the bank's, without one the remittance text. -#}
{% macro bank_match_reference(reference, remittance_text) -%}
upper(trim(coalesce(nullif(trim({{ reference }}), ''), {{ remittance_text }}, '')))
{%- endmacro %}

{#- What stg_bank__statement_lines' rows depend on besides its code: the match reference. -#}
{% macro bank_movement_rules() -%}
{{ return(bank_match_reference('reference', 'remittance_text')) }}
{%- endmacro %}

{#- A movement's tuple, as compared from build to build: of a raw line (with its
    match_reference) or of a stored row. The currency is upper-cased, as stored, so two
    raw spellings of one currency are looked up together and both read again. -#}
{% macro bank_movement_tuple(alias='', stored=false) -%}
{%- set prefix = alias ~ '.' if alias else '' -%}
{%- if stored -%}
{{ return([prefix ~ 'bank_account', prefix ~ 'booking_date', prefix ~ 'value_date', prefix ~ 'line_amount',
           prefix ~ 'currency_code', prefix ~ 'match_reference']) }}
{%- else -%}
{{ return([prefix ~ 'account', prefix ~ 'booking_date', prefix ~ 'value_date', prefix ~ 'amount',
           'upper(' ~ prefix ~ 'currency)', prefix ~ 'match_reference']) }}
{%- endif -%}
{%- endmacro %}

{#- stg_bank__statement_lines' pre-hook: deletes the rows of every movement tuple that a
    line of a file registered after the position the model reads after lists (a later
    statement copy, a new occurrence), or every row when it reads everything (read_after);
    the model then reads those tuples again. -#}
{% macro drop_bank_movements_read_again() -%}
{%- if is_incremental() %}
{%- set position = read_after(['bank_statements'], rules=bank_movement_rules()) %}
delete from {{ this }}
{%- if position is not none %}
where ({{ bank_movement_tuple(stored=true) | join(', ') }}) in ({{ bank_movements_after(position) }})
{%- endif %}
{%- else %}
select 1
{%- endif %}
{%- endmacro %}

{#- The movement tuples that lines of files registered after `position` list. -#}
{% macro bank_movements_after(position) -%}
select {{ bank_movement_tuple('recent') | join(', ') }}
from (
    select account, booking_date, value_date, amount, currency,
        {{ bank_match_reference('reference', 'remittance_text') }} as match_reference
    from {{ source('raw', 'bank_statement_lines') }}
    where _file_id > {{ position }}
) as recent
{%- endmacro %}
