"""A feature's configuration entry read into a :class:`~customer_segmentation.features.feature.Feature`, every
problem recorded with its fix (the settings are listed in :mod:`.table`'s documentation)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from customer_segmentation.features.feature import (
    BETTER,
    CATEGORY_SETTINGS,
    DERIVATIONS,
    KINDS,
    MULTI_COLUMN,
    SETTINGS,
    TRANSFORMS,
    Feature,
)
from customer_segmentation.features.aggregates import read_aggregate
from customer_segmentation.features.words import default_words
from customer_segmentation.io.filenames import safe_stem

#: A feature's name: a column of every output, an MLflow key, part of file names.
MAX_NAME = 64
_NAME = re.compile(rf"[A-Za-z][A-Za-z0-9_]{{0,{MAX_NAME - 1}}}")
#: Labels, units and words: they name segments, charts and files.
MAX_TEXT = 100
# The strptime directives a date_format may use (``%%`` is a percent sign).
_DIRECTIVES = set("aAbBcdfGHIjmMpSuUVwWxXyYzZ%")
_EXAMPLE = datetime(2014, 12, 31, 23, 59, 58)
# A scale converts a unit (thousands, cents, micro-units): anything beyond is a typo, or overflows.
_SCALES = (1e-12, 1e12)


def quoted(names: list[str]) -> str:
    """``'a', 'b'``: names as a message lists them."""
    return ", ".join(f"'{name}'" for name in names)


def read_feature(name: str, entry: Any, problems: list[str]) -> Feature | None:
    """One feature from its configuration entry; problems are appended, None if it cannot be built."""
    if not _read_name(name, problems):
        return None
    where = f"features.{name}"
    if entry is None:
        entry = {}
    if not isinstance(entry, Mapping):
        problems.append(f"{where} should be a table of settings such as {{column: ..., label: ..., unit: ...}}; "
                        f"got {entry!r}")
        return None
    before = len(problems)
    for key in entry:
        if key not in SETTINGS:
            close = difflib.get_close_matches(str(key), SETTINGS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"{where}: unknown setting '{key}'{hint}; the settings are {', '.join(SETTINGS)}")
    kind = _read_kind(where, entry, problems)
    if kind == "category":
        return _read_category(where, name, entry, problems, before)
    derive = entry.get("derive")
    aggregate, days = None, None
    if "aggregate" in entry:
        aggregate, days = read_aggregate(where, entry["aggregate"], problems)
        clash = [key for key in ("derive", "column", "columns") if key in entry]
        if clash:
            problems.append(f"{where}: aggregate computes the feature from the order log's lines, so it takes no "
                            f"{quoted(clash)}: remove {'them' if len(clash) > 1 else 'it'}")
        derive, sources = None, [name]
    elif derive is not None and derive not in DERIVATIONS:
        close = difflib.get_close_matches(str(derive), DERIVATIONS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(f"{where}: derive '{derive}' is not one of {', '.join(DERIVATIONS)}{hint}")
        derive = None
        sources = None  # which columns it needs depends on the kind: checked once the kind is known
    else:
        sources = _read_sources(where, name, entry, derive, problems)
    reference = _read_reference(where, entry, derive, problems)
    scale = _read_scale(where, entry.get("scale", 1), problems)
    minimum, maximum = _read_range(where, entry.get("range"), problems)
    transform = entry.get("transform")
    if transform is not None and transform not in TRANSFORMS:
        problems.append(f"{where}: transform {transform!r} is not one of {', '.join(TRANSFORMS)} (log: log1p before "
                        "scaling, for skewed money and counts)")
        transform = None
    if transform == "log":
        if minimum is not None and minimum < 0:
            problems.append(f"{where}: transform: log needs values of at least 0, but its range starts at "
                            f"{_number(minimum)}; raise the range's min to 0 or remove 'transform'")
        minimum = 0.0 if minimum is None else minimum
    texts = {key: _read_text(where, key, entry.get(key), problems)
             for key in ("label", "unit", "low", "high", "lower", "higher")}
    texts["date_format"] = _read_date_format(where, entry.get("date_format"), problems)
    actions = entry.get("actions") or {}
    if not isinstance(actions, Mapping) or not set(actions) <= {"low", "high"} or not all(
            isinstance(text, str) for text in actions.values()):
        problems.append(f"{where}: 'actions' should be {{low: <text>, high: <text>}}; got {actions!r}")
        actions = {}
    better = entry.get("better")
    if better is not None and better not in BETTER:
        problems.append(f"{where}: better {better!r} should be low (e.g. days since the last purchase) or high "
                        "(e.g. spend); leave it out when neither is better (e.g. children at home)")
        better = None
    if len(problems) > before or sources is None:
        return None
    label = texts["label"] or name.replace("_", " ").strip().capitalize()
    default_low, default_high, default_lower, default_higher = default_words(label, texts["unit"] or "")
    low = texts["low"] or default_low
    high = texts["high"] or default_high
    return Feature(
        name=name, label=label, unit=texts["unit"] or "", sources=tuple(sources), derive=derive,
        reference=reference, date_format=texts["date_format"] or None, scale=scale, minimum=minimum,
        maximum=maximum, low=low, high=high,
        lower=texts["lower"] or (_comparative(low, "low", label) if texts["low"] else default_lower),
        higher=texts["higher"] or (_comparative(high, "high", label) if texts["high"] else default_higher),
        actions=dict(actions), better=better, aggregate=aggregate, aggregate_days=days, transform=transform,
    )


def _read_kind(where: str, entry: Mapping, problems: list[str]) -> str:
    kind = entry.get("type", "number")
    if kind not in KINDS:
        close = difflib.get_close_matches(str(kind), KINDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(f"{where}: type '{kind}' is not one of {', '.join(KINDS)}{hint}")
        return "number"
    return str(kind)


def _read_category(where: str, name: str, entry: Mapping, problems: list[str], before: int) -> Feature | None:
    """A ``type: category`` feature: one column read as text categories, with a label."""
    if entry.get("derive") is not None:
        problems.append(f"{where}: derive '{entry['derive']}' computes a number, so it cannot be combined with "
                        "type: category; remove 'derive' (and list the column under 'column'), or remove "
                        "'type: category'")
    numeric = [key for key in entry if key in SETTINGS and key not in CATEGORY_SETTINGS and key != "derive"]
    if numeric:
        problems.append(f"{where}: {quoted(numeric)} {'are' if len(numeric) > 1 else 'is'} for numbers only; a "
                        f"type: category feature takes {', '.join(CATEGORY_SETTINGS)}: remove "
                        f"{'them' if len(numeric) > 1 else 'it'}")
    column = entry.get("column", name)
    if not isinstance(column, str) or not column.strip():
        problems.append(f"{where}: 'column' should be the header of a column of your file; got {column!r}")
    label = _read_text(where, "label", entry.get("label"), problems)
    if len(problems) > before:
        return None
    return Feature(name=name, label=label or name.replace("_", " ").strip().capitalize(), unit="",
                   sources=(column.strip(),), kind="category")


def _read_sources(where: str, name: str, entry: Mapping, derive: str | None, problems: list[str]) -> list[str] | None:
    if derive in MULTI_COLUMN:
        columns = entry.get("columns")
        fewest, most = MULTI_COLUMN[derive]
        count = "exactly 2 columns [numerator, denominator]" if most == 2 else "a list of columns"
        if "column" in entry:
            problems.append(f"{where}: derive '{derive}' reads 'columns' ({count}), not 'column'")
            return None
        if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) and c.strip() for c in columns) \
                or len(columns) < fewest or (most is not None and len(columns) > most):
            problems.append(f"{where}: derive '{derive}' needs 'columns' with {count}; got {columns!r}")
            return None
        return [c.strip() for c in columns]
    if "columns" in entry:
        kind = f"derive '{derive}'" if derive else "a feature read from one column"
        problems.append(f"{where}: {kind} reads 'column' (one header), not 'columns'; "
                        "for several columns use derive: sum, ratio or count")
        return None
    if derive is not None and "column" not in entry:
        problems.append(f"{where}: derive '{derive}' needs 'column', the header of the date or year it counts from")
        return None
    column = entry.get("column", name)
    if not isinstance(column, str) or not column.strip():
        problems.append(f"{where}: 'column' should be the header of a column of your file; got {column!r}")
        return None
    return [column.strip()]


def _read_reference(where: str, entry: Mapping, derive: str | None, problems: list[str]) -> str | None:
    reference = entry.get("reference")
    if reference is None:
        return None
    if derive not in ("years_since", "days_since"):
        problems.append(f"{where}: 'reference' only applies to derive: years_since or days_since")
        return None
    try:
        return date.fromisoformat(str(reference)).isoformat()
    except ValueError:
        problems.append(f"{where}: reference {reference!r} is not a date; write it as YYYY-MM-DD, e.g. \"2014-12-31\"")
        return None


def _read_scale(where: str, scale: Any, problems: list[str]) -> float:
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        problems.append(f"{where}: scale {scale!r} should be a positive number (e.g. 1000 for values in thousands)")
        return 1.0
    if not _SCALES[0] <= scale <= _SCALES[1]:  # 5e-324 makes every value 0 or denormal; 1e300 overflows
        problems.append(f"{where}: scale {scale!r} is not between {_SCALES[0]:.0e} and {_SCALES[1]:.0e}; a scale "
                        "converts a unit (1000 for thousands, 0.01 for cents)")
        return 1.0
    return float(scale)


def _read_range(where: str, bounds: Any, problems: list[str]) -> tuple[float | None, float | None]:
    if bounds is None:
        return None, None
    if isinstance(bounds, Mapping):
        bounds = [bounds.get("min"), bounds.get("max")]
    fix = "write it as [min, max] with null for no bound, e.g. [0, 100] or [0, null]"
    if not isinstance(bounds, (list, tuple)) or len(bounds) != 2 or not all(
            b is None or (isinstance(b, (int, float)) and not isinstance(b, bool) and not math.isnan(b))
            for b in bounds):
        problems.append(f"{where}: range {bounds!r} is not [min, max]; {fix}")
        return None, None
    low, high = (None if b is None else float(b) for b in bounds)
    if low is not None and high is not None:
        if low > high:
            problems.append(f"{where}: range [{_number(low)}, {_number(high)}] is inverted (min above max); "
                            f"write it as [{_number(high)}, {_number(low)}]")
        elif low == high:
            problems.append(f"{where}: range [{_number(low)}, {_number(high)}] is empty (min equals max): no value "
                            f"could vary; widen it or remove the feature")
    return low, high


def _read_name(name: str, problems: list[str]) -> bool:
    """Whether ``name`` can name a feature: it becomes a column of every output, an MLflow metric's and
    parameter's key and part of file names, so plain letters, digits and underscores only."""
    if not name.strip():
        problems.append("features: a feature has an empty name; name it with letters, digits and underscores "
                        "(e.g. annual_income)")
        return False
    if not _NAME.fullmatch(name):
        shown = name if len(name) <= 60 else f"{name[:57]}..."
        suggestion = safe_stem(name, limit=MAX_NAME)
        hint = f" (e.g. {suggestion})" if _NAME.fullmatch(suggestion) else ""
        problems.append(f"features: the name {shown!r} ({len(name)} characters) is not a plain name: use letters, "
                        f"digits and underscores, starting with a letter, at most {MAX_NAME} characters{hint}; the "
                        "name becomes a column, an MLflow key and part of file names (the file's header goes "
                        "in 'column')")
        return False
    return True


def _read_text(where: str, key: str, value: Any, problems: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.append(f"{where}: '{key}' should be text; got {value!r}")
        return None
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        problems.append(f"{where}: '{key}' is {len(text)} characters long; keep it under {MAX_TEXT} (it names "
                        "segments, charts and files)")
        return None
    return text


def _read_date_format(where: str, value: Any, problems: list[str]) -> str | None:
    """A ``strftime`` pattern of known directives that reads back the date it writes."""
    if value is None:
        return None
    fix = 'write it as a strftime pattern, e.g. "%d-%m-%Y" or "%Y/%m/%d"'
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: date_format should be text; got {value!r}; {fix}")
        return None
    pattern = value.strip()
    unknown = sorted({match for match in re.findall(r"%.?", pattern) if match[1:] not in _DIRECTIVES})
    if unknown:
        problems.append(f"{where}: date_format {pattern!r} has {quoted(unknown)}, which "
                        f"{'are not directives' if len(unknown) > 1 else 'is not a directive'} of a date ({fix}: "
                        "%d day, %m month, %Y year, %y two-digit year, %b month name, %H:%M:%S time)")
        return None
    try:
        datetime.strptime(_EXAMPLE.strftime(pattern), pattern)
    except ValueError as error:
        problems.append(f"{where}: date_format {pattern!r} cannot read the dates it writes ({error}); {fix}")
        return None
    return pattern


def _comparative(word: str, direction: str, label: str) -> str:
    """"low income" -> "lower income"; words of another shape get "lower <label>"."""
    if word.startswith(f"{direction} "):
        return f"{direction}er {word.removeprefix(direction + ' ')}"
    return f"{direction}er {label.lower()}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = ["quoted", "read_feature"]
