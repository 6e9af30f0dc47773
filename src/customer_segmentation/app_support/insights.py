"""What the app says about segments and customers, in units and plain words (no Streamlit here).

* :func:`customer_vs_segment`: one customer's values beside their segment's, feature by feature.
* :func:`moves_to_runner_up`: what would have to change, one feature at a time, to move to the runner-up.
* :func:`compare_segments`: two segments side by side, with an effect size per feature.
* :func:`audience`: the customers of chosen segments, ready to download.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from customer_segmentation.app_support.bundle import ModelBundle
from customer_segmentation.features import Feature
from customer_segmentation.features.categories import most_frequent
from customer_segmentation.features.units import format_change, format_value
from customer_segmentation.segmentation.explain import changes_to_runner_up

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
        "segment mean": f"mostly {profile[f'{feature.name}_mode']} ({profile[f'{feature.name}_share']:.0%})",
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
        direction = "up" if row.change > 0 else "down"
        sentences.append(f"{feature.label.lower()} {direction} {format_change(feature, row.change)}, "
                         f"to {format_value(feature, row.new_value)}")
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
        comparison = "higher" if d > 0 else "lower"
        words = (f"{names[first]} and {names[second]} are alike" if size == "negligible" else
                 f"{'much ' if size == 'large' else ''}{comparison} in {names[first]}")
        rows.append({"feature": feature.label, names[first]: format_value(feature, x.mean()),
                     names[second]: format_value(feature, y.mean()), "effect size d": round(float(d), 2),
                     "difference": size, "in words": words})
    return pd.DataFrame(rows).sort_values("effect size d", key=lambda d: -d.abs()).reset_index(drop=True)


def _compare_categories(feature: Feature, first: pd.Series, second: pd.Series, first_name: str, second_name: str
                        ) -> dict[str, object]:
    """A category feature in :func:`compare_segments`: each segment's most frequent category and its share."""
    tops = [most_frequent(values) or "n/a" for values in (first, second)]
    shares = [float((values == top).mean()) if len(values) else 0.0 for values, top in zip((first, second), tops)]
    same = tops[0] == tops[1]
    return {"feature": feature.label, first_name: f"{tops[0]} ({shares[0]:.0%})",
            second_name: f"{tops[1]} ({shares[1]:.0%})", "effect size d": np.nan,
            "difference": "same category" if same else "different category",
            "in words": f"mostly {tops[0]} in both" if same else
            f"mostly {tops[0]} in {first_name}, {tops[1]} in {second_name}"}


def audience(bundle: ModelBundle, segment_ids: Sequence[int]) -> pd.DataFrame:
    """The customers of the chosen segments with every column they carry and their flags."""
    chosen = bundle.segments.loc[bundle.segments["segment_id"].isin(list(segment_ids))]
    return chosen.drop(columns=[c for c in _MAP_COLUMNS if c in chosen.columns]).reset_index(drop=True)


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
