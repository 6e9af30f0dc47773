"""The statistics that compare a new batch of customers with the customers the model was trained on.

* Segment mix: the population stability index over the segments,
  ``PSI = sum((batch_share - train_share) * ln(batch_share / train_share))`` (a share of 0 counts as
  ``EPSILON``), read as < 0.1 stable, 0.1-0.25 some shift, >= 0.25 a shift that matters; and a chi-square
  test of the batch's counts against the training shares.
* Each feature: the Wasserstein distance divided by the training standard deviation ("how many sd the
  distribution moved") and a two-sample Kolmogorov-Smirnov test. As in Evidently's tabular presets, a
  feature drifts when the normalised Wasserstein distance reaches 0.1 above 1,000 reference rows, and
  when the KS p-value falls below 0.05 at or below (scipy for both).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

EPSILON = 1e-4


def population_stability_index(train_share: np.ndarray, batch_share: np.ndarray) -> np.ndarray:
    """Each segment's term of the PSI (sum them for the index)."""
    train, batch = np.maximum(train_share, EPSILON), np.maximum(batch_share, EPSILON)
    return (batch - train) * np.log(batch / train)


def chi_square_p_value(batch_counts: np.ndarray, train_share: np.ndarray) -> float:
    """The p-value of the batch's segment counts under the training shares (1.0 for an empty batch)."""
    total = batch_counts.sum()
    if total == 0:
        return 1.0
    expected = np.maximum(train_share, EPSILON)
    expected = expected / expected.sum() * total
    return float(stats.chisquare(batch_counts, expected).pvalue)


def feature_drift(train: np.ndarray, batch: np.ndarray, wasserstein_threshold: float, ks_p_value: float,
                  reference_rows: int) -> dict[str, float | bool | str]:
    """One feature's shift: normalised Wasserstein distance, KS statistic and p-value, the test that decides
    (Wasserstein above ``reference_rows`` training rows, KS at or below), whether it drifted, and how far the
    mean moved in training sd."""
    sd = float(np.std(train))
    scale = sd if sd > 0 else 1.0
    wasserstein = float(stats.wasserstein_distance(train, batch)) / scale
    ks = stats.ks_2samp(train, batch)
    method = "wasserstein" if len(train) > reference_rows else "ks"
    drifted = wasserstein >= wasserstein_threshold if method == "wasserstein" else ks.pvalue < ks_p_value
    return {"wasserstein_normalised": wasserstein, "ks_statistic": float(ks.statistic),
            "ks_p_value": float(ks.pvalue), "method": method, "drifted": bool(drifted),
            "mean_shift_sd": float((np.mean(batch) - np.mean(train)) / scale),
            "train_mean": float(np.mean(train)), "batch_mean": float(np.mean(batch))}


def sample_rows(frame: pd.DataFrame, size: int, random_state: int) -> pd.DataFrame:
    """A seeded sample of at most ``size`` rows (all rows when fewer), in their order."""
    if len(frame) <= size:
        return frame
    rows = np.sort(np.random.default_rng(random_state).choice(len(frame), size=size, replace=False))
    return frame.iloc[rows]
