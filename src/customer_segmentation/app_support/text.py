"""Text from a file or the configuration, made safe to show in Streamlit's markdown.

Headers, cells, segment names, labels and actions come from users' files and configuration; Streamlit's
``st.markdown``, ``st.error``, ``st.caption`` and the like render markdown, links, images and LaTeX. Every such
text goes through :func:`as_text` first: each markdown, HTML and LaTeX character is escaped, so it reads as
typed and nothing in it renders, loads or links.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be escaped with a backslash; "$" also starts LaTeX in Streamlit.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&\"'=])")


def as_text(value: object) -> str:
    """``value`` as literal text for a markdown element: ``[click](http://x)`` shows as typed, not as a link."""
    return _SPECIAL.sub(r"\\\1", str(value))


__all__ = ["as_text"]
