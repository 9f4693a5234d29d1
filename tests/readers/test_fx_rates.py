from datetime import date
from decimal import Decimal

from orchestration.readers import read_export


def test_ecb_history_layout_is_unpivoted_skipping_missing_rates(fixture_bytes):
    rows = read_export("fx_rates", "eurofxref-hist.csv", fixture_bytes("eurofxref-hist.csv"))

    assert rows == [
        {"rate_date": date(2025, 3, 14), "currency": "USD", "rate": Decimal("1.0882"), "_line_number": 2},
        {"rate_date": date(2025, 3, 14), "currency": "JPY", "rate": Decimal("161.98"), "_line_number": 2},
        {"rate_date": date(2025, 3, 14), "currency": "GBP", "rate": Decimal("0.8412"), "_line_number": 2},
        {"rate_date": date(2025, 3, 13), "currency": "USD", "rate": Decimal("1.0856"), "_line_number": 3},
        {"rate_date": date(2025, 3, 13), "currency": "JPY", "rate": Decimal("160.50"), "_line_number": 3},
        {"rate_date": date(2007, 12, 31), "currency": "USD", "rate": Decimal("1.4721"), "_line_number": 4},
        {"rate_date": date(2007, 12, 31), "currency": "JPY", "rate": Decimal("164.93"), "_line_number": 4},
        {"rate_date": date(2007, 12, 31), "currency": "GBP", "rate": Decimal("0.73335"), "_line_number": 4},
        {"rate_date": date(2007, 12, 31), "currency": "CYP", "rate": Decimal("0.585274"), "_line_number": 4},
    ]  # fmt: skip
    # Rates keep every decimal they were given (read as raw's DECIMAL(38, 18), whose scale
    # pads them with zeros).
    assert str(rows[-1]["rate"].normalize()) == "0.585274"


def test_ecb_daily_layout_with_spaces_and_long_date(fixture_bytes):
    rows = read_export("fx_rates", "eurofxref.csv", fixture_bytes("eurofxref.csv"))

    assert [(row["rate_date"], row["currency"], row["rate"]) for row in rows] == [
        (date(2025, 3, 14), "USD", Decimal("1.0882")),
        (date(2025, 3, 14), "JPY", Decimal("161.98")),
        (date(2025, 3, 14), "GBP", Decimal("0.8412")),
    ]


def test_semicolon_rates_use_decimal_comma():
    data = b"date;usd\n14/03/2025;1,0882\n"

    [row] = read_export("fx_rates", "fx_rates.csv", data)

    assert row == {
        "rate_date": date(2025, 3, 14),
        "currency": "USD",
        "rate": Decimal("1.0882"),
        "_line_number": 2,
    }


def test_rates_must_be_positive_numbers(rejection):
    data = b"Date,USD,GBP\n2025-03-14,0,0.84\n2025-03-13,-1.08,abc\n"

    errors = rejection("fx_rates", "eurofxref-hist.csv", data)

    assert [(e.line, e.column, e.value) for e in errors] == [
        (2, "USD", "0"),
        (3, "USD", "-1.08"),
        (3, "GBP", "abc"),
    ]
    assert "greater than 0" in errors[0].reason
    assert "greater than 0" in errors[1].reason
    assert "not a number" in errors[2].reason


def test_fx_file_problems_with_header_dates_and_repeated_days(rejection):
    data = b"Date,USD,Dollar\nyesterday,1.08,\n2025-03-14,1.08,\n14/03/2025,1.09,\n"

    errors = rejection("fx_rates", "fx_rates.csv", data)

    assert [(e.line, e.column, e.value) for e in errors] == [
        (1, "Dollar", "Dollar"),
        (2, "Date", "yesterday"),
        (4, "Date", "14/03/2025"),
    ]
    assert "neither Date nor a currency code" in errors[0].reason
    assert "not a date" in errors[1].reason
    assert "duplicate key (rate_date, currency)" in errors[2].reason
    assert "also on line 3" in errors[2].reason


def test_fx_file_without_date_column(rejection):
    errors = rejection("fx_rates", "fx_rates.csv", b"USD,GBP\n1.08,0.84\n")

    assert [(e.line, e.column, e.value, e.reason) for e in errors] == [
        (1, "Date", "", "required column missing")
    ]


def test_a_rate_is_kept_at_full_precision():
    """1/75 written out to ten decimals keeps all ten; a spreadsheet float written whole
    (0.0133333333333333333333, 22 decimals) is rounded half-even to the 18 raw keeps."""
    data = b"Date,USD,INR\n2025-03-14,0.0133333333,0.0133333333333333333333\n"

    rows = read_export("fx_rates", "fx_rates.csv", data)

    assert [(row["currency"], row["rate"]) for row in rows] == [
        ("USD", Decimal("0.0133333333")),
        ("INR", Decimal("0.013333333333333333")),
    ]
