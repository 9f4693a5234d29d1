"""A regular Norma 43 file read as columns: numpy over the records' characters, Arrow for
the texts, no Python object per record.

Regular means what banks write nearly always: one file (a single record 88, last), LF or
CRLF line breaks or records back to back, no record longer than 80 characters, every
record where the layout puts it, every field what its position holds, at most five
complementary concepts (23) per movement, and every control figure (record 33, the 88's
count) in agreement. Such a file is read here whole. Anything else returns None and the
file is read record by record (norma43.py), which words every problem the way the
bookkeeper reads it and every lenient reading as a note; so a file is accepted here only
where that reading would accept it, with the same statements and lines. Positions below
are 0-based slices of the 80-character record; norma43.py documents the layout.
"""

from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa

from .common import statement_id
from .model import LINE_SCHEMA, BankStatement
from .norma43_codes import NUMERIC_CURRENCIES, RECORD_LENGTH, account_number

_SPACE = ord(" ")
_DIGIT_ZERO, _DIGIT_NINE = ord("0"), ord("9")
# Characters str.splitlines() breaks a line at besides "\n" and "\r": in a file that
# holds one of them (or a "\r" not before "\n") the lines are not the "\n"-separated ones.
_OTHER_LINE_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_OVERFLOW_GUARD = 2**62
# Records (or movements' texts) handled at a time: bounds the memory of the arrays
# of characters built from them and the size of each Arrow string array.
_TEXT_CHUNK = 65_536
# The ISO letters of each numeric code read as a number ("978" -> 978 -> EUR): -1 for a
# code that is not one.
_CURRENCY_NAMES = list(NUMERIC_CURRENCIES.values())
_CURRENCY_INDEX = np.full(1000, -1, dtype=np.int64)
_CURRENCY_INDEX[[int(code) for code in NUMERIC_CURRENCIES]] = np.arange(len(NUMERIC_CURRENCIES))


class _Irregular(Exception):
    """The file is not regular: it is read record by record instead."""


def read_regular_norma43(text: str) -> tuple[list[BankStatement], pa.Table] | None:
    """(statements, line columns) of a regular file, else None (module docstring)."""
    try:
        return _read(text)
    except _Irregular:
        return None


def _read(text: str) -> tuple[list[BankStatement], pa.Table]:
    if not text or text.count("\r") != text.count("\r\n") or any(mark in text for mark in _OTHER_LINE_BREAKS):
        raise _Irregular  # a "\r" alone, a form feed...: lines not split at "\n" alone
    chars, numbers = _records(text)
    codes = _number(chars, 0, 2)
    header, movement, concept, equivalence, closing, end = (
        codes == code for code in (11, 22, 23, 24, 33, 88)
    )
    _require(_digits(chars, 0, 2) & (header | movement | concept | equivalence | closing | end))
    _check_order(codes)

    headers, closings, movements = (np.flatnonzero(kind) for kind in (header, closing, movement))
    # The account each movement belongs to: the last header before it.
    account_of = np.searchsorted(headers, movements) - 1
    per_account = np.bincount(account_of, minlength=len(headers))

    opening = _signed(chars[headers], 32, 33)
    closing_balance = _signed(chars[closings], 58, 59)
    amounts = _signed(chars[movements], 27, 28)
    booking = _dates(chars[movements], 10)
    value = _dates(chars[movements], 16)
    starts, ends = _dates(chars[headers], 20), _dates(chars[headers], 26)
    currencies = _currencies(chars[headers], 47)
    _currencies(chars[closings], 73)
    _currencies(chars[equivalence], 4)
    _require(_digits(chars[equivalence], 7, 21))
    _require(np.all(chars[closings, 2:20] == chars[headers, 2:20]))
    _check_concepts_per_movement(concept, movements)
    _check_closing_figures(chars[closings], per_account, amounts, opening, closing_balance)
    _require(np.all(_digits(chars[end], 20, 26)) and _number(chars[end], 20, 26)[0] == len(chars) - 1)

    statements = _statements(chars[headers], chars[closings], starts, ends, currencies, per_account)
    statement_of = np.repeat(np.arange(len(headers)), per_account)
    first_of_account = np.repeat(np.cumsum(per_account) - per_account, per_account)
    columns = {
        "statement_id": pa.array([s.statement_id for s in statements], pa.string()).take(statement_of),
        "account": pa.array([s.account for s in statements], pa.string()).take(statement_of),
        "line_number": pa.array(np.arange(len(movements)) - first_of_account + 1, pa.int64()),
        "booking_date": pa.array(booking, pa.date32()),
        "value_date": pa.array(value, pa.date32()),
        "amount": _decimal_cents(amounts),
        "currency": pa.array([s.currency for s in statements], pa.string()).take(statement_of),
        "counterparty_name": pa.repeat(pa.scalar("", pa.string()), len(movements)),
        "counterparty_account": pa.repeat(pa.scalar("", pa.string()), len(movements)),
        "remittance_text": _remittance(chars, movement, concept),
        "bank_transaction_code": _bank_codes(chars[movements]),
        "reference": _references(chars[movements]),
        "source_line": pa.array(numbers[movements], pa.int64()),
    }
    return statements, pa.Table.from_pydict(columns, schema=LINE_SCHEMA)


def _require(condition) -> None:
    if not np.all(condition):
        raise _Irregular


def _records(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(records as a rows x 80 array of character codes padded with blanks, each record's
    1-based physical line number), the lines as norma43.py splits them."""
    try:
        flat = np.frombuffer(text.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        flat = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    breaks = np.flatnonzero(flat == ord("\n"))
    line_starts = np.concatenate(([0], breaks + 1))
    line_ends = np.concatenate((breaks, [len(flat)]))
    has_cr = (line_ends > line_starts) & (flat[np.maximum(line_ends - 1, 0)] == ord("\r"))
    line_ends = line_ends - has_cr
    if line_ends[-1] == line_starts[-1]:
        line_starts, line_ends = line_starts[:-1], line_ends[:-1]  # the text's last "\n"
    lengths = line_ends - line_starts
    if len(lengths) == 1 and lengths[0] > RECORD_LENGTH and lengths[0] % RECORD_LENGTH == 0:
        # Records back to back, without line breaks.
        records = lengths[0] // RECORD_LENGTH
        return flat[: records * RECORD_LENGTH].reshape(records, RECORD_LENGTH), np.arange(1, records + 1)
    if np.any(lengths > RECORD_LENGTH):
        raise _Irregular
    numbers = np.arange(1, len(lengths) + 1)
    blank = _blank_lines(flat, line_starts, lengths)
    line_starts, lengths, numbers = line_starts[~blank], lengths[~blank], numbers[~blank]
    if not len(numbers):
        raise _Irregular
    stride = line_starts[1] - line_starts[0] if len(line_starts) > 1 else RECORD_LENGTH
    if np.all(lengths == RECORD_LENGTH) and np.all(line_starts == line_starts[0] + np.arange(len(line_starts)) * stride):
        # Every record 80 characters and the same line break after each: a view, no copy.
        window = np.lib.stride_tricks.as_strided(
            flat[line_starts[0] :], shape=(len(line_starts), RECORD_LENGTH), strides=(stride * flat.itemsize, flat.itemsize)
        )
        return window, numbers
    records = np.full((len(line_starts), RECORD_LENGTH), _SPACE, dtype=flat.dtype)
    padded = np.concatenate((flat, np.full(RECORD_LENGTH, _SPACE, dtype=flat.dtype)))
    offsets = np.arange(RECORD_LENGTH)
    for first in range(0, len(line_starts), _TEXT_CHUNK):
        chunk = slice(first, first + _TEXT_CHUNK)
        positions = line_starts[chunk, None] + offsets
        inside = offsets < lengths[chunk, None]
        records[chunk] = np.where(inside, padded[positions], _SPACE)
    return records, numbers


def _blank_lines(flat: np.ndarray, line_starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Lines of nothing but blanks, which norma43.py skips. A line of other whitespace
    only (a tab) is not skipped here: its record code then makes the file irregular."""
    blank = lengths == 0
    # Only a line that starts with a blank can be all blanks: those few are looked at whole.
    candidates = np.flatnonzero(~blank & (flat[np.minimum(line_starts, len(flat) - 1)] == _SPACE))
    for line in candidates:
        start = line_starts[line]
        blank[line] = not np.any(flat[start : start + lengths[line]] != _SPACE)
    return blank


def _digits(chars: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Per record: positions start:stop hold only ASCII digits."""
    field = chars[:, start:stop]
    return np.all((field >= _DIGIT_ZERO) & (field <= _DIGIT_NINE), axis=1)


def _number(chars: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Per record: positions start:stop read as a decimal number (digits checked apart;
    14 digits at most, well inside int64)."""
    powers = 10 ** np.arange(stop - start - 1, -1, -1, dtype=np.int64)
    return (chars[:, start:stop].astype(np.int64) - _DIGIT_ZERO) @ powers


def _signed(chars: np.ndarray, sign_at: int, digits_at: int) -> np.ndarray:
    """Signed cents of a sign (1 debit, 2 credit) and 14 digits, the last 2 decimals."""
    sign = chars[:, sign_at]
    _require(((sign == ord("1")) | (sign == ord("2"))) & _digits(chars, digits_at, digits_at + 14))
    cents = _number(chars, digits_at, digits_at + 14)
    return np.where(sign == ord("1"), -cents, cents)


def _dates(chars: np.ndarray, start: int) -> np.ndarray:
    """YYMMDD at `start` as datetime64[D] (20YY, as norma43.py reads it)."""
    _require(_digits(chars, start, start + 6))
    year = 2000 + _number(chars, start, start + 2)
    month = _number(chars, start + 2, start + 4)
    day = _number(chars, start + 4, start + 6)
    _require((month >= 1) & (month <= 12) & (day >= 1))
    first = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    days = first.astype("datetime64[D]") + (day - 1)
    _require(days < (first + 1).astype("datetime64[D]"))
    return days


def _currencies(chars: np.ndarray, start: int) -> np.ndarray:
    """Indexes into _CURRENCY_NAMES of the ISO numeric codes at start:start+3."""
    _require(_digits(chars, start, start + 3))
    indexes = _CURRENCY_INDEX[_number(chars, start, start + 3)]
    _require(indexes >= 0)
    return indexes


def _check_order(codes: np.ndarray) -> None:
    """One file: 11, then movements (22, each followed by its 23 and 24), 33, again for
    each account, and a single 88 last. Each record allows only some records before it."""
    _require(codes[0] == 11 and codes[-1] == 88 and np.count_nonzero(codes == 88) == 1)
    _require(_ALLOWED_AFTER[codes[:-1], codes[1:]])


def _allowed_after() -> np.ndarray:
    """[previous record code, record code] -> may it follow?"""
    allowed = np.zeros((100, 100), dtype=bool)
    for code, before in {
        11: (33,),
        22: (11, 22, 23, 24),
        23: (22, 23, 24),
        24: (22, 23, 24),
        33: (11, 22, 23, 24),
        88: (33,),
    }.items():
        allowed[before, code] = True
    return allowed


_ALLOWED_AFTER = _allowed_after()


def _check_concepts_per_movement(concept: np.ndarray, movements: np.ndarray) -> None:
    """At most five 23 records follow each movement (more is read with a note)."""
    concepts_so_far = np.cumsum(concept)
    following = np.diff(np.concatenate((concepts_so_far[movements], [concepts_so_far[-1]])))
    _require(following <= 5)


def _check_closing_figures(
    closings: np.ndarray, per_account: np.ndarray, amounts: np.ndarray, opening: np.ndarray, closing: np.ndarray
) -> None:
    """Record 33's counts and totals of debits and credits and its final balance agree
    with the account's movements (which follow one another, account by account)."""
    # Sums in int64 cannot overflow below this bound (Python ints: the bound itself cannot);
    # a file beyond it is summed exactly, in Decimal, record by record.
    _require(int(np.abs(amounts).max(initial=0)) * len(amounts) < _OVERFLOW_GUARD)
    bounds = np.concatenate(([0], np.cumsum(per_account)))

    def per_account_sum(values: np.ndarray) -> np.ndarray:
        running = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
        return running[bounds[1:]] - running[bounds[:-1]]

    for (count_at, total_at), side in (((20, 25), amounts < 0), ((39, 44), amounts > 0)):
        _require(_digits(closings, count_at, count_at + 5) & _digits(closings, total_at, total_at + 14))
        _require(_number(closings, count_at, count_at + 5) == per_account_sum(side))
        _require(_number(closings, total_at, total_at + 14) == per_account_sum(np.where(side, np.abs(amounts), 0)))
    _require(opening + per_account_sum(amounts) == closing)


def _statements(
    headers: np.ndarray,
    closings: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    currencies: np.ndarray,
    per_account: np.ndarray,
) -> list[BankStatement]:
    """One statement per account header, numbered and valued as norma43.py does (a few
    per file: Python objects here cost nothing)."""
    statements = []
    seen: dict[tuple, int] = {}
    for index, (header, closing) in enumerate(zip(_texts(headers), _texts(closings), strict=True)):
        account_id = account_number(header[2:6], header[6:10], header[10:20])
        start, end = (date.fromisoformat(str(day)) for day in (starts[index], ends[index]))
        key = (account_id, start, end)
        seen[key] = seen.get(key, 0) + 1
        statements.append(
            BankStatement(
                statement_id=statement_id(account_id, start, end, str(seen[key])),
                account=account_id,
                currency=_CURRENCY_NAMES[currencies[index]],
                period_start=start,
                period_end=end,
                opening_balance=_decimal(header[32], header[33:47]),
                closing_balance=_decimal(closing[58], closing[59:73]),
                line_count=int(per_account[index]),
            )
        )
    return statements


def _texts(records: np.ndarray) -> list[str]:
    return [chars.tobytes().decode("utf-32-le") for chars in records.astype("<u4")]


def _decimal(sign: str, digits: str) -> Decimal:
    amount = Decimal(digits).scaleb(-2)
    return -amount if sign == "1" else amount


def _decimal_cents(cents: np.ndarray) -> pa.Array:
    """Signed cents as DECIMAL(18, 2), exactly: Arrow keeps a decimal as its unscaled
    integer in 16 bytes, little-endian two's complement."""
    words = np.empty((len(cents), 2), dtype="<i8")
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # the sign extended into the high word
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [None, pa.py_buffer(words)])


def _remittance(chars: np.ndarray, movement: np.ndarray, concept: np.ndarray) -> pa.ChunkedArray:
    """Reference 2 of each movement and the texts of its 23 records (each record's two
    halves as two parts), compacted as one text, as norma43.py joins them."""
    parts = np.flatnonzero(movement | concept)
    is_movement = movement[parts]
    group_starts = np.flatnonzero(is_movement)
    bounds = np.concatenate((group_starts, [len(parts)]))
    chunks = []
    for first in range(0, len(group_starts), _TEXT_CHUNK):
        last = min(first + _TEXT_CHUNK, len(group_starts))
        rows = parts[bounds[first] : bounds[last]]
        moves = is_movement[bounds[first] : bounds[last]]
        # Each part a row ending in a blank that separates it from the next.
        texts = np.full((len(rows), 38 + 1 + 38 + 1), _SPACE, dtype=chars.dtype)
        texts[moves, :16] = chars[rows[moves], 64:80]
        texts[~moves, :38] = chars[rows[~moves], 4:42]
        texts[~moves, 39:77] = chars[rows[~moves], 42:80]
        chunks.append(_compacted(texts, group_starts[first:last] - bounds[first]))
    return pa.chunked_array(chunks, pa.string())


def _references(movements: np.ndarray) -> pa.ChunkedArray:
    """The document number without its leading zeros (after its leading blanks), then
    reference 1, compacted. The zeros become blanks: leading blanks are dropped alike."""
    texts = np.full((len(movements), 10 + 1 + 12 + 1), _SPACE, dtype=movements.dtype)
    texts[:, :10] = movements[:, 42:52]
    texts[:, 11:23] = movements[:, 52:64]
    document = texts[:, :10]
    blank = _is_blank(document)
    first_word = np.where(blank.all(axis=1), 10, np.argmin(blank, axis=1))
    leading = (np.arange(10) < first_word[:, None]) | (document == ord("0"))
    prefix = np.where(leading.all(axis=1), 10, np.argmin(leading, axis=1))
    document[np.arange(10) < prefix[:, None]] = _SPACE
    chunks = [
        _compacted(texts[first : first + _TEXT_CHUNK], np.arange(len(texts[first : first + _TEXT_CHUNK])))
        for first in range(0, len(texts), _TEXT_CHUNK)
    ]
    return pa.chunked_array(chunks, pa.string())


def _bank_codes(movements: np.ndarray) -> pa.ChunkedArray:
    """Common concept "-" own concept, as written."""
    codes = np.full((len(movements), 6), ord("-"), dtype=movements.dtype)
    codes[:, :2] = movements[:, 22:24]
    codes[:, 3:] = movements[:, 24:27]
    return pa.chunked_array([_utf8_strings(codes.ravel(), np.full(len(codes), 6))], pa.string())


# str.isspace() characters: what compact_text splits at.
_BLANK_CODES = np.array([code for code in range(0x3001) if chr(code).isspace()])
# Those a record of a regular file can hold: the others break lines, so they are not in it.
_BLANK_BYTES = (ord(" "), ord("\t"), 0x1F, 0xA0)


def _is_blank(chars: np.ndarray) -> np.ndarray:
    if chars.dtype != np.uint8:
        return np.isin(chars, _BLANK_CODES)
    blank = chars == _BLANK_BYTES[0]
    for code in _BLANK_BYTES[1:]:
        blank |= chars == code
    return blank


def _compacted(rows: np.ndarray, group_starts: np.ndarray) -> pa.Array:
    """common.compact_text of each group of consecutive rows (a group starts at each of
    `group_starts`; every row ends in a blank): runs of blanks as one space, none at
    either end. Done on the characters: a blank is kept only after a non-blank."""
    flat = rows.ravel()
    blank = _is_blank(flat)
    keep = ~blank
    keep[1:] |= ~blank[:-1]
    kept = np.where(blank[keep], _SPACE, flat[keep])
    per_row = keep.reshape(rows.shape).sum(axis=1)
    lengths = np.add.reduceat(per_row, group_starts) if len(group_starts) else per_row[:0]
    # Every group that kept a word ends in the one blank its last run kept: dropped.
    ends = np.cumsum(lengths) - 1
    trailing = ends[lengths > 0]
    kept = np.delete(kept, trailing)
    lengths = lengths - (lengths > 0)
    return _utf8_strings(kept, lengths)


def _utf8_strings(codes: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Arrow strings from consecutive character codes, `lengths` characters each: the
    codes encoded as UTF-8 in numpy (1 to 4 bytes each)."""
    char_offsets = np.concatenate(([0], np.cumsum(lengths)))
    if codes.dtype == np.uint8:
        # Latin-1: ASCII as it is, any other character as two bytes.
        wide = np.flatnonzero(codes >= 0x80)
        data = np.repeat(codes, 1 + (codes >= 0x80))
        first = wide + np.arange(len(wide))  # each two-byte character's first byte
        data[first] = 0xC0 | (codes[wide] >> 6)
        data[first + 1] = 0x80 | (codes[wide] & 0x3F)
        group_of_wide = np.searchsorted(char_offsets, wide, side="right") - 1
        byte_lengths = lengths + np.bincount(group_of_wide, minlength=len(lengths))
    else:
        codes = codes.astype(np.uint32)
        size = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
        data = np.empty(int(size.sum()), dtype=np.uint8)
        at = np.cumsum(size) - size
        continuation = np.uint32(0x80)
        lead_bits = np.array([0, 0, 0xC0, 0xE0, 0xF0], dtype=np.uint32)[size]
        # Lead byte: the highest bits; then 6 bits per continuation byte, highest first.
        data[at] = (lead_bits | (codes >> (6 * (size - 1)).astype(np.uint32))) & 0xFF
        for byte in range(1, 4):
            more = size > byte
            shift = (6 * (size[more] - 1 - byte)).astype(np.uint32)
            data[at[more] + byte] = continuation | ((codes[more] >> shift) & 0x3F)
        byte_offsets = np.concatenate(([0], np.cumsum(size)))[char_offsets]
        byte_lengths = np.diff(byte_offsets)
    offsets = np.concatenate(([0], np.cumsum(byte_lengths))).astype(np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(lengths), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
