"""Money, shares, dates and bucket names as Spanish and English readers expect them."""

from datetime import date
from decimal import Decimal

import pytest

from dashboards import formatting

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        (Decimal("1234.56"), "es", f"1.234,56{NBSP}€"),
        (Decimal("1234.56"), "en", "€1,234.56"),
        (Decimal("1234567.8"), "es", f"1.234.567,80{NBSP}€"),
        (Decimal("0"), "en", "€0.00"),
        (Decimal("-50.5"), "es", f"-50,50{NBSP}€"),
        (Decimal("-50.5"), "en", "-€50.50"),
    ],
)
def test_money(amount, language, expected):
    assert formatting.money(amount, "EUR", language) == expected


@pytest.mark.parametrize(
    ("share", "language", "expected"),
    [
        (0.58473, "es", f"58,5{NBSP}%"),
        (0.58473, "en", "58.5%"),
        (0, "es", f"0,0{NBSP}%"),
        (1, "en", "100.0%"),
    ],
)
def test_percent_has_one_decimal(share, language, expected):
    assert formatting.percent(share, language) == expected


def test_dates():
    assert formatting.long_date(date(2026, 3, 31), "es") == "31 de marzo de 2026"
    assert formatting.long_date(date(2026, 3, 31), "en") == "31 March 2026"
    assert formatting.month(date(2026, 1, 31), "es") == "ene 2026"
    assert formatting.month(date(2026, 1, 31), "en") == "Jan 2026"


@pytest.mark.parametrize(
    ("bounds", "spanish", "english"),
    [
        ((None, 0), "No vencido", "Not due"),
        ((1, 30), "1–30 días", "1–30 days"),
        ((121, None), "> 120 días", "Over 120 days"),
        ((None, 15), "Hasta 15 días", "Up to 15 days"),
        ((181, None), "> 180 días", "Over 180 days"),
    ],
)
def test_bucket_labels_come_from_the_bounds(bounds, spanish, english):
    assert formatting.bucket_label(*bounds, "es") == spanish
    assert formatting.bucket_label(*bounds, "en") == english


def test_a_memoised_figure_is_the_same_whatever_scalar_type_holds_it():
    """money, number and short_date are memoised; a DataFrame cell may hold a numpy integer
    where another query gave a Decimal of equal value, and comparing the two raised inside
    the cache ("argument must be an integer"): 3 as a Decimal, then as numpy int64 and
    uint64, and 1,234.56 as a Decimal then as a float, read the same."""
    import numpy as np

    assert formatting.number(Decimal("3"), "en") == "3"
    assert formatting.number(np.int64(3), "en") == formatting.number(np.uint64(3), "es") == "3"
    assert formatting.number(np.int64(1189), "es") == "1.189"
    assert formatting.money(Decimal("1234.56"), "EUR", "en") == "€1,234.56"
    assert formatting.money(np.float64(1234.56), "EUR", "en") == "€1,234.56"
