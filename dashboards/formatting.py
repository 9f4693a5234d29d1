"""Locale-aware text for money, shares, dates and aging-bucket bounds (babel/CLDR)."""

from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache, wraps

import numpy as np
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

from dashboards.i18n import translate

LOCALES = {"es": "es_ES", "en": "en_GB"}
"""The CLDR locale behind each interface language."""

# A table cell is formatted by babel, which parses the locale and the pattern on every
# call (~25-70 us); a page of 1,000 rows formats thousands of cells, and the worklist page
# draws nine such pages (at L ~30 % of its CPU was these three functions). Amounts, counts
# and dates repeat across cells and reruns, and equal values give equal text: memoised.
_CELLS = 1 << 16


def _memoised(function):
    """`function` behind an lru_cache of plain Python values: a numpy number (what a
    DataFrame cell holds) is made its Python value first, because the cache compares keys
    of equal hash, and a Decimal compared with a numpy integer raises ("argument must be an
    integer") where it should answer: number(Decimal(3)) then number(np.int64(3)) failed."""
    cached = lru_cache(maxsize=_CELLS)(function)

    @wraps(function)
    def call(*arguments):
        return cached(*(value.item() if isinstance(value, np.number) else value for value in arguments))

    return call


@_memoised
def money(amount: Decimal, currency_code: str, language: str) -> str:
    """es: '1.234,56 €'; en: '€1,234.56' (babel puts a no-break space before the es symbol)."""
    return format_currency(amount, currency_code, locale=LOCALES[language])


def currency_symbol(currency_code: str, language: str) -> str:
    return get_currency_symbol(currency_code, locale=LOCALES[language])


def percent(share: float, language: str) -> str:
    """A share (0.253) as a percentage with one decimal: es '25,3 %', en '25.3%'."""
    locale = LOCALES[language]
    return format_percent(share, format=_percent_pattern(locale), locale=locale)


@cache
def _percent_pattern(locale: str) -> str:
    """The locale's own percent pattern with one decimal ('#,##0 %' -> '#,##0.0 %')."""
    return Locale.parse(locale).percent_formats[None].pattern.replace("0", "0.0")


def long_date(day: date, language: str) -> str:
    """es: '31 de marzo de 2026'; en: '31 March 2026'."""
    return format_date(day, "long", locale=LOCALES[language])


def month(day: date, language: str) -> str:
    """The month a month-end date closes: es 'mar 2026', en 'Mar 2026'."""
    return format_date(day, "MMM y", locale=LOCALES[language])


def plotly_separators(language: str) -> str:
    """Plotly's `layout.separators`: the decimal then the thousands symbol of the locale."""
    locale = LOCALES[language]
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def bucket_label(min_days: int | None, max_days: int | None, language: str) -> str:
    """The name of an aging bucket from its bounds in days past due (None: unbounded).

    (None, 0) -> 'No vencido' / 'Not due'; (1, 30) -> '1–30 días' / '1–30 days';
    (121, None) -> '> 120 días' / 'Over 120 days';
    (None, 30) -> 'Hasta 30 días' / 'Up to 30 days'.
    """
    if max_days is None:
        return translate(language, "bucket.over", days=_days(min_days - 1, language))
    if min_days is None:
        if max_days <= 0:
            return translate(language, "bucket.not_due")
        return translate(language, "bucket.up_to", max=_days(max_days, language))
    return translate(
        language, "bucket.range", min=_days(min_days, language), max=_days(max_days, language)
    )


def _days(count: int, language: str) -> str:
    return format_decimal(count, locale=LOCALES[language])


@_memoised
def short_date(day: date, language: str) -> str:
    """es: '30/06/2026'; en: '30/06/2026' (both locales write day/month/year)."""
    return format_date(day, "dd/MM/y", locale=LOCALES[language])


def short_datetime(moment: datetime, language: str) -> str:
    """es and en: '30/06/2026 14:05' (24-hour clock, as finance teams here read it)."""
    return format_datetime(moment, "dd/MM/y HH:mm", locale=LOCALES[language])


def percent_points(value: Decimal | float, language: str) -> str:
    """A percentage the marts hold as 0-100 (41.2345) with one decimal: es '41,2 %', en '41.2%'."""
    return percent(Decimal(str(value)) * Decimal("0.01"), language)


def days(value: Decimal | float, language: str) -> str:
    """A number of days with one decimal: es '87,9 días', en '87.9 days'."""
    number = format_decimal(value, format="#,##0.0", locale=LOCALES[language])
    return translate(language, "unit.days", days=number)


def day_month(day: date, language: str) -> str:
    """es: '2 nov'; en: '2 Nov'."""
    return format_date(day, "d MMM", locale=LOCALES[language])


def signed_money(amount: Decimal, currency_code: str, language: str) -> str:
    """A change of money with its sign: es '+1.234,56 €', '-50,50 €'; en '+€1,234.56'."""
    text = money(amount, currency_code, language)
    return f"+{text}" if amount > 0 else text


def signed_points(change: float, language: str) -> str:
    """A change of a share (0.012) in percentage points: es '+1,2 p. p.', en '+1.2 pp'."""
    number = format_decimal(change * 100, format="+#,##0.0;-#,##0.0", locale=LOCALES[language])
    return translate(language, "unit.points", points=number)


@_memoised
def number(count: int, language: str) -> str:
    """A whole number with the locale's grouping: es '1.189', en '1,189'."""
    return format_decimal(count, locale=LOCALES[language])


def signed_number(value: Decimal | float, language: str) -> str:
    """A change rounded to a whole number with its sign: es '+12', '-45'; en '-1,234'."""
    return format_decimal(round(value), format="+#,##0;-#,##0", locale=LOCALES[language])


def segment_name(segment: str, language: str) -> str:
    """The name of a client segment (the invoicing export's code, e.g. 'retail') in
    `language`; a code not in the catalogue shows as it is."""
    names = {
        "construction": translate(language, "segment.construction"),
        "hospitality": translate(language, "segment.hospitality"),
        "manufacturing": translate(language, "segment.manufacturing"),
        "professional_services": translate(language, "segment.professional_services"),
        "retail": translate(language, "segment.retail"),
        "wholesale": translate(language, "segment.wholesale"),
    }
    return names.get(segment, segment)
