"""The credit committee's sentences, in the reader's language, from the codes and figures
of marts.credit_limits (the marts hold no text): why a client is due for review, how its
recommended limit was worked out, and the names of the committee's actions.

The row passed in is any mapping (a DataFrame row, a dict) with credit_limits' columns;
amounts are in `currency` (the reporting currency)."""

from collections.abc import Mapping
from decimal import Decimal

from babel.numbers import format_decimal

from dashboards import formatting
from dashboards.formatting import LOCALES
from dashboards.i18n import translate


def action_label(action: str, language: str) -> str:
    """The name of a committee action (the store's ACTIONS); an unknown one as it is."""
    labels = {
        "keep": translate(language, "committee.action.keep"),
        "raise": translate(language, "committee.action.raise"),
        "reduce": translate(language, "committee.action.reduce"),
        "hold_new_orders": translate(language, "committee.action.hold_new_orders"),
        "stop_supplying": translate(language, "committee.action.stop_supplying"),
        "remove_limit": translate(language, "committee.action.remove_limit"),
    }
    return labels.get(action, action)


def error_message(code: str, language: str) -> str:
    """One readable line for a refusal of the store (its `code`); an unknown code as it is."""
    details = {
        "not_allowed": lambda: translate(language, "committee.error.not_allowed"),
        "not_signed_in": lambda: translate(language, "committee.error.not_signed_in"),
        "unknown_user": lambda: translate(language, "committee.error.unknown_user"),
        "client_required": lambda: translate(language, "committee.error.client_required"),
        "invalid_action": lambda: translate(language, "committee.error.invalid_action"),
        "reason_required": lambda: translate(language, "committee.error.reason_required"),
        "meeting_date_required": lambda: translate(language, "committee.error.meeting_date_required"),
        "review_before_meeting": lambda: translate(language, "committee.error.review_before_meeting"),
        "limit_required": lambda: translate(language, "committee.error.limit_required"),
        "invalid_limit": lambda: translate(language, "committee.error.invalid_limit"),
        "invalid_currency": lambda: translate(language, "committee.error.invalid_currency"),
        "limit_not_applicable": lambda: translate(language, "committee.error.limit_not_applicable"),
    }
    detail = details[code]() if code in details else code
    return translate(language, "committee.error", message=detail)


def typed_amount(text: str) -> str | None:
    """An amount as typed in either locale, as decimal text for the store: '12.345,67' and
    '12,345.67' are 12345.67; the last separator is the decimal one, unless exactly three
    digits follow it ('1.000', '1,000': a thousands group, since money has no third
    decimal). None when nothing was typed; anything else is left for the store to refuse."""
    text = "".join(text.split())
    if not text:
        return None
    last = max(text.rfind(","), text.rfind("."))
    if last == -1 or len(text) - last - 1 == 3:
        return text.replace(",", "").replace(".", "")
    return text[:last].replace(",", "").replace(".", "") + "." + text[last + 1:]


def review_reasons(row: Mapping, currency: str, language: str) -> list[str]:
    """One sentence per code of `review_reasons`, in the mart's order."""
    codes = [code.strip() for code in (row["review_reasons"] or "").split(",") if code.strip()]
    return [_reason(code, row, currency, language) for code in codes]


def rationale(row: Mapping, currency: str, language: str) -> str:
    """The recommended limit's arithmetic as the committee reads it, e.g. es '12 meses de
    ventas, pico mensual 48.000,00 €, plazo 60 días + 0 días de retraso, grado B (×1) →
    96.000,00 €; limitado al 5 % de la facturación (…); redondeado a múltiplos de 500,00 €:
    …'."""
    money = _money(currency, language)
    grade = row["grade"] or translate(language, "committee.ungraded")
    templates = {
        "sales": lambda **values: translate(language, "committee.rationale.sales", **values),
        "concentration_cap": lambda **values: translate(language, "committee.rationale.concentration_cap", **values),
        "no_sales": lambda **values: translate(language, "committee.rationale.no_sales", **values),
    }
    return templates[row["recommendation_basis"]](
        months=row["sales_window_months"],
        peak=money(row["peak_monthly_sales_amount"]),
        terms=row["payment_terms_days"],
        late=_number(row["expected_days_late"], language),
        grade=grade,
        factor=_number(row["grade_factor"], language),
        base=money(row["base_recommended_limit_amount"]),
        cap_pct=_number(row["concentration_cap_pct"], language),
        cap=money(row["concentration_cap_amount"]),
        rounding=money(row["limit_rounding_amount"]),
        recommended=money(row["recommended_limit_amount"]),
    )


def _reason(code: str, row: Mapping, currency: str, language: str) -> str:
    money = _money(currency, language)
    if code == "no_recent_review" and row["months_since_review"] is None:
        return translate(language, "committee.reason.never_reviewed")
    sentences = {
        "review_date_reached": lambda: translate(
            language, "committee.reason.review_date_reached",
            date=formatting.long_date(row["next_review_date"], language),
        ),
        "no_recent_review": lambda: translate(
            language, "committee.reason.no_recent_review",
            months=row["months_since_review"], policy=row["review_months"],
        ),
        "no_limit": lambda: translate(language, "committee.reason.no_limit", exposure=money(row["exposure_amount"])),
        "breach": lambda: translate(language, "committee.reason.breach", days=row["days_in_breach"]),
        "grade_worsened": lambda: translate(
            language, "committee.reason.grade_worsened", previous=row["previous_grade"], grade=row["grade"]
        ),
        "high_utilisation": lambda: translate(
            language, "committee.reason.high_utilisation", utilisation=_share(row["utilisation_pct"], language)
        ),
        "concentration": lambda: translate(
            language, "committee.reason.concentration",
            revenue=_share(row["revenue_share_pct"], language),
            receivables=_share(row["ar_share_pct"], language),
        ),
        "never_paid": lambda: translate(language, "committee.reason.never_paid", exposure=money(row["exposure_amount"])),
    }
    # A code a newer warehouse added shows as it is rather than hidden.
    return sentences[code]() if code in sentences else code


def _money(currency: str, language: str):
    return lambda amount: "—" if amount is None else formatting.money(amount, currency, language)


def _share(pct: Decimal | None, language: str) -> str:
    # The marts keep shares as 0-100 percentages; formatting.percent takes a fraction.
    return "—" if pct is None else formatting.percent(Decimal(pct) * Decimal("0.01"), language)


def _number(value: Decimal | None, language: str) -> str:
    return "—" if value is None else format_decimal(Decimal(value).normalize(), locale=LOCALES[language])

