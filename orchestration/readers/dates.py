import re
from datetime import date, datetime, time

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})")
# The ECB's daily file (eurofxref.csv) writes its date as "14 March 2025".
_ENGLISH_LONG_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]+) (\d{4})")
_ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def parse_date_text(text: str) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None when `text` is neither or no such day exists."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        return None
    return _calendar_date(int(year), int(month), int(day))


def parse_timestamp_text(text: str) -> datetime | None:
    """YYYY-MM-DDTHH:MM:SS, YYYY-MM-DD HH:MM:SS, or a date alone meaning midnight."""
    if match := _TIMESTAMP.fullmatch(text):
        day_text, hour, minute, second = match.groups()
        day = parse_date_text(day_text)
        if day is None:
            return None
        try:
            return datetime.combine(day, time(int(hour), int(minute), int(second)))
        except ValueError:
            return None
    day = parse_date_text(text)
    return None if day is None else datetime.combine(day, time())


def parse_english_long_date(text: str) -> date | None:
    match = _ENGLISH_LONG_DATE.fullmatch(text)
    if not match:
        return None
    day, month_name, year = match.groups()
    if month_name.lower() not in _ENGLISH_MONTHS:
        return None
    return _calendar_date(int(year), _ENGLISH_MONTHS.index(month_name.lower()) + 1, int(day))


def _calendar_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
