"""An export's text as a UTF-8 file DuckDB can read, checked in chunks, never whole.

UTF-8 (with or without BOM) is read where it lies. UTF-16 with its byte-order mark
(Excel's "Unicode text") and Windows-1252 / Latin-1 are copied to a UTF-8 file in the
scratch folder first. Windows-1252 agrees with Latin-1 on every printable character, so
it reads both; the bytes it leaves undefined are C1 control codes no real Latin-1 text
contains. NUL bytes without a UTF-16 mark mean binary data (or UTF-16 whose byte order
is a guess): refused.
"""

import codecs
from pathlib import Path

from dashboards.i18n.messages import Message, message

from .sheet import UnreadableFile

CHUNK_BYTES = 8 * 1024 * 1024
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_FALLBACK_ENCODING = "cp1252"


def utf8_text_file(path: Path, scratch: Path) -> Path:
    """`path` itself when it is UTF-8 text, else a UTF-8 copy of it in `scratch`."""
    with path.open("rb") as file:
        start = file.read(2)
    if start in _UTF16_BOMS:
        return _transcoded(path, scratch, "utf-16", _damaged_utf16)
    if _is_utf8(path):
        return path
    return _transcoded(path, scratch, _FALLBACK_ENCODING, _undecodable)


def _chunks(path: Path):
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    for chunk in _chunks(path):
        if b"\x00" in chunk:
            raise UnreadableFile(message("reader.nul_bytes_without_bom"))
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                # Keep scanning: a NUL byte later still decides the reason.
                utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return utf8


def _transcoded(path: Path, scratch: Path, encoding: str, reason) -> Path:
    target = scratch / f"{path.stem}.utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        for chunk in _chunks(path):
            try:
                out.write(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                raise UnreadableFile(reason(chunk, exc, offset)) from None
            offset += len(chunk)
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise UnreadableFile(reason(b"", exc, offset)) from None
    return target


def _undecodable(chunk: bytes, exc: UnicodeDecodeError, offset: int) -> Message:
    # A single-byte encoding keeps no bytes between chunks: the offset is exact.
    return message("reader.undecodable_bytes", byte=f"0x{chunk[exc.start]:02x}", offset=str(offset + exc.start))


def _damaged_utf16(chunk: bytes, exc: UnicodeDecodeError, offset: int) -> Message:
    return message("reader.damaged_utf16", offset=str(offset + exc.start))
