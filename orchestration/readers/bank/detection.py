"""Which bank statement format a file holds, told by its content, not its name."""

import re

_N43_HEADER = re.compile(r"11[0-9]{30}[12][0-9]{14}[0-9]{3}")
_CAMT_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.05([34])\.001\.[0-9]{2}")
_CAMT_ROOT = re.compile(r"<(?:\w+:)?(BkToCstmrStmt|BkToCstmrDbtCdtNtfctn)[\s>]")
_MT940_FIELD = re.compile(r"(?m)^:(20|25|28C?|60[FM]|61|62[FM]):")
_SNIFF = 8192


def detect_bank_format(file_name: str, data: bytes) -> str | None:
    """'norma43', 'camt053', 'camt054', 'mt940', 'ofx' or None.

    Content decides; the name is not looked at (a bank's ".txt" may hold any of them).
    A CSV export is not recognised here: it is read through the mapping configured for it.
    """
    head = data[:_SNIFF]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # XML may be UTF-16 (with its byte-order mark): camt files may be; the others not.
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").lstrip()
        return _camt_kind(text) if text.startswith("<") else None
    if b"\x00" in head:
        return None  # binary, or UTF-16 without a byte-order mark
    text = head.decode("latin-1").lstrip()
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if _N43_HEADER.match(first_line):
        return "norma43"
    upper = text.upper()
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or "<?OFX " in upper:
        return "ofx"
    if text.startswith("<"):
        return _camt_kind(text)
    fields = {match.group(1) for match in _MT940_FIELD.finditer(text)}
    if "20" in fields and len(fields) >= 2:
        return "mt940"
    return None


def _camt_kind(text: str) -> str | None:
    if match := _CAMT_NAMESPACE.search(text):
        return f"camt05{match.group(1)}"
    if match := _CAMT_ROOT.search(text):
        return "camt053" if match.group(1) == "BkToCstmrStmt" else "camt054"
    return None
