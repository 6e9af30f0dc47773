"""What segments are like beyond their features: the mix of each profile column and the rate of each outcome.

Both tables are built from per-segment counts, so pandas (``count_*`` here) and Spark (its own group-by) feed
the same rules: a category's share in a segment against its share overall (lift), an outcome's rate with its
95 % Wilson interval against the overall rate. ``phrases`` turns them into the words of the descriptions:
"Churned 42 % (39-45 %) vs 27 % overall; Contract: Month-to-month 71 % vs 45 % overall".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from customer_segmentation.features.profiles import Descriptors, Outcome, categories
from customer_segmentation.features.units import format_share

MIX_COLUMNS = ["segment_id", "segment_name", "column", "category", "customers", "share", "overall_share", "lift"]
OUTCOME_COLUMNS = ["segment_id", "segment_name", "outcome", "label", "customers", "positives", "rate", "rate_low",
                   "rate_high", "overall_rate", "lift"]
# A category is named in a description when over-represented by this factor and at least this common in the
# segment (smaller differences are noise in words).
_MIN_LIFT = 1.2
_MIN_SHARE = 0.05
_TOP_CATEGORIES = 2


def count_categories(segment_ids: pd.Series, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Customers per segment and category of each profile column: ``column, category, segment_id, customers``."""
    parts = []
    for column in columns:
        counts = pd.crosstab(categories(frame[column]), segment_ids.to_numpy()).stack()
        parts.append(pd.DataFrame({"column": column, "category": counts.index.get_level_values(0).astype(str),
                                   "segment_id": counts.index.get_level_values(1).astype("int64"),
                                   "customers": counts.to_numpy().astype("int64")}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["column", "category", "segment_id", "customers"])


def count_outcomes(segment_ids: pd.Series, frame: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Customers with a known outcome and positives per segment: ``outcome, segment_id, customers, positives``."""
    parts = []
    for outcome in outcomes:
        hit = outcome.is_positive(frame[outcome.column])
        known = hit.notna().to_numpy()
        grouped = pd.DataFrame({"segment_id": segment_ids.to_numpy()[known],
                                "positive": hit[known].astype(bool).to_numpy()}).groupby("segment_id")["positive"]
        parts.append(pd.DataFrame({"outcome": outcome.name, "segment_id": grouped.size().index.astype("int64"),
                                   "customers": grouped.size().to_numpy(), "positives": grouped.sum().to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["outcome", "segment_id", "customers", "positives"])


def category_mix(counts: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Each segment's share of each category against the whole population's (``MIX_COLUMNS``)."""
    if counts.empty:
        return pd.DataFrame(columns=MIX_COLUMNS)
    full = _every_segment(counts, ["column", "category"], len(names))
    in_segment = full.groupby(["column", "segment_id"])["customers"].transform("sum")
    per_category = full.groupby(["column", "category"])["customers"].transform("sum")
    per_column = full.groupby("column")["customers"].transform("sum")
    mix = full.assign(segment_name=full["segment_id"].map(dict(enumerate(names))),
                      share=_ratio(full["customers"], in_segment), overall_share=_ratio(per_category, per_column))
    mix["lift"] = _ratio(mix["share"], mix["overall_share"])
    return mix.sort_values(["column", "segment_id", "share"], ascending=[True, True, False],
                           kind="stable")[MIX_COLUMNS].reset_index(drop=True)


def outcome_rates(counts: pd.DataFrame, outcomes: Sequence[Outcome], names: Sequence[str]) -> pd.DataFrame:
    """Each segment's rate of each outcome with its 95 % interval and its lift over the overall rate."""
    if counts.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    full = _every_segment(counts, ["outcome"], len(names), ["customers", "positives"])
    totals = full.groupby("outcome")[["customers", "positives"]].transform("sum")
    low, high = wilson_interval(full["positives"].to_numpy(), full["customers"].to_numpy())
    overall = _ratio(totals["positives"], totals["customers"])
    labels = {outcome.name: outcome.label for outcome in outcomes}
    rates = full.assign(segment_name=full["segment_id"].map(dict(enumerate(names))), label=full["outcome"].map(labels),
                        rate=_ratio(full["positives"], full["customers"]), rate_low=low, rate_high=high,
                        overall_rate=overall)
    rates["lift"] = _ratio(rates["rate"], rates["overall_rate"])
    order = {outcome.name: i for i, outcome in enumerate(outcomes)}
    return rates.sort_values(["outcome", "segment_id"], key=lambda c: c.map(order) if c.name == "outcome" else c
                             )[OUTCOME_COLUMNS].reset_index(drop=True)


def wilson_interval(positives: np.ndarray, totals: np.ndarray, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """The 95 % Wilson score interval of ``positives / totals`` (NaN where ``totals`` is 0)."""
    positives, totals = np.asarray(positives, dtype="float64"), np.asarray(totals, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = positives / totals
        spread = z * z / totals
        centre = (rate + spread / 2) / (1 + spread)
        half = z * np.sqrt(rate * (1 - rate) / totals + spread / (4 * totals)) / (1 + spread)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def wide_columns(mix: pd.DataFrame, rates: pd.DataFrame, k: int) -> pd.DataFrame:
    """One row per segment: ``<outcome>_rate``, ``_rate_low``, ``_rate_high``, ``_lift`` and ``<column>_mix``
    (its most over-represented categories in words), for the profile table."""
    segments = pd.RangeIndex(k, name="segment_id")
    columns: dict[str, pd.Series] = {}
    for outcome, group in rates.groupby("outcome", sort=False):
        group = group.set_index("segment_id").reindex(segments)
        for statistic in ("rate", "rate_low", "rate_high", "lift"):
            columns[f"{outcome}_{statistic}"] = group[statistic].astype("float64")
    for column, group in mix.groupby("column", sort=False):
        columns[f"{column}_mix"] = pd.Series({segment: _mix_words(rows)
                                              for segment, rows in group.groupby("segment_id")}).reindex(segments)
    return pd.DataFrame(columns, index=segments)


def phrases(mix: pd.DataFrame, rates: pd.DataFrame, k: int) -> list[str]:
    """Per segment, its outcomes and mixes in words, e.g. "Churned 42 % (39-45 %) vs 27 % overall"."""
    words: list[list[str]] = [[] for _ in range(k)]
    for row in rates.itertuples():
        if row.customers:
            words[row.segment_id].append(outcome_words(row.label, row.rate, row.rate_low, row.rate_high,
                                                       row.overall_rate))
    for (column, segment), rows in mix.groupby(["column", "segment_id"], sort=False):
        distinctive = _mix_words(rows, fallback=False)
        if distinctive:
            words[segment].append(f"{column}: {distinctive}")
    return ["; ".join(parts) for parts in words]


def interval_words(low: float, high: float) -> str:
    """"39-45 %"."""
    return f"{format_share(low, percent_sign=False)}-{format_share(high)}"


def rate_words(rate: float, low: float, high: float) -> str:
    """"42 % (39-45 %)"."""
    return f"{format_share(rate)} ({interval_words(low, high)})"


def outcome_words(label: str, rate: float, low: float, high: float, overall: float) -> str:
    """"Churned 42 % (39-45 %) vs 27 % overall"."""
    return f"{label} {rate_words(rate, low, high)} vs {format_share(overall)} overall".strip()


def most_likely(rates: pd.DataFrame) -> dict[str, Mapping[str, object]]:
    """Per outcome, the segment with the highest rate (its row of ``outcome_rates``)."""
    known = rates[rates["customers"] > 0]
    return {str(outcome): group.loc[group["rate"].idxmax()].to_dict()
            for outcome, group in known.groupby("outcome", sort=False)}


def describe(descriptors: Descriptors, segment_ids: pd.Series, frame: pd.DataFrame, names: Sequence[str]
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``category_mix`` and ``outcome_rates`` of the customers of ``frame`` (pandas)."""
    return describe_counts(descriptors, count_categories(segment_ids, frame, descriptors.profile_columns),
                           count_outcomes(segment_ids, frame, descriptors.outcomes), names)


def describe_counts(descriptors: Descriptors, category_counts: pd.DataFrame, outcome_counts: pd.DataFrame,
                    names: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``category_mix`` and ``outcome_rates`` from counts (``count_categories``' and ``count_outcomes``' columns,
    summed over any number of parts: Spark counts each partition with them and adds the counts up)."""
    return (category_mix(category_counts, names),
            outcome_rates(outcome_counts, descriptors.outcomes, names))


def _every_segment(counts: pd.DataFrame, keys: list[str], k: int, values: Sequence[str] = ("customers",)
                   ) -> pd.DataFrame:
    """The counts with a row (of zeros) for every segment that has none of a key."""
    present = counts[keys].drop_duplicates()
    index = pd.MultiIndex.from_frame(present.loc[present.index.repeat(k)].assign(
        segment_id=np.tile(np.arange(k), len(present))))
    summed = counts.groupby([*keys, "segment_id"])[list(values)].sum()
    return summed.reindex(index, fill_value=0).astype("int64").reset_index()


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator != 0)).astype("float64")


def _mix_words(rows: pd.DataFrame, fallback: bool = True) -> str:
    """The most over-represented categories ("PhD 31 % vs 22 % overall, Master 20 % vs 16 %"); when none is, the
    largest (``fallback``) or nothing."""
    over = rows[(rows["lift"] >= _MIN_LIFT) & (rows["share"] >= _MIN_SHARE)].sort_values("lift", ascending=False,
                                                                                          kind="stable")
    largest = rows.sort_values("share", ascending=False, kind="stable").head(1 if fallback else 0)
    chosen = over.head(_TOP_CATEGORIES) if len(over) else largest
    parts = [f"{row.category} {format_share(row.share)} vs {format_share(row.overall_share)}"
             for row in chosen.itertuples()]
    if parts:
        parts[0] += " overall"
    return ", ".join(parts)


__all__ = ["MIX_COLUMNS", "OUTCOME_COLUMNS", "category_mix", "count_categories", "count_outcomes", "describe",
           "interval_words", "most_likely", "outcome_rates", "outcome_words", "phrases", "rate_words",
           "wide_columns", "wilson_interval"]
