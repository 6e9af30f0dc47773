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

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.features.entries import quoted, read_feature
from customer_segmentation.features.feature import DERIVATIONS, KINDS, MULTI_COLUMN, Feature
from customer_segmentation.io.headers import normalise_header
from customer_segmentation.names import RESERVED_COLUMNS

PARAMETERS_FILE = "conf/base/parameters.yml"


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
            feature = read_feature(str(name), entry, problems)
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
    def aggregates(self) -> dict[str, tuple[str, int | None]]:
        """``{name: (kind, days)}`` of the features computed from an order log's lines (``aggregate:``)."""
        return {f.name: (f.aggregate, f.aggregate_days) for f in self.features if f.aggregate}

    @property
    def logged(self) -> list[str]:
        """The features clustered on their ``log1p`` (``transform: log``), in order."""
        return [f.name for f in self.features if f.transform == "log"]

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
                                          scale=1.0, aggregate=None, aggregate_days=None) for f in self.features))

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
                key = "columns" if feature.derive in MULTI_COLUMN else "column"
                if trained:
                    continue  # listed together by check_columns
                problems.append(
                    f"features.{feature.name} reads {key} {quoted(missing)}, which the file does not have: set its "
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
            problems.insert(0, f"column(s) {quoted(missing)} missing: the model was trained on them, so add them to "
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


__all__ = ["DERIVATIONS", "KINDS", "PARAMETERS_FILE", "Feature", "FeatureTable"]
