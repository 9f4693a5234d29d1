"""Text from the data (client names, free text, a client id from a link) shown in
Streamlit elements that render markdown (titles, headers, captions, alerts, labels).

Every character that can start markdown, HTML or a Streamlit directive is
backslash-escaped (CommonMark allows it for all ASCII punctuation), so the text reads as it
was written and can never become a link, an image, an HTML tag, an entity, emphasis,
maths, a colour or an icon. Punctuation that only means something at the start of a line
(a list's `-`, `+` or `1.`, a heading's `=`) is escaped there only, so ordinary names
("Talleres Norte S.A.", "García-López") keep their text as it is."""

import re

_ANYWHERE = re.compile(r"([\\`*_\[\]<>#!|~$:&])")
_LINE_START = re.compile(r"(?m)^(\s*)([-+=])|^(\s*\d+)([.)])")


def literal(text: object) -> str:
    """`text` escaped for an element that renders markdown; tables and widget options
    show text as it is and need no escaping."""
    escaped = _ANYWHERE.sub(r"\\\1", str(text))
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}", escaped)
