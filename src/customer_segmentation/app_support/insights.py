"""What the app says about segments and customers, in units and plain words (no Streamlit here).

* :func:`customer_vs_segment`: one customer's values beside their segment's, feature by feature.
* :func:`moves_to_runner_up`: what would have to change, one feature at a time, to move to the runner-up.
* :func:`compare_segments`: two segments side by side, with an effect size per feature.
* :func:`outcome_table`, :func:`mix_table`: each segment's outcome rates and the mix of a profile column.
* :func:`audience`: the customers of chosen segments, ready to download, and :func:`audience_file_stem`.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from customer_segmentation.app_support.bundle import ModelBundle
from customer_segmentation.features import Feature
from customer_segmentation.features.categories import most_frequent
from customer_segmentation.features.units import change_phrase, format_share, format_value
from customer_segmentation.io.filenames import safe_stem
from customer_segmentation.segmentation.explain import changes_to_runner_up
from customer_segmentation.segmentation.profiles import interval_words, outcome_words, rate_words, wilson_interval

# Cohen's conventional thresholds for the standardised mean difference d.
EFFECT_SIZES = ((0.2, "negligible"), (0.5, "small"), (0.8, "medium"), (float("inf"), "large"))
_MAP_COLUMNS = ("map_x", "map_y")


def customer_vs_segment(bundle: ModelBundle, values: Mapping[str, float | str], segment_id: int) -> pd.DataFrame:
    """Per feature: the customer's value and the segment's mean and median, each written in its unit; for a
    category feature the segment's most frequent category and its share (under "segment mean")."""
    profile = bundle.profiles.set_index("segment_id").loc[segment_id]
    return pd.DataFrame([{
        "feature": feature.label,
        "this customer": str(values[feature.name]),
        "segment mean": f"mostly {profile[f'{feature.name}_mode']} ({format_share(profile[f'{feature.name}_share'])})",
        "segment median": "",
    } if feature.is_category else {
        "feature": feature.label,
        "this customer": format_value(feature, float(values[feature.name])),
        "segment mean": format_value(feature, float(profile[f"{feature.name}_mean"])),
        "segment median": format_value(feature, float(profile[f"{feature.name}_median"])),
    } for feature in bundle.table])


def moves_to_runner_up(bundle: ModelBundle, values: Mapping[str, float | str], segment_id: int, runner_up: int,
                       most: int = 3) -> list[str]:
    """Sentences such as ``"annual income up $18k, to $80k"`` (a category: ``"contract One year instead"``): each
    change alone that would put the customer on the border with the runner-up, smallest (in standard deviations)
    first, then the categories."""
    customer = pd.DataFrame([{f.name: str(values[f.name]) if f.is_category else float(values[f.name])
                              for f in bundle.table}])
    changes = changes_to_runner_up(bundle.model, customer, segment_id, runner_up).head(most)
    sentences = []
    for row in changes.itertuples():
        feature = bundle.table[row.feature]
        if feature.is_category:
            sentences.append(f"{feature.label.lower()} {row.new_value} instead")
            continue
        sentences.append(change_phrase(feature, row.change, row.new_value))
    return sentences


def effect_size_word(d: float) -> str:
    """``negligible``, ``small``, ``medium`` or ``large`` (Cohen's conventions for |d|)."""
    return next(word for limit, word in EFFECT_SIZES if abs(d) < limit)


def compare_segments(bundle: ModelBundle, first: int, second: int) -> pd.DataFrame:
    """Two segments feature by feature: their means in units, Cohen's d (difference of the means over the
    pooled standard deviation of their customers), its size, and the difference in plain words."""
    segments = bundle.segments
    a, b = (segments.loc[segments["segment_id"] == s] for s in (first, second))
    names = bundle.segment_names
    rows = []
    for feature in bundle.table.categorical:
        rows.append(_compare_categories(feature, a[feature.name], b[feature.name], names[first], names[second]))
    for feature in bundle.table.numeric:
        x, y = a[feature.name].to_numpy(dtype="float64"), b[feature.name].to_numpy(dtype="float64")
        pooled = np.sqrt(((len(x) - 1) * x.var(ddof=1) + (len(y) - 1) * y.var(ddof=1)) / max(len(x) + len(y) - 2, 1)) \
            if len(x) > 1 and len(y) > 1 else float("nan")
        d = (x.mean() - y.mean()) / pooled if pooled and np.isfinite(pooled) and pooled > 0 else 0.0
        size = effect_size_word(d)
        words = _in_words(size, d)
        rows.append({"feature": feature.label, names[first]: format_value(feature, x.mean()),
                     names[second]: format_value(feature, y.mean()), "effect size d": round(float(d), 2),
                     "difference": size, "in words": words})
    compared = pd.DataFrame(rows).sort_values("effect size d", key=lambda d: -d.abs())
    return pd.concat([compared, _compare_outcomes(bundle, first, second)], ignore_index=True)


def _compare_outcomes(bundle: ModelBundle, first: int, second: int) -> pd.DataFrame:
    """One row per outcome: both rates with their 95 % intervals, and Cohen's h (the effect size of two rates,
    read like d); when the intervals overlap, the words say the difference may be chance."""
    if bundle.outcomes is None:
        return pd.DataFrame()
    names, rows = bundle.segment_names, []
    for _, group in bundle.outcomes.groupby("outcome", sort=False):
        a, b = (group.set_index("segment_id").loc[s] for s in (first, second))
        h = 2 * np.arcsin(np.sqrt(a["rate"])) - 2 * np.arcsin(np.sqrt(b["rate"]))
        h = float(h) if np.isfinite(h) else 0.0
        size = effect_size_word(h)
        overlap = not (a["rate_low"] > b["rate_high"] or b["rate_low"] > a["rate_high"])
        words = _in_words(size, h) + (" (may be chance: the intervals overlap)" if overlap and size != "negligible"
                                      else "")
        rows.append({"feature": a["label"], names[first]: _rate_text(a), names[second]: _rate_text(b),
                     "effect size d": round(h, 2), "difference": size, "in words": words})
    return pd.DataFrame(rows)


def _in_words(size: str, effect: float) -> str:
    """"much lower in the first", "higher in the first", "alike" (the columns name the two segments)."""
    if size == "negligible":
        return "alike"
    return f"{'much ' if size == 'large' else ''}{'higher' if effect > 0 else 'lower'} in the first"


def _rate_text(row: Mapping) -> str:
    return rate_words(row["rate"], row["rate_low"], row["rate_high"])


def outcome_table(bundle: ModelBundle) -> pd.DataFrame:
    """Each segment's rate of each outcome: segment, outcome, customers, rate and overall rate (per cent),
    95 % interval, lift."""
    if bundle.outcomes is None:
        return pd.DataFrame()
    rates = bundle.outcomes
    intervals = [interval_words(low, high) for low, high in zip(rates["rate_low"], rates["rate_high"])]
    return pd.DataFrame({
        "segment": rates["segment_name"], "outcome": rates["label"], "customers": rates["customers"],
        "rate": rates["rate"] * 100, "95 % interval": intervals,
        "overall": rates["overall_rate"] * 100, "lift": rates["lift"],
    })


def mix_table(bundle: ModelBundle, column: str) -> pd.DataFrame:
    """A profile column's categories (rows) by segment (columns): each segment's share, then the overall share
    (per cent)."""
    if bundle.categories is None:
        return pd.DataFrame()
    mix = bundle.categories[bundle.categories["column"] == column]
    if mix.empty:
        return pd.DataFrame()
    shares = mix.pivot_table(index="category", columns="segment_id", values="share", sort=False)
    shares.columns = [bundle.segment_names[int(s)] for s in shares.columns]
    overall = mix.drop_duplicates("category").set_index("category")["overall_share"]
    shares = shares.assign(Overall=overall).sort_values("Overall", ascending=False) * 100
    return shares.rename_axis(column).reset_index()


def _compare_categories(feature: Feature, first: pd.Series, second: pd.Series, first_name: str, second_name: str
                        ) -> dict[str, object]:
    """A category feature in :func:`compare_segments`: each segment's most frequent category and its share, and
    Cohen's h of the first segment's top category's share in each (read like d)."""
    tops = [most_frequent(values) or "n/a" for values in (first, second)]
    shares = [float((values == top).mean()) if len(values) else 0.0 for values, top in zip((first, second), tops)]
    in_second = float((second == tops[0]).mean()) if len(second) else 0.0
    h = float(2 * np.arcsin(np.sqrt(shares[0])) - 2 * np.arcsin(np.sqrt(in_second)))
    same = tops[0] == tops[1]
    return {"feature": feature.label, first_name: f"{tops[0]} ({format_share(shares[0])})",
            second_name: f"{tops[1]} ({format_share(shares[1])})", "effect size d": round(h, 2),
            "difference": effect_size_word(h),
            "in words": f"mostly {tops[0]} in both" if same else f"mostly {tops[0]} in the first, {tops[1]} in the "
                                                                 "second"}


def audience(bundle: ModelBundle, segment_ids: Sequence[int]) -> pd.DataFrame:
    """The customers of the chosen segments with every column they carry and their flags."""
    chosen = bundle.segments.loc[bundle.segments["segment_id"].isin(list(segment_ids))]
    return chosen.drop(columns=[c for c in _MAP_COLUMNS if c in chosen.columns]).reset_index(drop=True)


def audience_outcomes(bundle: ModelBundle, segment_ids: Sequence[int]) -> list[str]:
    """The chosen segments' rate of each outcome together, in words ("Churned 38 % (35-41 %) vs 27 % overall")."""
    if bundle.outcomes is None:
        return []
    chosen = bundle.outcomes[bundle.outcomes["segment_id"].isin([int(s) for s in segment_ids])]
    sentences = []
    for _, group in chosen.groupby("outcome", sort=False):
        customers, positives = int(group["customers"].sum()), int(group["positives"].sum())
        if customers:
            low, high = wilson_interval(np.array([positives]), np.array([customers]))
            sentences.append(outcome_words(group["label"].iloc[0], positives / customers, float(low[0]),
                                           float(high[0]), float(group["overall_rate"].iloc[0])))
    return sentences


def audience_file_stem(bundle: ModelBundle, segment_ids: Sequence[int]) -> str:
    """``audience_<segment name>`` (``_and_<n>_more`` for several), safe for any file system."""
    names = [bundle.segment_names[int(s)] for s in segment_ids]
    more = f"_and_{len(names) - 1}_more" if len(names) > 1 else ""
    return f"audience_{safe_stem(names[0], limit=60)}{more}"


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
