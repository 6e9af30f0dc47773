"""The reason of every problem a row can have, worded once.

The rules (``features/derive.py``, ``features/validate.py``, and through them the Spark engine) record these
same reasons, so a row gets the same ``rejection_reason`` whichever engine read it. A reason completes the
sentence ``"<column>: <value> is <reason>"`` (:func:`.problems.problem_text`); a reason about the whole row
(no column) is the sentence itself. The reasons know columns and values, not the feature table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from customer_segmentation.validation.parsing import DATE_RANGE
from customer_segmentation.validation.problems import show_value

NOT_A_NUMBER = "not a number"
NOT_A_YEAR_OR_DATE = "not a year or a date"
NOT_A_DATE = "not a date"
#: A date pandas could read but not compute with (``1500-06-01``, ``9999-12-31``): nanoseconds in 64 bits.
DATE_OUTSIDE = f"outside the dates that can be read ({DATE_RANGE[0]:%Y-%m-%d} to {DATE_RANGE[1]:%Y-%m-%d})"
_EXAMPLE_DATE = date(2014, 12, 31)
NOT_FINITE = "not a finite number"
#: Beyond this magnitude a value's square overflows once summed over many rows: no mean, spread or distance.
MAX_MAGNITUDE = 1e150
TOO_LARGE = (f"too large to compute with (beyond ±{MAX_MAGNITUDE:.0e}): check the cell, or the feature's scale and "
             "range")
MISSING = "missing"
FORMULA = ("a formula whose value was never saved: open the file in its spreadsheet program, save it "
           "and export it again")


def not_a_date(date_format: str | None, or_year: bool = False) -> str:
    """``not a date in the format %d-%m-%Y (e.g. 31-12-2014); set date_format to your dates' pattern``: the
    pattern tried and a date written with it, so a wrong ``date_format`` is seen at once."""
    what = NOT_A_YEAR_OR_DATE if or_year else NOT_A_DATE
    if not date_format:  # ISO 8601 and the common orders are tried: the plain reason says enough
        return what
    try:
        example = _EXAMPLE_DATE.strftime(date_format)
    except ValueError:
        example = "?"
    return f"{what} in the format {date_format} (e.g. {example}); set date_format to the pattern of your dates"


def allowed_range(low: float | None, high: float | None) -> str:
    """``[18, 100]``; an open bound reads ``-inf`` or ``inf``."""
    return f"[{show_value(-np.inf if low is None else low)}, {show_value(np.inf if high is None else high)}]"


def outside_range(low: float | None, high: float | None) -> str:
    """``outside the allowed range [18, 100]``."""
    return f"outside the allowed range {allowed_range(low, high)}"


def unknown_category(known: Sequence[str]) -> str:
    """The reason of a category the model was not trained on: ``not a category the model knows (known: ...)``."""
    return f"not a category the model knows (known: {', '.join(show_value(str(value)) for value in known)})"


def zero_denominator(name: str, numerator: str, denominator: str) -> str:
    """The reason of a ratio's zero denominator: ``zero, so spend_per_visit (Spend / Visits) is undefined``."""
    return f"zero, so {name} ({numerator} / {denominator}) is undefined"


def all_values_empty(names: Sequence[str]) -> str:
    """The whole-row reason of a row without a single feature value."""
    return f"all feature values are empty ({', '.join(names)})"


# A refresh matches customers by their id (``segmentation/refresh.py``): one row per id.
MISSING_ID = "missing: a refresh matches customers by their id"
REPEATED_ID = "also the id of an earlier row (one row per customer: the first is kept)"
