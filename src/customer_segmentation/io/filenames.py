"""File names made from what people typed (segment names, data set names): safe on every file system."""

from __future__ import annotations

import hashlib
import unicodedata

# Well under every file system's 255-byte limit, with room for a prefix, a suffix and a temporary name.
MAX_STEM = 80


def safe_stem(text: str, limit: int = MAX_STEM) -> str:
    """``"High income, high spend (older)"`` -> ``"high_income_high_spend_older"``.

    Letters and digits only (accents dropped), words joined by ``_``, lower case, at most ``limit``
    characters: a longer name is cut at a word and ends with a short hash of the whole, so two long names
    stay two files. Never empty (``"unnamed"``).
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    stem = "_".join("".join(c if c.isalnum() else " " for c in plain.lower()).split()) or "unnamed"
    if len(stem) <= limit:
        return stem
    digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:8]
    cut = stem[: limit - len(digest) - 1]
    cut = cut.rsplit("_", 1)[0] if "_" in cut else cut
    return f"{cut}_{digest}"


__all__ = ["MAX_STEM", "safe_stem"]
