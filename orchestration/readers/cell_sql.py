"""The contract's value rules as SQL: for each column, the typed value and the reason a
cell is refused, as DuckDB expressions over the cell's text.

One definition for every row of every file, evaluated by DuckDB over whole columns.
The reasons are the words the bookkeeper reads in a quarantine report: stored messages of
the catalogue (reader.json), worded in the reader's language where they are shown.
"""

from .contract import Column, Kind
from .numbers import number_examples, number_pattern
from .sql_messages import sql_literal as _literal
from .sql_messages import sql_message

# The warehouse stores money as DECIMAL(18, 2), percentages as DECIMAL(18, 6) and FX
# rates as DECIMAL(38, 18): a value that does not fit is refused here, naming its line,
# rather than failing the load.
_MONEY_INTEGER_DIGITS = 16
_DECIMAL_INTEGER_DIGITS = 12
_DECIMAL_DECIMALS = 6
_RATE_INTEGER_DIGITS = 12
_RATE_DECIMALS = 18

SQL_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.CURRENCY: "VARCHAR",
    Kind.COUNTRY: "VARCHAR",
    Kind.CHOICE: "VARCHAR",
    Kind.INTEGER: "BIGINT",
    Kind.MONEY: "DECIMAL(18, 2)",
    Kind.DECIMAL: "DECIMAL(18, 6)",
    Kind.RATE: "DECIMAL(38, 18)",
    Kind.DATE: "DATE",
    Kind.TIMESTAMP: "TIMESTAMP",
    Kind.BOOLEAN: "BOOLEAN",
}

TRUE_WORDS = ("true", "1", "yes", "sí", "si")
FALSE_WORDS = ("false", "0", "no")

_WHITESPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def cell_text(cell: str) -> str:
    """The cell as its writer reads it: surrounding whitespace gone, "" when empty."""
    return f"coalesce(trim({cell}, {_WHITESPACE}), '')"


def _plain_number(text: str, decimal_separator: str) -> str:
    """The number with its grouping gone and "." as decimal point."""
    grouping = "," if decimal_separator == "." else "."
    return f"replace(replace({text}, '{grouping}', ''), '{decimal_separator}', '.')"


def _decimals(plain: str) -> str:
    return f"length(split_part({plain}, '.', 2))"


def _integer_digits(plain: str) -> str:
    return f"length(ltrim(ltrim(split_part({plain}, '.', 1), '+-'), '0'))"


def _date_value(text: str) -> str:
    """YYYY-MM-DD or DD/MM/YYYY, null when neither or no such day (year 1 at the earliest)."""
    return f"""(case
        when regexp_full_match({text}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') and {text} >= '0001'
            then cast(try_strptime({text}, '%Y-%m-%d') as date)
        when regexp_full_match({text}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') and right({text}, 4) >= '0001'
            then cast(try_strptime({text}, '%d/%m/%Y') as date)
    end)"""


def _timestamp_value(text: str) -> str:
    """YYYY-MM-DDTHH:MM:SS, YYYY-MM-DD HH:MM:SS, or a date alone meaning midnight."""
    return f"""(case
        when regexp_full_match({text}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}')
                and {text} >= '0001'
            then try_strptime(replace({text}, 'T', ' '), '%Y-%m-%d %H:%M:%S')
        else cast({_date_value(text)} as timestamp)
    end)"""


def _rate_value(plain: str) -> str:
    """An FX rate at full precision: 1/75 written as 0.0133333333 keeps every digit.
    Past 18 decimals (a spreadsheet's float written out whole) it is rounded half-even
    to 18, a relative change below 10^-15 for any real rate (a cast would round half up)."""
    digits = f"split_part({plain}, '.', 2)"
    rest = f"rtrim(substr({digits}, {_RATE_DECIMALS + 1}), '0')"
    kept = f"try_cast(split_part({plain}, '.', 1) || '.' || left({digits}, {_RATE_DECIMALS}) as DECIMAL(38, 18))"
    odd_last = f"(right(left({digits}, {_RATE_DECIMALS}), 1) in ('1', '3', '5', '7', '9'))"
    rounds_up = f"({rest} > '5' or ({rest} = '5' and {odd_last}))"
    return f"(case when {_decimals(plain)} <= {_RATE_DECIMALS} then try_cast({plain} as DECIMAL(38, 18)) when {rounds_up} then {kept} + 0.000000000000000001 else {kept} end)"


def typed_value(column: Column, text: str, decimal_separator: str) -> str:
    """The value a valid cell holds, or the column's default when it is empty."""
    parsed = _parsed(column, text, decimal_separator)
    default = "null" if column.default is None else f"cast({_literal(str(column.default))} as {SQL_TYPES[column.kind]})"
    return f"(case when {text} = '' then {default} else {parsed} end)"


def _parsed(column: Column, text: str, decimal_separator: str) -> str:
    kind = column.kind
    if kind is Kind.TEXT:
        return text
    if kind in (Kind.CURRENCY, Kind.COUNTRY):
        return f"upper({text})"
    if kind is Kind.CHOICE:
        return f"lower({text})"
    if kind is Kind.INTEGER:
        return f"try_cast({text} as BIGINT)"
    if kind in (Kind.MONEY, Kind.DECIMAL):
        return f"try_cast({_plain_number(text, decimal_separator)} as {SQL_TYPES[kind]})"
    if kind is Kind.RATE:
        return _rate_value(_plain_number(text, decimal_separator))
    if kind is Kind.DATE:
        return _date_value(text)
    if kind is Kind.TIMESTAMP:
        return _timestamp_value(text)
    if kind is Kind.BOOLEAN:
        words = ", ".join(map(_literal, TRUE_WORDS))
        return f"(lower({text}) in ({words}))"
    raise ValueError(f"no SQL rule for {kind}")


def refusal(column: Column, text: str, decimal_separator: str) -> str:
    """Why the cell is refused, null when it is valid (checked in the order a reader
    would: empty, then its form, then its size, then the contract's bounds)."""
    checks: list[tuple[str, str]] = [(f"{text} = ''", sql_message("reader.required_value_empty") if column.required else "null")]
    checks += _form_checks(column, text, decimal_separator)
    kind = column.kind
    value = _parsed(column, text, decimal_separator)
    if kind is Kind.MONEY:
        # Any minus sign on money, "-0.00" too, is an export mistake.
        checks.append((f"starts_with({text}, '-')", sql_message("reader.negative_amount")))
    checks += _bound_checks(column, value)
    whens = "\n        ".join(f"when {condition} then {reason}" for condition, reason in checks)
    if kind is Kind.MONEY:
        # Nearly every amount is written plainly (digits, up to 2 decimals): only its bounds
        # are left to check, on one cast, not the whole chain of forms above.
        plain = f"try_cast(replace({text}, '{decimal_separator}', '.') as {SQL_TYPES[kind]})"
        bounds = _bound_checks(column, plain)
        fast = "null" if not bounds else f"(case {' '.join(f'when {c} then {r}' for c, r in bounds)} end)"
        return f"(case when regexp_full_match({text}, {_literal(_plain_money_pattern(decimal_separator))}) then {fast} else (case\n        {whens}\n    end) end)"
    return f"(case\n        {whens}\n    end)"


def _plain_money_pattern(decimal_separator: str) -> str:
    """An amount that passes every form check: no sign, no grouping, at most
    _MONEY_INTEGER_DIGITS digits before the decimal separator and 2 after."""
    return f"[0-9]{{1,{_MONEY_INTEGER_DIGITS}}}(\\{decimal_separator}[0-9]{{1,2}})?"


def _bound_checks(column: Column, value: str) -> list[tuple[str, str]]:
    checks = []
    if column.greater_than is not None:
        checks.append((f"not ({value} > {column.greater_than})", sql_message("reader.must_be_greater_than", bound=str(column.greater_than))))
    if column.at_least is not None:
        checks.append((f"{value} < {column.at_least}", sql_message("reader.must_be_at_least", bound=str(column.at_least))))
    if column.at_most is not None:
        checks.append((f"{value} > {column.at_most}", sql_message("reader.must_be_at_most", bound=str(column.at_most))))
    return checks


def _form_checks(column: Column, text: str, decimal_separator: str) -> list[tuple[str, str]]:
    kind = column.kind
    if kind is Kind.CURRENCY:
        return [
            (
                f"not regexp_full_match(upper({text}), '[A-Z]{{3}}')",
                sql_message("reader.not_a_currency_code"),
            )
        ]
    if kind is Kind.COUNTRY:
        return [
            (
                f"not regexp_full_match(upper({text}), '[A-Z]{{2}}')",
                sql_message("reader.not_a_country_code"),
            )
        ]
    if kind is Kind.CHOICE:
        choices = ", ".join(map(_literal, column.choices))
        return [(f"lower({text}) not in ({choices})", sql_message("reader.not_allowed", choices=", ".join(column.choices)))]
    if kind is Kind.INTEGER:
        return [
            (
                f"not regexp_full_match({text}, '[+-]?[0-9]+') or try_cast({text} as BIGINT) is null",
                sql_message("reader.not_a_whole_number"),
            )
        ]
    if kind in (Kind.MONEY, Kind.DECIMAL, Kind.RATE):
        plain = _plain_number(text, decimal_separator)
        not_a_number = (
            f"not regexp_full_match({text}, {_literal(number_pattern(decimal_separator))})",
            sql_message("reader.not_a_number", **number_examples(decimal_separator)),
        )
        if kind is Kind.RATE:
            return [not_a_number, (f"{_integer_digits(plain)} > {_RATE_INTEGER_DIGITS}", sql_message("reader.number_too_large"))]
        if kind is Kind.MONEY:
            return [
                not_a_number,
                (f"{_decimals(plain)} > 2", sql_message("reader.money_decimals")),
                (f"{_integer_digits(plain)} > {_MONEY_INTEGER_DIGITS}", sql_message("reader.amount_too_large")),
            ]
        return [
            not_a_number,
            (f"{_decimals(plain)} > {_DECIMAL_DECIMALS}", sql_message("reader.too_many_decimals", decimals=str(_DECIMAL_DECIMALS))),
            (f"{_integer_digits(plain)} > {_DECIMAL_INTEGER_DIGITS}", sql_message("reader.number_too_large")),
        ]
    if kind is Kind.DATE:
        # A workbook's date cell with a time (midnight is written as a date alone).
        with_time = rf"regexp_full_match({text}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T[0-9:]{{8}}') and not ends_with({text}, 'T00:00:00')"
        return [
            (with_time, sql_message("reader.date_with_time")),
            (f"{_date_value(text)} is null", sql_message("reader.not_a_date")),
        ]
    if kind is Kind.TIMESTAMP:
        return [(f"{_timestamp_value(text)} is null", sql_message("reader.not_a_timestamp"))]
    if kind is Kind.BOOLEAN:
        words = ", ".join(map(_literal, TRUE_WORDS + FALSE_WORDS))
        return [(f"lower({text}) not in ({words})", sql_message("reader.not_a_boolean"))]
    return []


def rendered(column: Column, value: str) -> str:
    """A typed value as the report writes it (ISO dates, "" for none)."""
    if column.kind is Kind.TIMESTAMP:
        return f"coalesce(strftime({value}, '%Y-%m-%dT%H:%M:%S'), '')"
    return f"coalesce(cast({value} as varchar), '')"
