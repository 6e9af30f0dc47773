"""Columns described per segment without being segmented on: ``profile_columns`` and ``outcomes``.

``conf/<env>/parameters.yml``::

    profile_columns: [Education, Marital_Status, gender]      # each segment's mix of their values
    outcomes:
      response: {column: Response, positive: 1, label: Accepted the last campaign}
      churn: {column: Churn, positive: "Yes", label: Churned}

A profile column is read as categories (its cells as text); an outcome is a yes/no per customer: the
cell equals ``positive`` (numbers compare as numbers, so ``1`` matches ``"1.0"``; text ignores case and
surrounding spaces); an empty cell counts for neither side. Headers are matched like the feature
table's. Nothing here is evaluated: ``positive`` is a value, never an expression.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, StrictStr, field_validator

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.io.headers import normalise_header

MISSING_CATEGORY = "(missing)"


class OutcomeSetting(BaseModel):
    """One entry of ``outcomes`` (checked before any node by ``config/parameters.py``)."""

    model_config = ConfigDict(extra="forbid")

    column: StrictStr
    positive: Any = 1
    label: StrictStr | None = None

    @field_validator("positive")
    @classmethod
    def _one_value(cls, value: Any) -> bool | int | float | str:
        if not isinstance(value, (bool, int, float, str)) or (isinstance(value, float) and value != value):
            raise ValueError('should be the one value that means yes, such as 1, true or "Yes"')
        return value


@dataclass(frozen=True)
class Outcome:
    """An outcome, its defaults filled in: ``name``, the ``column`` it reads, the ``positive`` value, a ``label``."""

    name: str
    column: str
    positive: bool | int | float | str
    label: str

    def is_positive(self, cells: pd.Series) -> pd.Series:
        """Per cell: True, False, or NA where the cell is empty."""
        text = cells.astype("string").str.strip()
        empty = text.isna() | (text == "")
        if isinstance(self.positive, bool):
            hit = text.str.lower().isin(["true", "yes", "1", "1.0"] if self.positive else ["false", "no", "0", "0.0"])
        elif isinstance(self.positive, (int, float)):
            hit = pd.to_numeric(text, errors="coerce") == float(self.positive)
        else:
            hit = text.str.casefold() == self.positive.strip().casefold()
        return hit.fillna(False).astype("boolean").mask(empty)


@dataclass(frozen=True)
class Descriptors:
    """The profile columns and outcomes of a run."""

    profile_columns: tuple[str, ...] = ()
    outcomes: tuple[Outcome, ...] = ()

    @classmethod
    def from_config(cls, profile_columns: Iterable[str] | None, outcomes: Mapping[str, Any] | None) -> Descriptors:
        """Reads ``params:profile_columns`` and ``params:outcomes`` (already checked by the parameter schema)."""
        read = []
        for name, entry in (outcomes or {}).items():
            setting = OutcomeSetting.model_validate(entry)
            label = setting.label or str(name).replace("_", " ").strip().capitalize()
            read.append(Outcome(str(name), setting.column.strip(), setting.positive, label))
        return cls(tuple(str(column).strip() for column in profile_columns or ()), tuple(read))

    @property
    def columns(self) -> list[str]:
        """Every header described, once each, in order."""
        return list(dict.fromkeys([*self.profile_columns, *(outcome.column for outcome in self.outcomes)]))

    def __bool__(self) -> bool:
        return bool(self.profile_columns or self.outcomes)

    def check_columns(self, headers: Iterable[object], where: str = "the parameters") -> None:
        """Raises one error naming every described column the file lacks, with the headers found.

        Raises:
            ConfigurationError: a profile column or an outcome's column is not among ``headers``.
        """
        headers = [str(header) for header in headers]
        problems = [f"profile_columns lists '{column}', which the file does not have"
                    for column in self.profile_columns if find_header(headers, column) is None]
        problems += [f"outcomes.{outcome.name} reads column '{outcome.column}', which the file does not have"
                     for outcome in self.outcomes if find_header(headers, outcome.column) is None]
        if problems:
            shown = ", ".join(headers[:40]) + (f", ... ({len(headers)} in all)" if len(headers) > 40 else "")
            lines = "\n".join(f"  - {problem}" for problem in problems)
            raise ConfigurationError(f"{len(problems)} described column(s) missing ({where}):\n{lines}\n"
                                     f"Set them to headers of your file (case and spaces do not matter), or remove "
                                     f"them. Headers found in the file: {shown}")


def categories(cells: pd.Series, most: int = 20) -> pd.Series:
    """A profile column's cells as categories: trimmed text, ``(missing)`` for empty cells, and beyond the
    ``most`` frequent values ``Other``, so a column of ids listed by mistake stays a readable table."""
    text = cells.astype("string").str.strip()
    text = text.mask(text.isna() | (text == ""), MISSING_CATEGORY)
    counts = text.value_counts()
    if len(counts) > most:
        text = text.where(text.isin(counts.index[:most]), "Other")
    return text.astype("category")


def find_header(headers: Iterable[object], wanted: str) -> str | None:
    """The header among ``headers`` that is ``wanted`` once case and surrounding spaces are ignored."""
    key = normalise_header(wanted)
    return next((str(header) for header in headers if normalise_header(header) == key), None)


__all__ = ["MISSING_CATEGORY", "Descriptors", "Outcome", "OutcomeSetting", "categories", "find_header"]
