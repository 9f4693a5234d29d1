{#- Money is DECIMAL(18,2) everywhere; aggregates widen the type, so re-cast after them. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}

{#- A decimal widened to 38 digits before it is multiplied: DuckDB keeps a product of two
    DECIMAL(18, s) at width 18, which overflows from about 10^(18 - s1 - s2) (a
    1,000,000.00 amount times a 10-decimal FX factor), and a square of money from 10^7.
    Widen every factor of a product of money, round back with money() once
    (DECISIONLOG: Large amounts). -#}
{% macro wide(expression, scale=2) -%}
    cast({{ expression }} as decimal(38, {{ scale }}))
{%- endmacro %}

{#- Converts a document-currency amount with a factor from int_fx_rates; the rounding to
    the cent happens once, here. The amount is widened, so the product holds a factor of
    any scale up to 18 decimals. -#}
{% macro to_reporting(amount, factor) -%}
    cast(round({{ wide(amount) }} * {{ factor }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- round(numerator / denominator, scale), half away from zero, as DECIMAL(38, scale)
    without passing through a DOUBLE (DuckDB divides decimals in DOUBLE). Both operands
    must be exact at operand_scale decimals (cast to DECIMAL(38, operand_scale)). NULL
    when the denominator is 0 (DECISIONLOG: Money never passes through a DOUBLE). -#}
{% macro divide_exactly(numerator, denominator, scale=2, operand_scale=6) -%}
    {{ return(adapter.dispatch('divide_exactly', 'cartera')(numerator, denominator, scale, operand_scale)) }}
{%- endmacro %}

{#- Engines whose decimal division stays decimal (Spark, Postgres…). -#}
{% macro default__divide_exactly(numerator, denominator, scale, operand_scale) -%}
cast(round(
    {{ wide(numerator, operand_scale) }} / nullif({{ wide(denominator, operand_scale) }}, 0), {{ scale }}
) as decimal(38, {{ scale }}))
{%- endmacro %}

{#- DuckDB: the absolute values as integers of 10^-operand_scale (HUGEINT), then
    floor((2 |n| 10^scale + |d|) / 2 |d|) in integer division, which is |n| 10^scale / |d|
    rounded half up, signed back. -#}
{% macro duckdb__divide_exactly(numerator, denominator, scale, operand_scale) -%}
{%- set n = decimal_units('abs(' ~ numerator ~ ')', operand_scale) -%}
{%- set d = decimal_units('abs(' ~ denominator ~ ')', operand_scale) -%}
{%- set unit = ('0.' ~ '0' * (scale - 1) ~ '1') if scale > 0 else '1' -%}
cast(
    cast(
        sign({{ numerator }}) * sign({{ denominator }})
        * ((2 * {{ n }} * {{ 10 ** scale }} + {{ d }}) // nullif(2 * {{ d }}, 0))
    as decimal(38, 0)) * {{ unit }}
as decimal(38, {{ scale }}))
{%- endmacro %}

{#- A decimal as a HUGEINT count of 10^-scale: the integer and the fractional parts are
    scaled apart, since DECIMAL(38, scale) times 10^scale keeps width 38 and would
    overflow from 10^(38 - 2 scale). -#}
{% macro decimal_units(expression, scale) -%}
{%- set value = wide(expression, scale) -%}
(cast(trunc({{ value }}) as hugeint) * {{ 10 ** scale }} + cast(({{ value }} - trunc({{ value }})) * {{ 10 ** scale }} as hugeint))
{%- endmacro %}

{#- The largest multiple of step not above amount (a limit rounded down to 500), in
    decimals: mod keeps the type, a division would not. -#}
{% macro round_down_to_multiple(amount, step) -%}
    ({{ amount }} - mod(mod({{ amount }}, {{ step }}) + {{ step }}, {{ step }}))
{%- endmacro %}
