from dashboards.i18n.messages import message

from .sheet import UnreadableFile

_FALLBACK_ENCODING = "cp1252"


def decode_export_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252.

    Windows-1252 agrees with Latin-1 on every printable character, so it reads both; the
    bytes it leaves undefined are C1 control codes that no real Latin-1 text contains.
    NUL bytes mean binary or UTF-16 data, which either decoder would silently garble.
    """
    if b"\x00" in data:
        raise UnreadableFile(message("reader.nul_bytes"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(_FALLBACK_ENCODING)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(message("reader.undecodable_bytes", byte=f"0x{data[exc.start]:02x}", offset=str(exc.start))) from None
