"""Text from the data (client names, free text) shown in Streamlit elements that render
markdown (titles, headers, captions, alerts): every ASCII punctuation character is
backslash-escaped, which CommonMark allows for all of them, so the text reads as it was
written and can never become a link, an image, HTML, a colour or an icon directive."""

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def literal(text: object) -> str:
    """`text` escaped for an element that renders markdown; tables and widget options
    show text as it is and need no escaping."""
    return _PUNCTUATION.sub(r"\\\1", str(text))
