"""What each segment is like: its size, feature means and medians, centre, the mix of its profile columns and
its outcome rates, as the profile table the app, the summary and the reports read.

The rules are in ``customer_segmentation.segmentation.profiles`` (mixes, rates, their words); ``profile_table``
is shared by both engines: pandas groups the customers here, Spark aggregates them (``spark_nodes.py``).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.segmentation import centres, profiles
from customer_segmentation.segmentation.contract import n_segments
from customer_segmentation.segmentation.segmenters import segmenter_of
from customer_segmentation.segmentation.space import categorical_features, map_positions, numeric_features

logger = logging.getLogger(__name__)


def describe_segments(customer_segments: pd.DataFrame, segment_names: pd.DataFrame,
                      profile_columns: list[str] | None = None, outcomes: dict[str, Any] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each segment's mix of every profile column and its rate of every outcome (``segmentation/profiles.py``).

    Args:
        customer_segments: Output of ``assign_segments`` (every column of the file is carried).
        segment_names: Output of ``name_segments``.
        profile_columns: Columns whose mix of values is described per segment.
        outcomes: Outcomes whose rate is given per segment (``features/profiles.py``).

    Returns:
        ``segment_categories`` (share of each category, overall share, lift) and ``segment_outcomes`` (rate, 95 %
        interval, overall rate, lift); empty tables when nothing is configured.
    """
    described = Descriptors.from_config(profile_columns, outcomes)
    mix, rates = profiles.describe(described, customer_segments["segment_id"], customer_segments,
                                   segment_name_list(segment_names))
    warn_never_positive(rates, described)
    return mix, rates


def profile_segments(customer_segments: pd.DataFrame, model: Pipeline, segment_names: pd.DataFrame,
                     segment_categories: pd.DataFrame | None = None, segment_outcomes: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Describes each segment: size, share, feature means and medians, centre z-scores; each category feature's
    most frequent category (``<feature>_mode``) and its share of the segment (``<feature>_share``); the mixes
    and outcome rates of ``describe_segments``.

    Args:
        customer_segments: Output of ``assign_segments``.
        model: The fitted segmentation model.
        segment_names: Output of ``name_segments``.
        segment_categories: Output of ``describe_segments`` (its words join the descriptions).
        segment_outcomes: Output of ``describe_segments`` (rates become columns and words).

    Returns:
        One row per segment, ordered by ``segment_id``.
    """
    groups = customer_segments.groupby("segment_id")[numeric_features(model)]
    categories = [_category_profile(customer_segments, feature) for feature in categorical_features(model)]
    return profile_table(model, segment_names, groups.size(), groups.mean(), groups.median(),
                         pd.concat(categories, axis=1) if categories else None, segment_categories, segment_outcomes)


def segment_name_list(segment_names: pd.DataFrame) -> list[str]:
    """The names in segment order."""
    return segment_names.sort_values("segment_id")["segment_name"].astype(str).tolist()


def _category_profile(customer_segments: pd.DataFrame, feature: str) -> pd.DataFrame:
    """Per segment: the most frequent category of ``feature`` (first in sorted order on a tie) and its share."""
    shares = customer_segments.groupby("segment_id")[feature].value_counts(normalize=True).rename("share")
    top = shares.reset_index().sort_values(["segment_id", "share", feature], ascending=[True, False, True])
    top = top.drop_duplicates("segment_id").set_index("segment_id")
    return pd.DataFrame({f"{feature}_mode": top[feature].astype(str), f"{feature}_share": top["share"]})


def profile_table(model: Pipeline, segment_names: pd.DataFrame, size: pd.Series, means: pd.DataFrame,
                  medians: pd.DataFrame, categories: pd.DataFrame | None = None, mix: pd.DataFrame | None = None,
                  rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The profile table from per-segment sizes, feature means and medians (indexed by segment id), for category
    features their ``<feature>_mode`` and ``<feature>_share`` columns, and the profile columns' mixes and the
    outcome rates (columns, and words added to each description).

    Shared by both engines: pandas groups the customers, Spark aggregates them (``spark_nodes.py``).
    """
    features = numeric_features(model)
    k = n_segments(model)
    segments = pd.RangeIndex(k, name="segment_id")
    size = size.reindex(segments, fill_value=0)
    z, _ = centres(model)
    map_x, map_y = map_positions(model, segmenter_of(model).centres(model[-1]))
    mix = pd.DataFrame(columns=profiles.MIX_COLUMNS) if mix is None else mix
    rates = pd.DataFrame(columns=profiles.OUTCOME_COLUMNS) if rates is None else rates
    named = segment_names.set_index("segment_id").reindex(segments)
    notes = pd.Series(profiles.phrases(mix, rates, k), index=segments)
    named["description"] = named["description"].astype(str).str.cat(notes.where(notes != ""), sep=". ", na_rep="")
    named["description"] = named["description"].str.removesuffix(". ")
    return pd.concat(
        [
            named,
            pd.DataFrame({"size": size, "share": size / size.sum()}, index=segments),
            means[features].reindex(segments).add_suffix("_mean"),
            medians[features].reindex(segments).add_suffix("_median"),
            *([] if categories is None else [categories.reindex(segments)]),
            pd.DataFrame(z, index=segments, columns=features).add_suffix("_z"),
            pd.DataFrame({"map_x": map_x, "map_y": map_y}, index=segments),
            profiles.wide_columns(mix, rates, k),
        ],
        axis=1,
    ).reset_index()


def warn_never_positive(rates: pd.DataFrame, described: Descriptors) -> None:
    """Warns of an outcome no customer has: its 'positive' value is most likely misspelt."""
    for outcome in described.outcomes:
        rows = rates[rates["outcome"] == outcome.name]
        if rows["customers"].sum() and not rows["positives"].sum():
            logger.warning("outcomes.%s: no customer has %s = %r, so its rate is 0 everywhere; check 'positive'",
                           outcome.name, outcome.column, outcome.positive)

