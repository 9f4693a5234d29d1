-- One row per client version: consecutive exports of a client with the same attributes
-- collapse into one version, so a re-export of unchanged data adds nothing. Built from
-- every export raw keeps, so a warehouse rebuilt from the inbox has the same history.
{%- set attributes = [
    'tax_id', 'legal_name', 'address', 'country_code', 'segment', 'salesperson', 'branch',
    'payment_terms_days', 'credit_limit_amount', 'currency_code', 'email', 'phone',
] %}

with exports as (
    select
        *,
        cast(updated_at as date) as updated_date
    from {{ ref('stg_invoicing__clients') }}
),

-- Documents are dated by the day, so the version a client had at the end of a day
-- stands for that day; one exported and replaced within the day never applied to a document.
end_of_day_exports as (
    select *
    from (
        select
            exports.*,
            row_number() over (partition by client_id, updated_date order by updated_at desc) as rank_in_day
        from exports
    ) as ranked
    where rank_in_day = 1
),

with_previous as (
    select
        end_of_day_exports.*,
        {%- for attribute in attributes %}
        lag({{ attribute }}) over (partition by client_id order by updated_date) as previous_{{ attribute }},
        {%- endfor %}
        row_number() over (partition by client_id order by updated_date) as export_no
    from end_of_day_exports
),

-- An export that changes nothing against the one before it changes nothing against the
-- last kept version either (everything between them was identical), so comparing with the
-- previous export is enough.
with_changes as (
    select
        *,
        case when export_no > 1 then concat_ws(', '
            {%- for attribute in attributes %},
            case when {{ is_changed(attribute, 'previous_' ~ attribute) }} then '{{ attribute }}' end
            {%- endfor %}
        ) end as changed_fields
    from with_previous
),

versions as (
    select
        *,
        row_number() over (partition by client_id order by updated_date) as version_no
    from with_changes
    where export_no = 1 or changed_fields <> ''
),

-- The first version holds from the start of time: a document issued before the client's
-- first export still finds the client's fiscal data.
validity_starts as (
    select
        *,
        case when version_no = 1 then cast('1900-01-01' as date) else updated_date end as valid_from
    from versions
)

select
    client_id,
    version_no,
    valid_from,
    lead(valid_from) over (partition by client_id order by valid_from) as valid_to,
    {%- for attribute in attributes %}
    {{ attribute }},
    {%- endfor %}
    changed_fields,
    updated_at
from validity_starts
