"""One feature of the table, with its defaults filled in, and the vocabulary of its settings.

:mod:`.entries` reads a feature's configuration entry into a :class:`Feature`; :mod:`.table` holds them in
order (:class:`~customer_segmentation.features.table.FeatureTable`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DERIVATIONS = ("sum", "ratio", "years_since", "days_since", "count")
#: What a feature's cells are: numbers (the default) or text categories.
KINDS = ("number", "category")
# Derivations that read several columns (``columns``) and how many they need.
MULTI_COLUMN = {"sum": (1, None), "ratio": (2, 2), "count": (1, None)}
SETTINGS = ("column", "columns", "derive", "reference", "date_format", "label", "unit", "scale", "range",
            "low", "high", "lower", "higher", "actions", "better", "type", "aggregate", "transform")
BETTER = ("low", "high")
#: ``transform``: how a feature's values are reshaped for clustering only (log: ``log1p``, for skewed money and
#: counts); every value a person sees stays in the feature's unit.
TRANSFORMS = ("log",)
# The settings a category feature takes; the others are about numbers.
CATEGORY_SETTINGS = ("column", "label", "type")


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
    aggregate: str | None = None  # an order log's per-customer aggregate (features/aggregates.py)
    aggregate_days: int | None = None  # the window of orders_in_last
    transform: str | None = None  # "log": log1p before scaling, for clustering only

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
        if self.aggregate:
            entry["aggregate"] = {self.aggregate: self.aggregate_days} if self.aggregate_days else self.aggregate
        elif self.derive in MULTI_COLUMN:
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
        if self.transform:
            entry["transform"] = self.transform
        return entry


__all__ = ["BETTER", "CATEGORY_SETTINGS", "DERIVATIONS", "KINDS", "MULTI_COLUMN", "SETTINGS", "TRANSFORMS", "Feature"]
