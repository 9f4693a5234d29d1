"""Small helpers the bank statement readers share."""

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from dashboards.i18n.messages import Message, message

from ..errors import FieldError, ProblemLog
from ..sheet import UnreadableFile
from ..text_decoding import decode_export_text

_CENT = Decimal("0.01")
# The warehouse keeps money as DECIMAL(18, 2).
_MONEY_LIMIT = Decimal(10) ** 16
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")


def to_cents(amount: Decimal) -> Decimal | None:
    """`amount` written with exactly two decimals ("8.850" -> 8.85), or None when that
    would drop a digit (a sub-cent amount; money is never rounded) or the amount does not
    fit DECIMAL(18, 2)."""
    if not amount.is_finite() or abs(amount) >= _MONEY_LIMIT:
        return None
    cents = amount.quantize(_CENT)
    return cents if cents == amount else None


def is_digits(text: str) -> bool:
    """Only ASCII digits, at least one: str.isdigit() also takes "²" or "٣", which int() and
    Decimal() then refuse or misread."""
    return text.isascii() and text.isdigit()


def decode_bank_text(data: bytes, notes: list[FieldError]) -> str:
    """UTF-8, else Windows-1252; else (a DOS code page such as CP850 or CP852, which some
    banks still write) Latin-1 with a note: the formats keep amounts, dates and codes in
    ASCII, so only accented letters of names and texts can come out wrong. NUL bytes
    (UTF-16, binary) are refused as UnreadableFile."""
    try:
        return decode_export_text(data)
    except UnreadableFile as exc:
        if b"\x00" in data:
            raise
        undecodable = exc.reason["args"]  # reader.undecodable_bytes: where the first bad byte is
        notes.append(FieldError(0, "", "", message("bank_reader.read_as_latin1", **undecodable)))
        return data.decode("latin-1")


def without_end_of_file_mark(text: str) -> str:
    """`text` without the DOS end-of-file mark (Ctrl-Z, 0x1A) older banking software still
    writes after the last record."""
    stripped = text.rstrip()
    return stripped.rstrip("\x1a") + "\n" if stripped.endswith("\x1a") else text


def statement_id(account: str, start: date, end: date, sequence: str) -> str:
    """Deterministic: the same statement read twice, from any copy, gets the same id."""
    return f"{account}|{start.isoformat()}|{end.isoformat()}|{sequence or '1'}"


class StatementIds:
    """Statement ids unique within one file. A repeat of account, period and sequence (two
    pages that share a sequence number, a bank that writes the same :28C: every time) gets
    its rank in the file appended, so each statement keeps its own lines."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def new(self, account: str, start: date, end: date, sequence: str) -> str:
        base = statement_id(account, start, end, sequence)
        rank = self._seen[base] = self._seen.get(base, 0) + 1
        return base if rank == 1 else f"{base}#{rank}"


def is_valid_iban(text: str) -> bool:
    if not _IBAN.fullmatch(text):
        return False
    rearranged = text[4:] + text[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def find_iban(text: str) -> str | None:
    """The first valid IBAN written in `text` (spaces allowed inside it), else None."""
    compact = re.sub(r"\s+", "", text.upper())
    for match in _IBAN.finditer(compact):
        candidate = match.group()
        # An IBAN has a fixed length per country; try the longest prefix that validates.
        for length in range(len(candidate), 14, -1):
            if is_valid_iban(candidate[:length]):
                return candidate[:length]
    return None


def check_balance(
    problems: ProblemLog,
    line: int,
    column: str,
    opening: Decimal,
    movements: Decimal,
    closing: Decimal,
    what: Message,
) -> None:
    """Opening + Σ movements must equal closing; the report gives the difference."""
    computed = opening + movements
    if computed != closing:
        problems.add(
            line,
            column,
            str(closing),
            message(
                "bank_reader.balance_does_not_add_up",
                what=what,
                closing=str(closing),
                opening=str(opening),
                movements=str(movements),
                computed=str(computed),
                difference=str(closing - computed),
            ),
        )


def compact_text(*parts: str) -> str:
    """Parts joined by one space, runs of blanks collapsed."""
    # Splitting the joined parts drops blank parts and collapses runs in one pass.
    return " ".join(" ".join(parts).split())


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside. Reading a large bank file allocates millions of
    objects that hold no cycles (a camt file's element tree, a line object per line, their
    Decimals and dates): reference counting frees them, and each collection their
    allocations set off walked all of them again, nearly a third of a large camt file's
    read. What was collectable before is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
