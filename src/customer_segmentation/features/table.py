"""The feature table: what to segment on, declared once in configuration and read by everything.

``conf/base/parameters.yml`` holds it under ``features``, one entry per feature::

    features:
      annual_income: {column: "Annual Income (k$)", label: Annual income, unit: USD, scale: 1000, range: [0, 10000000]}
      age: {derive: years_since, column: Year_Birth, reference: "2014-12-31", label: Age, unit: years, range: [18, 100]}

Settings of a feature (all optional but a source for derived features):

* ``column``: the file's header it is read from (default: the feature's name), matched ignoring case
  and surrounding spaces; ``columns``: the headers a derivation reads.
* ``derive``: one of :data:`DERIVATIONS` (see ``derive.py``); ``reference`` (an ISO date, default the
  day of the run) for ``years_since``/``days_since``; ``date_format`` (e.g. ``"%d-%m-%Y"``) for dates.
* ``type``: ``number`` (the default) or ``category``: the column's cells read as text categories
  ("Month-to-month", "Two year"); a category feature takes ``column`` and ``label`` only (no derivation,
  unit, scale, range or words: those are about numbers). Only ``clustering.algorithm: kprototypes``
  segments on categories.
* ``label``, ``unit``: how people read it ("Annual income", ``USD``); ``scale``: multiplier applied
  once at input (``1000`` for "k$"); ``range``: ``[min, max]``, inclusive, ``null`` for no bound.
* ``low``/``high``: words for segment names ("young"/"older"); ``lower``/``higher``: comparatives
  that tell apart segments sharing a name; ``actions: {low: ..., high: ...}``: suggested actions;
  ``better: low|high``: which side is good for the business (recency: low; spend: high; unset when neither
  is, e.g. children at home), for the default actions.

The table is only ever read as data: nothing in it is evaluated. :meth:`FeatureTable.from_config`
checks every entry and raises one :class:`ConfigurationError` listing every problem with its fix.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.features.words import default_words
from customer_segmentation.io.headers import normalise_header
from customer_segmentation.names import RESERVED_COLUMNS

PARAMETERS_FILE = "conf/base/parameters.yml"
DERIVATIONS = ("sum", "ratio", "years_since", "days_since", "count")
#: What a feature's cells are: numbers (the default) or text categories.
KINDS = ("number", "category")
# Derivations that read several columns (``columns``) and how many they need.
_MULTI_COLUMN = {"sum": (1, None), "ratio": (2, 2), "count": (1, None)}
_SETTINGS = ("column", "columns", "derive", "reference", "date_format", "label", "unit", "scale", "range",
             "low", "high", "lower", "higher", "actions", "better", "type")
BETTER = ("low", "high")
# The settings a category feature takes; the others are about numbers.
_CATEGORY_SETTINGS = ("column", "label", "type")

@dataclass(frozen=True)
class Feature:
    """One feature of the table, with its defaults filled in."""

    name: str
    label: str
    unit: str
    sources: tuple[str, ...]
    derive: str | None = None
    reference: str | None = None
    date_format: str | None = None
    scale: float = 1.0
    minimum: float | None = None
    maximum: float | None = None
    low: str = ""
    high: str = ""
    lower: str = ""
    higher: str = ""
    actions: Mapping[str, str] = field(default_factory=dict)
    better: str | None = None  # "low" (recency), "high" (spend), or None (children: neither is better)
    kind: str = "number"

    @property
    def is_category(self) -> bool:
        """Whether the feature's cells are text categories (``type: category``) rather than numbers."""
        return self.kind == "category"

    @property
    def column(self) -> str:
        """The single source column (plain, ``years_since`` and ``days_since`` features)."""
        return self.sources[0]

    def to_config(self) -> dict[str, Any]:
        """The entry as it would be written in ``parameters.yml`` (JSON-ready)."""
        if self.is_category:
            return {"type": self.kind, "label": self.label, "column": self.column}
        entry: dict[str, Any] = {"label": self.label, "unit": self.unit}
        if self.derive in _MULTI_COLUMN:
            entry["columns"] = list(self.sources)
        else:
            entry["column"] = self.column
        optional = {"derive": self.derive, "reference": self.reference, "date_format": self.date_format}
        entry.update({key: value for key, value in optional.items() if value is not None})
        if self.scale != 1.0:
            entry["scale"] = self.scale
        entry["range"] = [self.minimum, self.maximum]
        entry.update({"low": self.low, "high": self.high, "lower": self.lower, "higher": self.higher})
        if self.actions:
            entry["actions"] = dict(self.actions)
        if self.better:
            entry["better"] = self.better
        return entry


@dataclass(frozen=True)
class FeatureTable:
    """The ordered features. Iterating gives :class:`Feature` objects; ``names`` their names."""

    features: tuple[Feature, ...]

    @classmethod
    def from_config(cls, config: Any, where: str = PARAMETERS_FILE) -> FeatureTable:
        """Reads the ``features`` parameter.

        Accepts the table (``{name: {settings}}``) or, as a shorthand, a list of column names.

        Raises:
            ConfigurationError: every problem of the table, one per line, each with its fix.
        """
        if isinstance(config, FeatureTable):
            return config
        if isinstance(config, (list, tuple)) and all(isinstance(name, str) for name in config):
            config = {name: {} for name in config}
        if not isinstance(config, Mapping):
            raise ConfigurationError(
                f"parameter 'features' ({where}) should be a table of features, e.g.\n"
                "features:\n  annual_income: {column: Income, label: Annual income, unit: USD, range: [0, null]}\n"
                f"got {config!r}"
            )
        problems: list[str] = []
        features = []
        for name, entry in config.items():
            feature = _read_feature(str(name), entry, problems)
            if feature is not None:
                features.append(feature)
        if len(config) < 2:
            problems.append(f"only {len(config)} feature(s) {list(map(str, config))}: segmenting needs at least two; "
                            "add another feature")
        problems += _name_clashes([str(name) for name in config])
        problems += _cycles(features)
        if problems:
            raise ConfigurationError(_message(problems, where))
        return cls(tuple(features))

    def to_config(self) -> dict[str, dict[str, Any]]:
        """The table as configuration (JSON-ready); ``from_config`` reads it back unchanged."""
        return {feature.name: feature.to_config() for feature in self.features}

    @property
    def names(self) -> list[str]:
        return [feature.name for feature in self.features]

    @property
    def numeric(self) -> tuple[Feature, ...]:
        """The features whose values are numbers, in order."""
        return tuple(feature for feature in self.features if not feature.is_category)

    @property
    def categorical(self) -> tuple[Feature, ...]:
        """The features whose values are text categories (``type: category``), in order."""
        return tuple(feature for feature in self.features if feature.is_category)

    @property
    def source_columns(self) -> list[str]:
        """Every header of the file the table reads, in order, once each (a source naming another feature of
        the table is that feature's value, not a header)."""
        return list(dict.fromkeys(source for feature in self.features for source in self.file_sources(feature)))

    def file_sources(self, feature: Feature) -> list[str]:
        """The headers ``feature`` reads from the file: its sources but those naming another feature."""
        return [source for source in feature.sources if source not in self.names or source == feature.name]

    def in_order(self) -> list[Feature]:
        """The features in an order in which every derivation comes after the features it reads."""
        done: dict[str, Feature] = {}
        pending = list(self.features)
        while pending:
            ready = [f for f in pending if all(s in done for s in _references(f, self.names))]
            if not ready:
                raise ConfigurationError(_message(_cycles(self.features), "the feature table"))
            done.update((f.name, f) for f in ready)
            pending = [f for f in pending if f.name not in done]
        return list(done.values())

    def __iter__(self) -> Iterator[Feature]:
        return iter(self.features)

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, name: str) -> Feature:
        for feature in self.features:
            if feature.name == name:
                return feature
        raise KeyError(f"no feature '{name}' in the feature table {self.names}")

    def get(self, name: str) -> Feature | None:
        return next((feature for feature in self.features if feature.name == name), None)

    def as_feature_values(self) -> FeatureTable:
        """The same features read from columns named after themselves, unscaled and underived.

        For values already in the features' units, such as a form with one field per feature.
        """
        return FeatureTable(tuple(replace(f, sources=(f.name,), derive=None, reference=None, date_format=None,
                                          scale=1.0) for f in self.features))

    def column_problems(self, headers: Iterable[object], trained: bool = False) -> list[str]:
        """What stops this table from reading a file with ``headers``: missing sources and name clashes.

        ``trained``: the table is a trained model's, so the fix is in the file, not in the configuration.
        """
        headers = [str(header) for header in headers]
        found = {normalise_header(header): header for header in headers}
        problems = []
        for feature in self.features:
            missing = [source for source in self.file_sources(feature) if normalise_header(source) not in found]
            if missing:
                key = "columns" if feature.derive in _MULTI_COLUMN else "column"
                if trained:
                    continue  # listed together by check_columns
                problems.append(
                    f"features.{feature.name} reads {key} {_quoted(missing)}, which the file does not have: set its "
                    f"'{key}' to {'your headers' if len(missing) > 1 else 'your header'}, or remove '{feature.name}' "
                    "from 'features'"
                )
            header = found.get(normalise_header(feature.name))
            own = feature.derive is None and normalise_header(feature.column) == normalise_header(feature.name)
            if header is not None and not own:
                problems.append(
                    f"features.{feature.name}: the file already has a column '{header}' that this feature is not "
                    f"read from, so its values would be replaced. Rename the feature, or read it from that column "
                    f"(column: {header})"
                )
        return problems

    def check_columns(self, headers: Iterable[object], where: str = PARAMETERS_FILE, trained: bool = False) -> None:
        """Raises one error listing every :meth:`column_problems`, with the headers found.

        Raises:
            ConfigurationError: the configured table does not fit the file.
            CustomerDataError: a trained model's table does not fit the file (``trained``).
        """
        headers = [str(header) for header in headers]
        problems = self.column_problems(headers, trained)
        found = {normalise_header(header) for header in headers}
        missing = [source for source in self.source_columns if normalise_header(source) not in found]
        if trained and missing:
            problems.insert(0, f"column(s) {_quoted(missing)} missing: the model was trained on them, so add them to "
                               "the file (header names as in training; case and spaces do not matter)")
        if problems:
            shown = ", ".join(headers[:40]) + (f", ... ({len(headers)} in all)" if len(headers) > 40 else "")
            if trained:
                raise CustomerDataError("; ".join(problems) + f". Headers found: {shown}")
            raise ConfigurationError(f"{_message(problems, where)}\nHeaders found in the file: {shown}")


def _references(feature: Feature, names: Sequence[str]) -> list[str]:
    """The other features of the table that ``feature`` is derived from."""
    return [source for source in feature.sources if source in names and source != feature.name]


def _cycles(features: Sequence[Feature]) -> list[str]:
    """Derivations that read each other in a circle (``a -> b -> a``), one problem per circle."""
    names = [feature.name for feature in features]
    reads = {feature.name: _references(feature, names) for feature in features}
    state: dict[str, str] = {}
    problems: list[str] = []
    seen: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        stack.append(node)
        for read in reads[node]:
            if state.get(read) == "open":
                circle = [*stack[stack.index(read):], read]
                if frozenset(circle) not in seen:
                    seen.add(frozenset(circle))
                    problems.append(f"features {' -> '.join(circle)} derive from each other in a circle: derive one "
                                    "of them from columns of the file instead")
            elif read not in state:
                visit(read, stack)
        stack.pop()
        state[node] = "done"

    for name in names:
        if name not in state:
            visit(name, [])
    return problems


def _message(problems: Sequence[str], where: str) -> str:
    lines = "\n".join(f"  - {problem}" for problem in problems)
    return f"the feature table (parameter 'features' in {where}) has {len(problems)} problem(s):\n{lines}"


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _name_clashes(names: list[str]) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for name in names:
        key = normalise_header(name)
        if key in seen:
            problems.append(f"features '{seen[key]}' and '{name}' differ only in case or spaces; give them distinct "
                            "names")
        seen.setdefault(key, name)
        if key in RESERVED_COLUMNS:
            problems.append(f"features.{name}: '{name}' is a column the pipeline adds itself; name the feature "
                            "otherwise")
    return problems


def _read_feature(name: str, entry: Any, problems: list[str]) -> Feature | None:
    """One feature from its configuration entry; problems are appended, None if it cannot be built."""
    where = f"features.{name}"
    if entry is None:
        entry = {}
    if not isinstance(entry, Mapping):
        problems.append(f"{where} should be a table of settings such as {{column: ..., label: ..., unit: ...}}; "
                        f"got {entry!r}")
        return None
    before = len(problems)
    for key in entry:
        if key not in _SETTINGS:
            close = difflib.get_close_matches(str(key), _SETTINGS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"{where}: unknown setting '{key}'{hint}; the settings are {', '.join(_SETTINGS)}")
    kind = _read_kind(where, entry, problems)
    if kind == "category":
        return _read_category(where, name, entry, problems, before)
    derive = entry.get("derive")
    if derive is not None and derive not in DERIVATIONS:
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
    texts = {key: _read_text(where, key, entry.get(key), problems)
             for key in ("label", "unit", "date_format", "low", "high", "lower", "higher")}
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
        actions=dict(actions), better=better,
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
    numeric = [key for key in entry if key in _SETTINGS and key not in _CATEGORY_SETTINGS and key != "derive"]
    if numeric:
        problems.append(f"{where}: {_quoted(numeric)} {'are' if len(numeric) > 1 else 'is'} for numbers only; a "
                        f"type: category feature takes {', '.join(_CATEGORY_SETTINGS)}: remove "
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
    if derive in _MULTI_COLUMN:
        columns = entry.get("columns")
        fewest, most = _MULTI_COLUMN[derive]
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


def _read_text(where: str, key: str, value: Any, problems: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.append(f"{where}: '{key}' should be text; got {value!r}")
        return None
    return str(value).strip()


def _comparative(word: str, direction: str, label: str) -> str:
    """"low income" -> "lower income"; words of another shape get "lower <label>"."""
    if word.startswith(f"{direction} "):
        return f"{direction}er {word.removeprefix(direction + ' ')}"
    return f"{direction}er {label.lower()}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


__all__ = ["DERIVATIONS", "KINDS", "Feature", "FeatureTable"]
