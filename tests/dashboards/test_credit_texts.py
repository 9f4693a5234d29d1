"""The committee's sentences from credit_limits' codes and figures, es/en (pure functions)."""

from datetime import date
from decimal import Decimal

import pytest

from dashboards import credit_texts

NB = "\u00a0"

# A client worked out by hand: peak month 48,000.00, terms 60 days, never late, grade B
# (factor 1.0): 48,000.00 x (60 + 0) / 30 x 1.0 = 96,000.00; the company's 12-month revenue
# is 900,000.00 and the cap 10 %: 90,000.00 < 96,000.00, so capped; 90,000.00 is already a
# multiple of 500.
ROW = {
    "recommendation_basis": "concentration_cap",
    "sales_window_months": 12,
    "peak_monthly_sales_amount": Decimal("48000.00"),
    "payment_terms_days": 60,
    "expected_days_late": Decimal("0.00"),
    "grade": "B",
    "previous_grade": "A",
    "grade_factor": Decimal("1.00"),
    "base_recommended_limit_amount": Decimal("96000.00"),
    "concentration_cap_pct": Decimal("10.00"),
    "concentration_cap_amount": Decimal("90000.00"),
    "limit_rounding_amount": Decimal("500.00"),
    "recommended_limit_amount": Decimal("90000.00"),
    "review_reasons": "review_date_reached, no_limit, breach, grade_worsened, high_utilisation, concentration",
    "next_review_date": date(2026, 10, 31),
    "months_since_review": 3,
    "review_months": 12,
    "exposure_amount": Decimal("1234.50"),
    "days_in_breach": 61,
    "utilisation_pct": Decimal("125.0000"),
    "revenue_share_pct": Decimal("12.3400"),
    "ar_share_pct": Decimal("20.0000"),
}


def test_rationale_in_spanish_and_english():
    assert credit_texts.rationale(ROW, "EUR", "es") == (
        f"12 meses de ventas, pico mensual 48.000,00{NB}€, plazo 60 días + 0 días de retraso, grado B (×1)"
        f" → 96.000,00{NB}€; limitado al 10 % de la facturación (90.000,00{NB}€); redondeado a múltiplos de"
        f" 500,00{NB}€: 90.000,00{NB}€"
    )
    assert credit_texts.rationale(ROW, "EUR", "en") == (
        "12 months of sales, peak month €48,000.00, terms 60 days + 0 days late, grade B (×1) → €96,000.00;"
        " capped at 10% of revenue (€90,000.00); rounded down to a multiple of €500.00: €90,000.00"
    )


def test_rationale_without_sales_or_grade():
    row = ROW | {"recommendation_basis": "no_sales", "grade": None, "recommended_limit_amount": Decimal("0.00")}
    assert credit_texts.rationale(row, "EUR", "en") == "No sales in the last 12 months: recommended limit €0.00"


def test_review_reasons_are_sentences_with_their_figures():
    assert credit_texts.review_reasons(ROW, "EUR", "es") == [
        "Revisión prevista el 31 de octubre de 2026",
        f"Sin límite de crédito y debe 1.234,50{NB}€",
        "Límite excedido desde hace 61 días",
        "Comportamiento de pago a peor: grado A → B",
        f"Usa el 125,0{NB}% del límite",
        f"Concentración: 12,3{NB}% de la facturación, 20,0{NB}% de la cartera",
    ]
    never = ROW | {"review_reasons": "no_recent_review, never_paid", "months_since_review": None}
    assert credit_texts.review_reasons(never, "EUR", "en") == [
        "Limit never reviewed by the committee",
        "Has never paid and owes €1,234.50",
    ]
    stale = ROW | {"review_reasons": "no_recent_review"}
    assert credit_texts.review_reasons(stale, "EUR", "en") == ["Limit not reviewed for 3 months (policy: every 12)"]
    assert credit_texts.review_reasons(ROW | {"review_reasons": None}, "EUR", "en") == []


def test_a_refusal_is_one_readable_line():
    assert credit_texts.error_message("reason_required", "es") == "No se registró: escriba el motivo de la decisión."
    assert credit_texts.error_message("not_allowed", "en") == (
        "Not recorded: your user may not record committee decisions."
    )


@pytest.mark.parametrize(("typed", "amount"), [
    ("12.345,67", "12345.67"), ("12,345.67", "12345.67"), ("12345,5", "12345.5"), ("12345.50", "12345.50"),
    # Three digits after the only separator: a thousands group in either language, never cents.
    ("1.000", "1000"), ("1,000", "1000"), ("1.000.000", "1000000"),
    (" 2 500 ", "2500"), ("", None), ("   ", None), ("abc", "abc"),
])
def test_a_typed_limit_reads_in_either_locale(typed, amount):
    assert credit_texts.typed_amount(typed) == amount
