import codecs
import csv
import io

from .sheet import Sheet, SheetRow, UnreadableFile, split_header
from .text_decoding import decode_export_text


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_csv_sheet(data: bytes) -> Sheet:
    text = _decode(data)
    delimiter = _detect_delimiter(text)
    # strict mode turns a quote that is never closed into an error instead of letting
    # one field silently swallow the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SheetRow] = []
    row_start = 1
    try:
        for cells in reader:
            rows.append(SheetRow(row_start, cells))
            row_start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFile(f"malformed CSV quoting ({exc})", row_start) from None
    return split_header(rows, decimal_separator="," if delimiter == ";" else ".")


def _decode(data: bytes) -> str:
    """UTF-16 with its byte-order mark (Excel's "Unicode text" export), else what
    decode_export_text reads. Without the mark UTF-16's byte order is a guess: refused."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"damaged UTF-16 text (byte offset {exc.start})") from None
    if b"\x00" in data:
        raise UnreadableFile("not a text file (contains NUL bytes; UTF-16 needs its byte-order mark)")
    return decode_export_text(data)


def _detect_delimiter(text: str) -> str:
    """The header names no column with "," or ";", so whichever it holds more is the
    delimiter. A header split by tabs alone is refused by name: read as one column, it
    would only say that every required column is missing."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    if "\t" in first_line and not (";" in first_line or "," in first_line):
        raise UnreadableFile("the header is split by tabs; exports are delimited by , or ;", 1)
    return ";" if first_line.count(";") > first_line.count(",") else ","
