"""Bank CSV exports, read through a BankCsvMapping declared in config per bank.

With a balance column, each row's balance must equal the previous row's plus the row's
amount (rows may be newest first, as many Spanish banks export them: told by the dates,
or for a single day's rows by the order in which the running balance ties); without one
there is nothing to tie the lines to and `notes` says so.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from dashboards.i18n.messages import message

from ..errors import FieldError, ProblemLog
from ..numbers import number_examples, parse_number_text
from ..sheet import UnreadableFile
from ..text_decoding import decode_export_text
from .common import compact_text, statement_id, to_cents
from .model import BankCsvMapping, BankStatement, BankStatementLine


def read_bank_csv(
    data: bytes, mapping: BankCsvMapping, problems: ProblemLog
) -> tuple[list[BankStatement], list[BankStatementLine], list[FieldError]]:
    try:
        text = _decode(data, mapping.encoding)
    except UnreadableFile as exc:
        problems.add(0, "", "", exc.reason)
        return [], [], []
    physical = text.splitlines(keepends=True)[mapping.skip_lines :]
    if mapping.footer_lines:
        while physical and not physical[-1].strip():
            physical.pop()
        physical = physical[: max(len(physical) - mapping.footer_lines, 0)]
    body = "".join(physical)
    delimiter = mapping.delimiter or _guess_delimiter(body)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    row_start = 1
    try:
        for cells in reader:
            rows.append((row_start + mapping.skip_lines, cells))
            row_start = reader.line_num + 1
    except csv.Error as exc:
        problems.add(row_start + mapping.skip_lines, "", "", message("reader.malformed_csv_quoting", error=str(exc)))
        return [], [], []
    rows = [(line, cells) for line, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        problems.add(0, "", "", message("reader.empty_file"))
        return [], [], []
    header_line, header = rows[0]
    positions = {name.strip(): index for index, name in enumerate(header)}
    wanted = [
        mapping.date_column,
        mapping.description_column,
        mapping.value_date_column,
        mapping.amount_column,
        mapping.debit_column,
        mapping.credit_column,
        mapping.counterparty_column,
        mapping.reference_column,
        mapping.balance_column,
        mapping.currency_column,
    ]
    for column in wanted:
        if column is not None and column not in positions:
            problems.add(
                header_line, column, "", message("bank_reader.csv_mapped_column_missing")
            )
    if problems.errors:
        return [], [], []
    parsed = []
    for line, cells in rows[1:]:
        row = _row(line, cells, positions, mapping, problems)
        if row is not None:
            parsed.append(row)
    if not parsed:
        if not problems.errors:
            problems.add(0, "", "", message("bank_reader.csv_no_data_rows"))
        return [], [], []
    if len(parsed) != len(rows) - 1:
        return [], [], []
    if parsed[0]["booking_date"] > parsed[-1]["booking_date"] or (
        parsed[0]["booking_date"] == parsed[-1]["booking_date"]
        and mapping.balance_column
        and _ties_only_newest_first(parsed)
    ):
        parsed.reverse()  # newest first in the file: read oldest first
    opening = closing = None
    notes = []
    if mapping.balance_column:
        opening, closing = _check_running_balance(parsed, problems)
    else:
        notes.append(FieldError(0, "", "", message("bank_reader.csv_without_balance")))
    start = min(row["booking_date"] for row in parsed)
    end = max(row["booking_date"] for row in parsed)
    sid = statement_id(mapping.account, start, end, "1")
    currency = parsed[0]["currency"]
    statement = BankStatement(
        statement_id=sid,
        account=mapping.account,
        currency=currency,
        period_start=start,
        period_end=end,
        opening_balance=opening,
        closing_balance=closing,
        line_count=len(parsed),
    )
    lines = [
        BankStatementLine(
            statement_id=sid,
            account=mapping.account,
            line_number=number,
            booking_date=row["booking_date"],
            value_date=row["value_date"],
            amount=row["amount"],
            currency=row["currency"],
            counterparty_name=row["counterparty"],
            counterparty_account="",
            remittance_text=row["description"],
            bank_transaction_code="",
            reference=row["reference"],
            source_line=row["line"],
        )
        for number, row in enumerate(parsed, 1)
    ]
    return [statement], lines, notes


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding is None:
        return decode_export_text(data)
    if b"\x00" in data and not encoding.lower().startswith("utf-16"):
        raise UnreadableFile(message("bank_reader.csv_nul_bytes"))
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            message(
                "bank_reader.csv_not_in_encoding",
                encoding=encoding,
                byte=f"0x{data[exc.start]:02x}",
                offset=str(exc.start),
            )
        ) from None


def _guess_delimiter(text: str) -> str:
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _row(
    line: int,
    cells: list[str],
    positions: dict[str, int],
    mapping: BankCsvMapping,
    problems: ProblemLog,
) -> dict | None:
    def cell(column: str | None) -> str:
        if column is None or positions[column] >= len(cells):
            return ""
        return cells[positions[column]].strip()

    errors_before = len(problems.errors)
    booking_date = _date(
        line, mapping.date_column, cell(mapping.date_column), mapping.date_format, problems
    )
    value_date = booking_date
    if mapping.value_date_column and cell(mapping.value_date_column):
        value_date = _date(
            line,
            mapping.value_date_column,
            cell(mapping.value_date_column),
            mapping.date_format,
            problems,
        )
    if mapping.amount_column:
        amount = _number(
            line,
            mapping.amount_column,
            cell(mapping.amount_column),
            mapping.decimal_separator,
            problems,
            required=True,
        )
        if amount is not None and mapping.sign == "debit_positive":
            amount = -amount
    else:
        debit = _number(
            line,
            mapping.debit_column,
            cell(mapping.debit_column),
            mapping.decimal_separator,
            problems,
        )
        credit = _number(
            line,
            mapping.credit_column,
            cell(mapping.credit_column),
            mapping.decimal_separator,
            problems,
        )
        amount = None
        if len(problems.errors) != errors_before:
            pass
        elif debit is None and credit is None:
            problems.add(
                line,
                f"{mapping.debit_column}/{mapping.credit_column}",
                "",
                message("bank_reader.csv_neither_debit_nor_credit"),
            )
        elif debit and credit:
            problems.add(
                line,
                f"{mapping.debit_column}/{mapping.credit_column}",
                f"{debit}/{credit}",
                message("bank_reader.csv_both_debit_and_credit"),
            )
        else:
            # Debit columns are written either unsigned or negative: both mean money out.
            amount = abs(credit or Decimal("0")) - abs(debit or Decimal("0"))
    currency = (
        cell(mapping.currency_column).upper() if mapping.currency_column else mapping.currency
    )
    if len(currency) != 3 or not currency.isalpha():
        problems.add(
            line,
            mapping.currency_column or "currency",
            currency,
            message("bank_reader.csv_not_a_currency_code"),
        )
    balance = None
    if mapping.balance_column:
        balance = _number(
            line,
            mapping.balance_column,
            cell(mapping.balance_column),
            mapping.decimal_separator,
            problems,
            required=True,
        )
    if (
        len(problems.errors) != errors_before
        or booking_date is None
        or value_date is None
        or amount is None
    ):
        return None
    return {
        "line": line,
        "booking_date": booking_date,
        "value_date": value_date,
        "amount": amount,
        "currency": currency,
        "description": compact_text(cell(mapping.description_column)),
        "counterparty": compact_text(cell(mapping.counterparty_column)),
        "reference": cell(mapping.reference_column),
        "balance": balance,
    }


def _ties_only_newest_first(rows: list[dict]) -> bool:
    """Rows of a single day do not tell their order by date: the running balance does."""
    as_written, reversed_rows = ProblemLog(), ProblemLog()
    _check_running_balance(rows, as_written)
    _check_running_balance(rows[::-1], reversed_rows)
    return bool(as_written.errors) and not reversed_rows.errors


def _check_running_balance(rows: list[dict], problems: ProblemLog) -> tuple[Decimal, Decimal]:
    opening = rows[0]["balance"] - rows[0]["amount"]
    previous = opening
    for row in rows:
        expected = previous + row["amount"]
        if row["balance"] != expected:
            problems.add(
                row["line"],
                "balance",
                str(row["balance"]),
                message(
                    "bank_reader.csv_running_balance",
                    balance=str(row["balance"]),
                    previous=str(previous),
                    amount=str(row["amount"]),
                    expected=str(expected),
                    difference=str(row["balance"] - expected),
                ),
            )
        previous = row["balance"]
    return opening, rows[-1]["balance"]


def _date(line: int, column: str, text: str, date_format: str, problems: ProblemLog) -> date | None:
    try:
        return datetime.strptime(text, date_format).date()
    except ValueError:
        problems.add(line, column, text, message("bank_reader.csv_not_a_date", format=date_format))
        return None


def _number(
    line: int,
    column: str | None,
    text: str,
    separator: str,
    problems: ProblemLog,
    required: bool = False,
) -> Decimal | None:
    if not text:
        if required:
            problems.add(line, column or "", "", message("reader.required_value_empty"))
        return None
    number = parse_number_text(text.replace(" ", "").replace("€", ""), separator)
    if number is None:
        problems.add(
            line, column or "", text, message("reader.not_a_number", **number_examples(separator))
        )
        return None
    cents = to_cents(number)
    if cents is None:
        problems.add(
            line, column or "", text, message("bank_reader.not_cents")
        )
    return cents
