"""Words for a feature from its label and unit alone, so that any feature reads right without settings.

* A *count* is a feature whose unit is a plural noun that is not a measure ("purchases", "children",
  "orders"): its default words are "few"/"many" ("many children at home"), and one of it is singular
  ("1 child at home", "1 purchase").
* A *days since* feature (a ``days_since`` derivation, or a label "Days since ...") reads as an age:
  "last purchase 48 days ago"; its words are "recent purchase" and "no purchase for long".
* An age is "young" or "older".
"""

from __future__ import annotations

# Units that measure rather than count: they keep "low"/"high".
MEASURES = {"usd", "eur", "gbp", "jpy", "score", "years", "months", "weeks", "days", "hours", "minutes", "seconds",
            "km", "kg", "points", "percent", "%"}
_IRREGULAR = {"children": "child", "people": "person", "men": "man", "women": "woman"}
DAYS_SINCE = "days since "


def is_count(unit: str) -> bool:
    """Whether ``unit`` counts things ("purchases", "children") rather than measures them."""
    word = unit.strip().lower()
    return bool(word) and " " not in word and word not in MEASURES and (word in _IRREGULAR or word.endswith("s"))


def singular(word: str) -> str:
    """``children`` -> ``child``, ``purchases`` -> ``purchase``, ``categories`` -> ``category``."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if lower.endswith("s") and not lower.endswith("ss") else word


# Labels whose words everyone knows.
_KNOWN = {"age": ("young", "older", "younger", "older")}


def default_words(label: str, unit: str) -> tuple[str, str, str, str]:
    """The words for a low and a high value, and their comparatives, when the table sets none: "young"/"older"
    for an age, "recent purchase"/"no purchase for long" for days since the last purchase, "few purchases"/"many
    purchases" for a count, else "low <label>"/"high <label>"."""
    text = label.strip().lower()
    if text in _KNOWN:
        return _KNOWN[text]
    since = since_what(label)
    if since is not None:
        what = since.removeprefix("last ").removeprefix("the last ")
        return f"recent {what}", f"no {what} for long", f"more recent {what}", f"longer since {since}"
    if is_count(unit):
        counted = text.removeprefix("number of ").strip()
        return f"few {counted}", f"many {counted}", f"fewer {counted}", f"more {counted}"
    return f"low {text}", f"high {text}", f"lower {text}", f"higher {text}"


def counted_label(label: str, unit: str) -> str | None:
    """The label with the count's unit in it, ready to follow a number ("purchases", "children at home"); None
    when the label does not name the unit (then the number carries it: "visits 6 visits" is avoided)."""
    text = label.lower().removeprefix("number of ").strip()
    return text if is_count(unit) and unit.strip().lower() in text.split() else None


def since_what(label: str) -> str | None:
    """"last purchase" for a label "Days since last purchase"; None for other labels."""
    text = label.strip().lower()
    return text[len(DAYS_SINCE):] if text.startswith(DAYS_SINCE) and len(text) > len(DAYS_SINCE) else None


__all__ = ["DAYS_SINCE", "MEASURES", "counted_label", "default_words", "is_count", "since_what", "singular"]
