"""SWIFT MT940 customer statements.

Fields used: :20: reference, :25: account, :28C: statement/sequence number, :60F:/:60M:
opening balance (final or intermediate), :61: movement, :86: the movement's details
(multi-line; German SEPA ?NN subfields understood), :62F:/:62M: closing balance.
Every statement (one :20: ... :62a: block, several per file) must satisfy
opening + Σ :61: = closing. SWIFT envelope blocks ({1:...}{2:...}{4: ... -}) are skipped.

What real banks write, accepted: CRLF or LF, Latin-1 or UTF-8, a DOS Ctrl-Z at the end,
the "-" end mark present or not, several :20: blocks with or without "-" between them,
:86: over several lines, :86:, :64: and :65: after :62a: (statement-level, not a line's),
a :NS: field (non-SWIFT, ignored), any transaction type N/F + 3 characters or S + 3
(NMSC, NTRF, FTRF, S103, an unknown NXYZ: kept as written), amounts "1250," or "20,5"
(comma decimals, as the standard writes them), an entry date (MMDD) across the year end
or left blank, several :86: for one movement (joined), SOH/ETX framing characters, a
lone "-" inside wrapped :86: text (a "-" line ends a statement only after its :62a:),
Dutch structured details (/EREF/, /CNTP/, /REMI/, /IBAN/, /NAME/ of ING, ABN AMRO).
With a note: text lines outside any statement (a bank's header such as "ABNANL2A / 940"
or ":940:"; skipped), a value date past its month's end (the 30th of February some banks
write for month-end interest; read as the month's last day), an amount without its
decimal comma ("C500NTRF"), text in a DOS code page (read as Latin-1).
Rejected: a balance that does not add up, a field outside a statement (a :61: after the
last "-"), a missing :25:/:60a:/:62a: (truncation), an amount with a decimal point, an
MT942 interim report (:13D:/:34F:/:90a:) offered as a statement.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dashboards.i18n.messages import Message, message

from ..errors import FieldError, ProblemLog
from ..sheet import UnreadableFile
from .common import (
    StatementIds,
    check_balance,
    compact_text,
    decode_bank_text,
    find_iban,
    to_cents,
    without_end_of_file_mark,
)
from .model import BankStatement, BankStatementLine

# :NS: is a non-SWIFT field some banks add (posting texts); read as a field, then ignored.
_TAG = re.compile(r":([0-9]{2}[A-Z]?|NS):")
_BALANCE = re.compile(r"([CD])([0-9]{6})([A-Z]{3})([0-9][0-9,]*)")
# Some banks leave the entry date blank (four spaces), write a whole amount without its
# comma ("C500NTRF") or pad the type code with spaces ("S   "): read, the amount with a note.
_MOVEMENT = re.compile(
    r"(?P<value>[0-9]{6})(?P<entry>[0-9]{4}| {4})?(?P<mark>RC|RD|EC|ED|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>[0-9]+(?:,[0-9]*)?)(?P<type>[NFS][A-Z0-9 ]{3})(?P<own>.*?)"
    r"(?://(?P<bank>[^\n]*))?"
    r"(?:\n(?P<extra>.*))?",
    re.DOTALL,
)
_SUBFIELD = re.compile(r"\?([0-9]{2})")
# Dutch structured :86: keys (SWIFT "structured information to account owner").
_SLASH_KEY = re.compile(
    r"/(EREF|PREF|CNTP|REMI|MARF|CSID|RTRN|BENM|ORDP|IREF|PURP|ULTC|ULTD|ULTB|SVCL|EXCH|CHGS"
    r"|OCMT|ISDT|TRCD|RTYP|ACCW|BUSP|TRTP|IBAN|BIC|NAME)/"
)
# A SEPA keyword (EREF+, SVWZ+, KREF+...) or bank label (MTLG:) opens a new purpose segment.
_KEYWORD = re.compile(r"[A-Z]{3,4}[+:]")


@dataclass
class _Statement:
    line: int
    reference: str = ""
    account: str = ""
    sequence: str = ""
    opening: tuple[Decimal, date, str] | None = None
    closing: tuple[Decimal, date, str] | None = None
    closing_line: int = 0
    movements: list[dict] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


def read_mt940(
    data: bytes, problems: ProblemLog
) -> tuple[list[BankStatement], list[BankStatementLine], list[FieldError]]:
    """(statements, lines, notes); notes say what was read leniently."""
    notes: list[FieldError] = []
    try:
        text = without_end_of_file_mark(decode_bank_text(data, notes))
    except UnreadableFile as exc:
        problems.add(0, "", "", exc.reason)
        return [], [], []
    statements: list[_Statement] = []
    outside: list[Message] = []
    current: _Statement | None = None
    for line, tag, value in _fields(text):
        if tag == "-":
            current = None
            continue
        if tag == "?":
            # Text before the first field or between statements: a bank's own header
            # ("ABNANL2A", "940", "0000 01INGBNL2AXXXX00001") or trailer, not SWIFT fields.
            outside.append(message("bank_reader.mt940_outside_line", line=str(line), text=repr(value.strip()[:30])))
            continue
        if tag == "20" or current is None:
            current = _Statement(line)
            statements.append(current)
            if tag != "20":
                problems.add(
                    line,
                    f":{tag}:",
                    value[:30],
                    message("bank_reader.mt940_field_outside_statement"),
                )
        _field(current, line, tag, value, problems, notes)
    if not statements:
        problems.add(0, "", "", message("bank_reader.mt940_no_statement"))
    if outside:
        shown = [*outside[:3], *(["..."] if len(outside) > 3 else [])]
        skipped = message("bank_reader.mt940_lines_outside_skipped", count=str(len(outside)), lines=shown)
        notes.append(FieldError(0, "", "", skipped))
    for statement in statements:
        _check(statement, problems)
    return (*_normalise(statements), notes)


def _fields(text: str):
    """(line, tag, value) per field; continuation lines join the field with "\\n".

    A "-" line ends a statement only once its closing balance :62a: has been read: before
    that it is a line of wrapped text (ING wraps :86: at 65 characters, and a lone "-"
    can fall on a line of its own).
    """
    pending: list = []
    closed = True
    for number, raw in enumerate(text.splitlines(), 1):
        # SOH and ETX frame some banks' FIN transmissions; they are no part of a field.
        line = raw.strip("\x01\x03").rstrip()
        if line.startswith("{") and "{4:" in line:
            line = line.split("{4:", 1)[1]
        elif line.startswith("{"):
            continue
        if line == "-" and pending and not closed:
            pending[2].append(line)
            continue
        if line in ("-", "-}") or line.startswith("-}"):
            if pending:
                yield pending[0], pending[1], "\n".join(pending[2])
                pending = []
            yield number, "-", ""
            continue
        match = _TAG.match(line)
        if match:
            if pending:
                yield pending[0], pending[1], "\n".join(pending[2])
            pending = [number, match.group(1), [line[match.end() :]]]
            if match.group(1) == "20" or match.group(1).startswith("62"):
                closed = match.group(1) != "20"
        elif pending:
            pending[2].append(line)
        elif line.strip():
            yield number, "?", line
    if pending:
        yield pending[0], pending[1], "\n".join(pending[2])


def _field(
    statement: _Statement,
    line: int,
    tag: str,
    value: str,
    problems: ProblemLog,
    notes: list[FieldError],
) -> None:
    statement.tags.add(tag)
    if tag == "20":
        statement.reference = value.strip()
    elif tag in ("25", "25P"):
        statement.account = value.strip()
    elif tag in ("28", "28C"):
        statement.sequence = "".join(value.split())  # ING wraps "0000" + "0" over two lines
    elif tag in ("60F", "60M"):
        statement.opening = _balance(line, tag, value, problems)
    elif tag in ("62F", "62M"):
        statement.closing = _balance(line, tag, value, problems)
        statement.closing_line = line
    elif tag == "61":
        if statement.closing is not None:
            problems.add(line, ":61:", value[:30], message("bank_reader.mt940_movement_after_closing"))
        statement.movements.append(_movement(line, value, problems, notes))
    elif tag == "86" and statement.movements and statement.closing is None:
        # Some banks (Rabobank) write a movement's details as several :86: fields.
        previous = statement.movements[-1]["details"]
        statement.movements[-1]["details"] = value if previous is None else f"{previous}\n{value}"
    elif tag == "?":
        problems.add(line, "", value[:30], message("bank_reader.mt940_text_outside_field"))


def _balance(
    line: int, tag: str, value: str, problems: ProblemLog
) -> tuple[Decimal, date, str] | None:
    match = _BALANCE.fullmatch(value.strip())
    day = _date(match.group(2)) if match else None
    amount = _amount(match.group(4)) if match else None
    if not match or day is None or amount is None:
        problems.add(
            line,
            f":{tag}:",
            value.strip(),
            message("bank_reader.mt940_not_a_balance"),
        )
        return None
    return (amount if match.group(1) == "C" else -amount), day, match.group(3)


def _movement(line: int, value: str, problems: ProblemLog, notes: list[FieldError]) -> dict:
    match = _MOVEMENT.fullmatch(value)
    movement = {"line": line, "amount": None, "details": None}
    if not match:
        problems.add(
            line,
            ":61:",
            value.split("\n")[0],
            message("bank_reader.mt940_not_a_statement_line"),
        )
        return movement
    value_date = _date(match["value"]) or _month_end(match["value"])
    amount = _amount(match["amount"])
    if value_date is None or amount is None:
        problems.add(
            line,
            ":61:",
            value.split("\n")[0],
            message("bank_reader.mt940_invalid_value_date_or_amount"),
        )
        return movement
    if _date(match["value"]) is None:
        month_end = message(
            "bank_reader.mt940_value_date_past_month_end", written=match["value"], date=value_date.isoformat()
        )
        notes.append(FieldError(line, "", "", month_end))
    if "," not in match["amount"]:
        whole = message("bank_reader.mt940_amount_without_comma", written=match["amount"], amount=str(amount))
        notes.append(FieldError(line, "", "", whole))
    booking_date = value_date
    if match["entry"] and match["entry"].strip():
        booking_date = _entry_date(value_date, match["entry"])
        if booking_date is None:
            problems.add(line, ":61:", match["entry"], message("bank_reader.mt940_invalid_entry_date"))
            return movement
    # C credit and RD (reversal of a debit) bring money in; D and RC take it out.
    sign = 1 if match["mark"] in ("C", "RD", "EC") else -1
    movement.update(
        amount=sign * amount,
        value_date=value_date,
        booking_date=booking_date,
        type=match["type"].strip(),
        own=(match["own"] or "").strip(),
        bank=(match["bank"] or "").strip(),
        extra=(match["extra"] or "").strip(),
    )
    return movement


def _check(statement: _Statement, problems: ProblemLog) -> None:
    where = statement.line
    if statement.opening is None and statement.tags & {"13", "13D", "34F", "90C", "90D"}:
        problems.add(
            where,
            ":34F:",
            "",
            message("bank_reader.mt940_interim_report", line=str(where)),
        )
        return
    for name, value in (
        ("25", statement.account),
        ("60F", statement.opening),
        ("62F", statement.closing),
    ):
        if not value:
            problems.add(
                where,
                f":{name}:",
                "",
                message("bank_reader.mt940_missing_field", line=str(where), field=name[:2]),
            )
    if statement.opening is None or statement.closing is None:
        return
    if any(m["amount"] is None for m in statement.movements):
        return
    if statement.opening[2] != statement.closing[2]:
        problems.add(
            statement.closing_line,
            ":62a:",
            statement.closing[2],
            message("bank_reader.mt940_currency_differs", currency=statement.opening[2]),
        )
    movements = sum((m["amount"] for m in statement.movements), Decimal("0"))
    check_balance(
        problems,
        statement.closing_line,
        ":62a:",
        statement.opening[0],
        movements,
        statement.closing[0],
        message(
            "bank_reader.mt940_statement", reference=repr(statement.reference), sequence=statement.sequence
        ),
    )


def _normalise(statements: list[_Statement]) -> tuple[list[BankStatement], list[BankStatementLine]]:
    result: list[BankStatement] = []
    lines: list[BankStatementLine] = []
    ids = StatementIds()
    for statement in statements:
        if statement.opening is None or statement.closing is None:
            continue
        account = find_iban(statement.account) or statement.account
        currency = statement.closing[2]
        sid = ids.new(account, statement.opening[1], statement.closing[1], statement.sequence)
        result.append(
            BankStatement(
                statement_id=sid,
                account=account,
                currency=currency,
                period_start=statement.opening[1],
                period_end=statement.closing[1],
                opening_balance=statement.opening[0],
                closing_balance=statement.closing[0],
                line_count=len(statement.movements),
            )
        )
        for index, movement in enumerate(statement.movements, 1):
            if movement["amount"] is None:
                continue
            details = _details(movement["details"] or "")
            # ING writes the kind of reference (EREF, PREF) where the reference belongs.
            own = movement["own"] if movement["own"] not in ("NONREF", "EREF", "PREF") else ""
            reference = own or movement["bank"]
            lines.append(
                BankStatementLine(
                    statement_id=sid,
                    account=account,
                    line_number=index,
                    booking_date=movement["booking_date"],
                    value_date=movement["value_date"],
                    amount=movement["amount"],
                    currency=currency,
                    counterparty_name=details["name"],
                    counterparty_account=details["account"],
                    remittance_text=details["text"],
                    bank_transaction_code=movement["type"],
                    reference=details["reference"] or reference,
                    source_line=movement["line"],
                )
            )
    return result, lines


def _details(text: str) -> dict[str, str]:
    """:86: details: German structured (?00 posting text, ?20-?29 and ?60-?63 purpose,
    ?30 BIC, ?31 account, ?32-?33 name), Dutch structured (/EREF/, /CNTP/, /REMI/ ...,
    as ING, ABN AMRO and Rabobank write SEPA details) or free text."""
    joined = text.replace("\n", "")
    if _SLASH_KEY.match(joined):
        return _slash_details(joined)
    if not _SUBFIELD.search(joined):
        return {"name": "", "account": "", "text": compact_text(*text.split("\n")), "reference": ""}
    parts: dict[str, list[str]] = {}
    pieces = _SUBFIELD.split(joined)
    for code, value in zip(pieces[1::2], pieces[2::2], strict=False):
        parts.setdefault(code, []).append(value)
    purpose = "".join(
        value
        for code in sorted(parts)
        if "20" <= code <= "29" or "60" <= code <= "63"
        for value in parts[code]
    )
    reference = ""
    segments: list[str] = []
    for code in sorted(code for code in parts if "20" <= code <= "29"):
        for value in parts[code]:
            if _KEYWORD.match(value) or not segments:
                segments.append(value)
            else:
                segments[-1] += value
    for segment in segments:
        if segment.startswith("EREF+"):
            reference = segment[5:].strip()
    return {
        "name": compact_text("".join(parts.get("32", []) + parts.get("33", []))),
        "account": "".join(parts.get("31", [])).strip(),
        "text": compact_text(purpose) or compact_text("".join(parts.get("00", []))),
        "reference": reference,
    }


def _slash_details(joined: str) -> dict[str, str]:
    """/KEY/value fields; lines are wrapped at a fixed width, so they join without a space.
    CNTP is account/BIC/name/city (ING), or IBAN and NAME come on their own (ABN AMRO);
    REMI is USTD//free text, STRD/CUR/creditor reference, or the text itself."""
    pieces = _SLASH_KEY.split(joined)
    fields: dict[str, str] = {}
    for key, value in zip(pieces[1::2], pieces[2::2], strict=False):
        fields.setdefault(key, value.rstrip("/"))
    party = fields.get("CNTP", "").split("/")
    remittance = fields.get("REMI", "")
    for prefix in ("USTD//", "STRD/CUR/"):
        if remittance.startswith(prefix):
            remittance = remittance[len(prefix) :]
    reference = next(
        (fields[key] for key in ("EREF", "PREF") if fields.get(key, "NOTPROVIDED") != "NOTPROVIDED"),
        "",
    )
    return {
        "name": compact_text(fields.get("NAME") or (party[2] if len(party) > 2 else "")),
        "account": (fields.get("IBAN") or party[0]).strip(),
        "text": compact_text(remittance.rstrip("/")),
        "reference": reference.strip(),
    }


def _date(text: str) -> date | None:
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


def _entry_date(value_date: date, mmdd: str) -> date | None:
    month, day = int(mmdd[:2]), int(mmdd[2:])
    year = value_date.year
    # A booking in late December for a value date in January, or the other way round.
    if month == 12 and value_date.month == 1:
        year -= 1
    elif month == 1 and value_date.month == 12:
        year += 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(text: str) -> date | None:
    """A day past the end of its month (YYMM30, YYMM31) read as the month's last day."""
    if int(text[4:6]) not in (30, 31) or not 1 <= int(text[2:4]) <= 12:
        return None
    year, month = 2000 + int(text[:2]), int(text[2:4])
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _amount(text: str) -> Decimal | None:
    if text.count(",") > 1:
        return None
    integer, _, decimals = text.partition(",")
    return to_cents(Decimal(f"{integer}.{decimals.ljust(2, '0')}"))
