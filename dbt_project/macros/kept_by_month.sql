{#- Bank models kept by the booking month of their lines (DECISIONLOG: Bank matches by the
    month): a model whose rows for the lines booked in a month are a function of the
    inputs of the months within `apart` months of it fingerprints each month's inputs
    once, and each booking month by the inputs of the months beside it. Its rows carry
    _booking_month and _window_fingerprint; the pre-hook deletes the months fingerprinted
    otherwise, the model computes the booking months the table does not hold. -#}

{#- The month of a date, as a date (its first day). -#}
{% macro month_of(date_expression) -%}
cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- The months within `apart` months of those of `months` (a CTE of booking_month): the
    months whose inputs their rows read. -#}
{% macro months_beside(months, apart) -%}
select distinct cast({{ dbt.dateadd('month', 'offsets.month_offset', 'months.booking_month') }} as date) as input_month
from {{ months }} as months
cross join range(-{{ apart }}, {{ apart }} + 1) as offsets(month_offset)
{%- endmacro %}

{#- The filter that keeps the rows whose `date_column` falls in a month of `months` (a CTE
    whose `column` holds months), or nothing when `months` is none (every month). -#}
{% macro where_in_months(date_column, months, column='booking_month') -%}
{%- if months %}where {{ month_of(date_column) }} in (select {{ column }} from {{ months }}){% endif -%}
{%- endmacro %}

{#- One fingerprint per booking month of `booking_months` (a query of booking_month):
    `version` (a SQL string) with the fingerprints of `month_inputs` (a query of
    input_month, input_fingerprint: each month's inputs hashed once, in as many rows as
    the model has kinds of input) of the months within `apart` of it, in order. Its
    columns are the rows' _booking_month and _window_fingerprint. -#}
{% macro booking_month_fingerprints(booking_months, month_inputs, apart, version) -%}
select
    booking_months.booking_month as _booking_month,
    {{ dbt.hash(dbt.concat([
        version, "';'",
        dbt.listagg(dbt.concat(["cast(month_inputs.input_month as " ~ dbt.type_string() ~ ")", "':'",
            "month_inputs.input_fingerprint"]), "','",
            'order by month_inputs.input_month, month_inputs.input_fingerprint')
    ])) }} as _window_fingerprint
from ({{ booking_months }}) as booking_months
inner join ({{ month_inputs }}) as month_inputs
    on month_inputs.input_month >= {{ dbt.dateadd('month', -apart, 'booking_months.booking_month') }}
    and month_inputs.input_month <= {{ dbt.dateadd('month', apart, 'booking_months.booking_month') }}
group by booking_months.booking_month
{%- endmacro %}

{#- The booking months to fingerprint, as a query of booking_month: those of `months` (a
    CTE of booking_month), or every month of `relation`'s booking_date. -#}
{% macro months_of(months, relation) -%}
{%- if months -%}
select booking_month from {{ months }}
{%- else -%}
select distinct {{ month_of('booking_date') }} as booking_month from {{ relation }}
{%- endif -%}
{%- endmacro %}

{#- The pre-hook of a model kept by booking month: `fingerprints` (a query of
    booking_month_fingerprints over every month). -#}
{% macro drop_changed_booking_months(fingerprints) -%}
{{ drop_keys_fingerprinted_otherwise(['_booking_month'], '_window_fingerprint', fingerprints) }}
{%- endmacro %}

{#- The booking months a model kept by month computes: those of `lines` (a relation or CTE
    with booking_date) the table does not hold. -#}
{% macro booking_months_to_compute(lines) -%}
select distinct {{ month_of('lines.booking_date') }} as booking_month
from {{ lines }} as lines
{%- if is_incremental() and holds_column('_window_fingerprint') %}
except
select _booking_month from {{ this }}
{%- endif %}
{%- endmacro %}
