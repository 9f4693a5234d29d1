"""AEB Norma 43 (Cuaderno 43): fixed-width 80-character records, Latin-1.

Layout (positions 1-based, as the AEB publishes them):

11 account header: 3-6 bank, 7-10 branch, 11-20 account, 21-26 start date YYMMDD,
   27-32 end date, 33 sign of the initial balance (1 debit, 2 credit), 34-47 initial
   balance (12 integer + 2 decimal digits), 48-50 currency (ISO 4217 numeric),
   51 information mode, 52-77 short name, 78-80 free.
22 movement: 7-10 originating branch, 11-16 operation date, 17-22 value date,
   23-24 common concept, 25-27 own concept, 28 debit/credit (1 debit, 2 credit),
   29-42 amount, 43-52 document number, 53-64 reference 1, 65-80 reference 2.
23 complementary concept (up to 5 per movement): 3-4 sequence 01-05, 5-42 and 43-80 text.
24 currency equivalence: 3-4 "01", 5-7 original currency, 8-21 original amount.
33 end of account: 3-20 bank, branch, account, 21-25 number of debits, 26-39 total
   debits, 40-44 number of credits, 45-58 total credits, 59 sign of the final balance,
   60-73 final balance, 74-76 currency.
88 end of file: 3-20 nines, 21-26 number of records (every record before the 88).

What real banks write, accepted: records shorter than 80 characters (trailing blanks
stripped; a field cut short still fails its own check), records back to back without
line breaks, CRLF or LF, Latin-1 or UTF-8, a DOS Ctrl-Z after the 88, several accounts,
common and own concept codes the AEB table does not define (kept as written in
bank_transaction_code: they move no money). With a note: several files joined into one
(a record 11 after an 88; each part checked against its own 88), more than the five 23
records the standard allows for one movement (text only, all kept). Rejected: record 33
figures or the 88 count that disagree with the records, a missing 33 or 88 (truncation),
a record after the 88 other than a new 11, a field that is not what its position holds.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyarrow as pa

from dashboards.i18n.messages import Message, message

from ..errors import FieldError, ProblemLog
from ..sheet import UnreadableFile
from .common import (
    check_balance,
    compact_text,
    decode_bank_text,
    is_digits,
    statement_id,
    without_end_of_file_mark,
)
from .model import BankStatement, BankStatementLine, line_table
from .norma43_codes import NUMERIC_CURRENCIES, RECORD_LENGTH, account_number
from .norma43_columns import read_regular_norma43


# The two sides record 33 totals, as its reasons name them.
_SIDES = {"debits": message("bank_reader.n43_debits"), "credits": message("bank_reader.n43_credits")}


@dataclass
class _Account:
    line: int
    bank: str
    branch: str
    number: str
    start: date | None
    end: date | None
    opening: Decimal | None
    currency: str
    movements: list[dict] = field(default_factory=list)
    closed: bool = False
    closing: Decimal | None = None


def read_norma43(
    data: bytes, problems: ProblemLog
) -> tuple[list[BankStatement], pa.Table, list[FieldError]]:
    """(statements, line columns, notes); notes say what was read leniently.

    A regular file (nearly every file a bank writes) is read as columns
    (norma43_columns.py); any other is read record by record, which words each problem
    and each lenient reading. Both give the same statements and lines."""
    notes: list[FieldError] = []
    try:
        text = decode_bank_text(data, notes)
    except UnreadableFile as exc:
        problems.add(0, "", "", exc.reason)
        return [], line_table([]), []
    text = without_end_of_file_mark(text)
    if (regular := read_regular_norma43(text)) is not None:
        return (*regular, notes)
    statements, lines = _read_records(text, problems, notes)
    # A rejected file's lines may be half read: they are never loaded.
    return statements, line_table([] if problems.errors else lines), notes


def _read_records(
    text: str, problems: ProblemLog, notes: list[FieldError]
) -> tuple[list[BankStatement], list[BankStatementLine]]:
    """Record by record: every problem found, worded, and every lenient reading noted."""
    physical = text.splitlines()
    if (
        len(physical) == 1
        and len(physical[0]) > RECORD_LENGTH
        and len(physical[0]) % RECORD_LENGTH == 0
    ):
        # Some banks write the records back to back, without line breaks.
        physical = [
            physical[0][i : i + RECORD_LENGTH] for i in range(0, len(physical[0]), RECORD_LENGTH)
        ]
    records = list(enumerate(physical, 1))
    records = [(number, line) for number, line in records if line.strip()]

    accounts: list[_Account] = []
    current: _Account | None = None
    record_count = 0
    end_of_file_seen = False
    for number, record in records:
        if end_of_file_seen and record.startswith("11"):
            # Several days' files downloaded as one: each keeps its own 88 and record count.
            notes.append(FieldError(number, "", "", message("bank_reader.n43_files_joined")))
            end_of_file_seen, record_count = False, 0
        elif end_of_file_seen:
            problems.add(number, "record", record[:2], message("bank_reader.n43_record_after_88"))
            break
        if len(record) > RECORD_LENGTH and not record[RECORD_LENGTH:].strip():
            record = record[:RECORD_LENGTH]
        if len(record) > RECORD_LENGTH:
            problems.add(
                number,
                "record",
                record[:20],
                message(
                    "bank_reader.n43_record_too_long", length=str(RECORD_LENGTH), actual=str(len(record))
                ),
            )
            continue
        record = record.ljust(RECORD_LENGTH)
        code = record[:2]
        if code == "88":
            end_of_file_seen = True
            _end_of_file(number, record, record_count, problems)
            continue
        record_count += 1
        if code == "11":
            if current is not None and not current.closed:
                problems.add(
                    number,
                    "record",
                    "11",
                    message("bank_reader.n43_account_not_closed", line=str(current.line)),
                )
            current = _account_header(number, record, problems)
            accounts.append(current)
        elif current is None or current.closed:
            problems.add(number, "record", code, message("bank_reader.n43_record_outside_account"))
        elif code == "22":
            current.movements.append(_movement(number, record, current, problems))
        elif code == "23":
            _complementary(number, record, current, problems, notes)
        elif code == "24":
            _equivalence(number, record, current, problems)
        elif code == "33":
            _end_of_account(number, record, current, problems)
            current.closed = True
        else:
            problems.add(
                number, "record", code, message("bank_reader.n43_unknown_record_code")
            )

    last_line = records[-1][0] if records else 0
    if current is not None and not current.closed:
        problems.add(
            last_line,
            "record",
            "",
            message("bank_reader.n43_file_ends_inside_account", line=str(current.line)),
        )
    if not end_of_file_seen:
        problems.add(last_line, "record", "", message("bank_reader.n43_no_end_of_file"))
    if not accounts:
        problems.add(0, "", "", message("bank_reader.n43_no_account"))
    return _statements(accounts)


def _statements(accounts: list[_Account]) -> tuple[list[BankStatement], list[BankStatementLine]]:
    statements: list[BankStatement] = []
    lines: list[BankStatementLine] = []
    seen: dict[tuple, int] = {}
    for account in accounts:
        if account.start is None or account.end is None:
            continue
        account_id = account_number(account.bank, account.branch, account.number)
        key = (account_id, account.start, account.end)
        seen[key] = seen.get(key, 0) + 1
        sid = statement_id(account_id, account.start, account.end, str(seen[key]))
        statements.append(
            BankStatement(
                statement_id=sid,
                account=account_id,
                currency=account.currency,
                period_start=account.start,
                period_end=account.end,
                opening_balance=account.opening,
                closing_balance=account.closing,
                line_count=len(account.movements),
            )
        )
        for index, movement in enumerate(account.movements, 1):
            if (
                movement["amount"] is None
                or movement["booking_date"] is None
                or movement["value_date"] is None
            ):
                continue
            lines.append(
                BankStatementLine(
                    statement_id=sid,
                    account=account_id,
                    line_number=index,
                    booking_date=movement["booking_date"],
                    value_date=movement["value_date"],
                    amount=movement["amount"],
                    currency=account.currency,
                    counterparty_name="",
                    counterparty_account="",
                    remittance_text=compact_text(movement["reference2"], *movement["concepts"]),
                    bank_transaction_code=f"{movement['common']}-{movement['own']}",
                    reference=compact_text(movement["document"], movement["reference1"]),
                    source_line=movement["line"],
                )
            )
    return statements, lines


def _account_header(number: int, record: str, problems: ProblemLog) -> _Account:
    return _Account(
        line=number,
        bank=record[2:6],
        branch=record[6:10],
        number=record[10:20],
        start=_date(number, "start_date", record[20:26], problems),
        end=_date(number, "end_date", record[26:32], problems),
        opening=_signed(number, "initial_balance", record[32], record[33:47], problems),
        currency=_currency(number, record[47:50], problems),
    )


def _movement(number: int, record: str, account: _Account, problems: ProblemLog) -> dict:
    return {
        "line": number,
        "booking_date": _date(number, "operation_date", record[10:16], problems),
        "value_date": _date(number, "value_date", record[16:22], problems),
        "common": record[22:24],
        "own": record[24:27],
        "amount": _signed(number, "amount", record[27], record[28:42], problems),
        "document": record[42:52].strip().lstrip("0"),
        "reference1": record[52:64].strip(),
        "reference2": record[64:80].strip(),
        "concepts": [],
    }


def _complementary(
    number: int, record: str, account: _Account, problems: ProblemLog, notes: list[FieldError]
) -> None:
    if not account.movements:
        problems.add(number, "record", "23", message("bank_reader.n43_concept_before_movement"))
        return
    concepts = account.movements[-1]["concepts"]
    if len(concepts) == 5:
        # Text only, it moves no money: kept, and said, rather than refusing the file.
        movement_line = str(account.movements[-1]["line"])
        notes.append(
            FieldError(number, "", "", message("bank_reader.n43_more_than_five_concepts", line=movement_line))
        )
    concepts.append(compact_text(record[4:42], record[42:80]))


def _equivalence(number: int, record: str, account: _Account, problems: ProblemLog) -> None:
    if not account.movements:
        problems.add(number, "record", "24", message("bank_reader.n43_equivalence_before_movement"))
        return
    _currency(number, record[4:7], problems)
    if not is_digits(record[7:21]):
        problems.add(number, "original_amount", record[7:21], _not_digits(14))


def _end_of_account(number: int, record: str, account: _Account, problems: ProblemLog) -> None:
    if record[2:20] != account.bank + account.branch + account.number:
        problems.add(
            number,
            "account",
            record[2:20],
            message("bank_reader.n43_closing_of_another_account", line=str(account.line)),
        )
    counts = {"debits": record[20:25], "credits": record[39:44]}
    totals = {"debits": record[25:39], "credits": record[44:58]}
    closing = _signed(number, "final_balance", record[58], record[59:73], problems)
    _currency(number, record[73:76], problems)
    actual = {
        "debits": [
            m["amount"] for m in account.movements if m["amount"] is not None and m["amount"] < 0
        ],
        "credits": [
            m["amount"] for m in account.movements if m["amount"] is not None and m["amount"] > 0
        ],
    }
    for side in ("debits", "credits"):
        if not is_digits(counts[side]):
            problems.add(number, f"number_of_{side}", counts[side], _not_digits(5))
        elif int(counts[side]) != len(actual[side]):
            problems.add(
                number,
                f"number_of_{side}",
                counts[side],
                message(
                    "bank_reader.n43_count_differs",
                    stated=str(int(counts[side])),
                    side=_SIDES[side],
                    actual=str(len(actual[side])),
                    difference=str(int(counts[side]) - len(actual[side])),
                ),
            )
        if not is_digits(totals[side]):
            problems.add(number, f"total_{side}", totals[side], _not_digits(14))
            continue
        stated = Decimal(totals[side]).scaleb(-2)
        summed = abs(sum(actual[side], Decimal("0.00")))
        if stated != summed:
            problems.add(
                number,
                f"total_{side}",
                totals[side],
                message(
                    "bank_reader.n43_total_differs",
                    side=_SIDES[side],
                    stated=str(stated),
                    summed=str(summed),
                    difference=str(stated - summed),
                ),
            )
    account.closing = closing
    if (
        closing is not None
        and account.opening is not None
        and all(m["amount"] is not None for m in account.movements)
    ):
        movements = sum((m["amount"] for m in account.movements), Decimal("0.00"))
        check_balance(
            problems,
            number,
            "final_balance",
            account.opening,
            movements,
            closing,
            message("bank_reader.n43_record_33"),
        )


def _end_of_file(number: int, record: str, record_count: int, problems: ProblemLog) -> None:
    stated = record[20:26]
    if not is_digits(stated):
        problems.add(number, "number_of_records", stated, _not_digits(6))
    elif int(stated) != record_count:
        problems.add(
            number,
            "number_of_records",
            stated,
            message(
                "bank_reader.n43_record_count_differs",
                stated=str(int(stated)),
                actual=str(record_count),
                difference=str(int(stated) - record_count),
            ),
        )


def _not_digits(count: int) -> Message:
    return message("bank_reader.n43_not_digits", count=str(count))


def _date(number: int, column: str, text: str, problems: ProblemLog) -> date | None:
    if is_digits(text):
        try:
            return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
        except ValueError:
            pass
    problems.add(number, column, text, message("bank_reader.n43_not_a_date"))
    return None


def _signed(
    number: int, column: str, sign: str, digits: str, problems: ProblemLog
) -> Decimal | None:
    if sign not in ("1", "2"):
        problems.add(
            number, f"{column}_sign", sign, message("bank_reader.n43_not_a_sign")
        )
        return None
    if not is_digits(digits):
        problems.add(
            number, column, digits, message("bank_reader.n43_not_an_amount")
        )
        return None
    amount = Decimal(digits).scaleb(-2)
    return -amount if sign == "1" else amount


def _currency(number: int, code: str, problems: ProblemLog) -> str:
    if code not in NUMERIC_CURRENCIES:
        problems.add(
            number,
            "currency",
            code,
            message("bank_reader.n43_unknown_currency"),
        )
        return ""
    return NUMERIC_CURRENCIES[code]
