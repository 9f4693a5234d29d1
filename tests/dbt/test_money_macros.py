"""The money macros of dbt_project/macros/money.sql, rendered with Jinja and run in DuckDB
(no dbt build): exact division against Python's Decimal, rounding down to a multiple,
and a product of large money that overflowed DECIMAL(18) before it was widened."""

from decimal import ROUND_HALF_UP, Decimal as D
from pathlib import Path

import duckdb
import jinja2
import pytest

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "money.sql"


@pytest.fixture(scope="module")
def macros():
    # dbt's {{ return(...) }} and adapter.dispatch are not needed by the DuckDB variants.
    template = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(MACROS.read_text())
    return template.module


def evaluate(sql: str):
    with duckdb.connect() as conn:
        return conn.execute(f"select {sql}").fetchone()[0]


def half_up(value: D, scale: int) -> D:
    """round() of DuckDB and of the macro: half away from zero."""
    return value.quantize(D(1).scaleb(-scale), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "operand_scale"),
    [
        ("1.00", "3", 2, 6),  # 0.333.. -> 0.33
        ("2.00", "3", 2, 6),  # 0.666.. -> 0.67
        ("-2.00", "3", 2, 6),  # -0.67: half away from zero, like round()
        ("0.01", "2", 2, 6),  # 0.005 exactly: -> 0.01
        ("-0.01", "2", 2, 6),  # -0.005 -> -0.01
        ("1851851852.000000", "30", 2, 6),  # C1's limit in test_large_amounts: 61,728,395.0666.. -> .07
        ("1.000000", "75", 10, 18),  # an FX factor 1/75 -> 0.0133333333
        ("1.0", "1.08", 10, 18),  # 0.925925925925.. -> 0.9259259259
        ("7.4521", "17000.123456789012345678", 10, 18),  # a rate with 18 decimals, above 100
        ("-5.5", "-2", 0, 6),  # 2.75 -> 3: both signs negative
    ],
)
def test_divide_exactly_rounds_like_decimal_half_up(macros, numerator, denominator, scale, operand_scale):
    sql = macros.duckdb__divide_exactly(
        f"cast('{numerator}' as decimal(38, {operand_scale}))",
        f"cast('{denominator}' as decimal(38, {operand_scale}))",
        scale, operand_scale,
    )

    result = evaluate(sql)

    assert result == half_up(D(numerator) / D(denominator), scale)
    assert evaluate(f"typeof({sql})") == f"DECIMAL(38,{scale})"


def test_divide_exactly_by_zero_is_null(macros):
    assert evaluate(macros.duckdb__divide_exactly("cast(5 as decimal(18, 2))", "0", 2, 6)) is None


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("47314814.82", "47314500.00"), ("500.00", "500.00"), ("499.99", "0.00"), ("-1234.56", "-1500.00")],
)
def test_round_down_to_multiple_of_500(macros, amount, rounded):
    sql = macros.round_down_to_multiple(f"cast('{amount}' as decimal(18, 2))", 500)

    assert evaluate(sql) == D(rounded)
    assert evaluate(f"typeof({sql})").startswith("DECIMAL")


def test_to_reporting_holds_50_million_times_a_10_decimal_factor(macros):
    """50,000,000.00 x 0.9259259259 = 46,296,296.295 -> 46,296,296.30; the same product
    in DECIMAL(18) overflows (12 decimals leave 6 digits of integer part)."""
    amount = "cast('50000000.00' as decimal(18, 2))"
    factor = "cast('0.9259259259' as decimal(18, 10))"

    assert evaluate(macros.to_reporting(amount, factor)) == D("46296296.30")
    assert evaluate(macros.to_reporting(amount, "cast('0.925925925925925926' as decimal(38, 18))")) == D("46296296.30")
    with pytest.raises(duckdb.OutOfRangeException):
        evaluate(f"{amount} * {factor}")
