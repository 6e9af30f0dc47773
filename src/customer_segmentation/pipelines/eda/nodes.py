"""Sample the customers, sweep the number of segments k, and choose k.

Cost is bounded by the sample sizes, not by the number of rows: drawing the sample is the only
per-row work. The sweep fits the segmenter (``clustering.algorithm``) on a seeded random sample of at
most ``sweep_sample_size`` rows and the silhouette uses at most ``silhouette_sample_size`` of them; on
smaller data nothing is sampled. The k's are scored side by side, one per core. How k is chosen is
documented in ``selection.py``.

Category features (``type: category``, for k-prototypes) stay text through the sample and the standardization
(only numbers are standardized); the sweep codes them after the numbers, as the model space does, and measures
the silhouette and the indices in the segmenter's embedding (its own dissimilarity as a Euclidean distance).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np
import pandas as pd
from joblib import cpu_count
from sklearn import config_context
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from customer_segmentation.errors import ConfigurationError, CustomerDataError
from customer_segmentation.features import FeatureTable
from customer_segmentation.segmentation.segmenters import Segmenter, get_segmenter

from .selection import choose_k, explain_override, parse_n_clusters, structure_of

logger = logging.getLogger(__name__)

INDEX_COLUMNS = ["silhouette", "calinski_harabasz", "davies_bouldin", "stability", "smallest_share"]


def sweep_columns(segmenter: Segmenter) -> list[str]:
    """The k sweep's columns: k, the segmenter's own criterion (inertia, BIC), then the validity indices."""
    return ["k", segmenter.criterion, *INDEX_COLUMNS]


# The columns of K-Means' sweep (the default algorithm).
SWEEP_COLUMNS = sweep_columns(get_segmenter(None))
PARAMETERS_FILE = "conf/base/parameters_eda.yml"


def _check_k_range(k_range: list[int], scaled: np.ndarray) -> list[int]:
    if (
        not isinstance(k_range, (list, tuple)) or len(k_range) != 2
        or not all(isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in k_range)
        or not 2 <= k_range[0] <= k_range[1]
    ):
        raise ConfigurationError(f"parameter 'k_range' is {k_range!r}; use [min, max] with 2 <= min <= max, "
                                 f"e.g. [2, 10] ({PARAMETERS_FILE})")
    distinct = len(np.unique(scaled, axis=0))
    if distinct < 3:
        raise CustomerDataError(
            f"only {distinct} distinct customer(s) ({len(scaled)} rows) passed validation; segmenting needs "
            "at least 3 (2 segments and a customer to spare). Check rejected_customers for what was "
            "rejected, fix the file or the feature table (conf/base/parameters.yml), and run again"
        )
    if k_range[1] >= distinct:
        raise CustomerDataError(
            f"k_range {list(k_range)} asks for up to {k_range[1]} segments but the data has only {distinct} "
            f"distinct customers ({len(scaled)} rows); lower the max of 'k_range' in {PARAMETERS_FILE} "
            f"to at most {distinct - 1}, or segment more customers"
        )
    return list(range(int(k_range[0]), int(k_range[1]) + 1))


def _score_k(scaled: np.ndarray, k: int, n_init: int, n_bootstrap: int, silhouette_sample_size: int,
             random_state: int, segmenter: Segmenter, categorical: list[int]) -> dict[str, float]:
    # OpenMP's thread count belongs to the calling thread: each k runs on one core, k's side by side.
    with threadpool_limits(limits=1, user_api="openmp"):
        model = segmenter.build(k, n_init, random_state)
        segmenter.fit(model, scaled, categorical)
        labels = segmenter.fit_labels(model, scaled)
        rng = np.random.default_rng([random_state, k])
        agreement = []
        for seed in rng.integers(0, 2**31, size=n_bootstrap):
            resample = scaled[rng.integers(0, len(scaled), size=len(scaled))]
            refit = segmenter.build(k, n_init, int(seed))
            segmenter.fit(refit, resample, categorical)
            agreement.append(adjusted_rand_score(labels, segmenter.predict(refit, scaled)))
    points = segmenter.embedding(model, scaled)
    sample_size = silhouette_sample_size if len(scaled) > silhouette_sample_size else None
    # Distances in 64 MB chunks: scikit-learn's default (1 GB) allocates the whole 10k x 10k matrix
    # at once, and fresh memory costs more than the arithmetic (2.7 s against 0.7 s per k).
    with config_context(working_memory=64):
        silhouette = silhouette_score(points, labels, sample_size=sample_size, random_state=random_state)
    return {
        "k": k,
        segmenter.criterion: segmenter.sweep_score(model, scaled),
        "silhouette": float(silhouette),
        "calinski_harabasz": float(calinski_harabasz_score(points, labels)),
        "davies_bouldin": float(davies_bouldin_score(points, labels)),
        "stability": float(np.mean(agreement)),
        # A few far-off customers (one $666,666 income) make a "segment" of their own at some k: not a type.
        "smallest_share": float(np.bincount(labels, minlength=k).min() / len(labels)),
    }


def _model_space(scaled: pd.DataFrame) -> tuple[np.ndarray, list[int]]:
    """The sample as the segmenter sees it: the numbers, then one code per category feature (0, 1, ... in sorted
    order, as the model codes them); and the positions of the codes."""
    numbers = [column for column in scaled.columns if pd.api.types.is_numeric_dtype(scaled[column])]
    if len(numbers) == scaled.shape[1]:
        return scaled.to_numpy(dtype="float64"), []
    codes = [pd.factorize(scaled[column], sort=True)[0] for column in scaled.columns if column not in numbers]
    values = np.column_stack([scaled[numbers].to_numpy(dtype="float64"), *codes]).astype("float64")
    return values, list(range(len(numbers), values.shape[1]))


def sample_customers(
    customers: pd.DataFrame, features: dict[str, Any], sweep_sample_size: int, random_state: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Draws the seeded random sample that the reports and the k sweep are computed on.

    Args:
        customers: Model-ready customers (features in original units, no missing values).
        features: The feature table.
        sweep_sample_size: Most rows to keep; smaller data is used whole.
        random_state: Seed of the sample.

    Returns:
        The feature columns of the sampled rows (numbers as floats, categories as text), and
        ``{rows_total, rows_used}``.
    """
    table = FeatureTable.from_config(features)
    features = table.names
    missing = [f for f in features if f not in customers.columns]
    if missing:
        raise CustomerDataError(
            f"feature column(s) {missing} missing from model_input_customers; columns found: "
            f"{list(customers.columns)}. Check 'features' or run the data_processing pipeline again"
        )
    if sweep_sample_size < 1:
        raise ConfigurationError(f"parameter 'sweep_sample_size' is {sweep_sample_size}; use a positive number of "
                                 f"rows ({PARAMETERS_FILE})")
    rows_total = len(customers)
    if rows_total > sweep_sample_size:
        rows = np.random.default_rng(random_state).choice(rows_total, size=sweep_sample_size, replace=False)
        customers = customers.iloc[np.sort(rows)]
    sample = customers[features].astype({f.name: "float64" for f in table.numeric}).reset_index(drop=True)
    logger.info("eda sample: %d of %d rows", len(sample), rows_total)
    return sample, {"rows_total": rows_total, "rows_used": len(sample)}


def standardize_features(sample: pd.DataFrame, features: dict[str, Any] | None = None) -> pd.DataFrame:
    """Scales every feature to mean 0 and standard deviation 1, so each weighs the same in K-Means; a feature with
    ``transform: log`` is taken as its ``log1p`` first, as the model takes it.

    Args:
        sample: Features in original units (category features as text: left as they are).
        features: The feature table (for its ``transform: log`` features); None: none is transformed.

    Returns:
        The standardized features, same columns.
    """
    if sample.isna().any().any():
        raise CustomerDataError(
            f"missing values in {sample.columns[sample.isna().any()].tolist()}: the eda pipeline needs "
            "model_input_customers as data_processing writes it (missing cells imputed or dropped)"
        )
    logged = FeatureTable.from_config(features).logged if features is not None else []
    if logged:
        sample = sample.assign(**{feature: np.log1p(sample[feature]) for feature in logged})
    numbers = [column for column in sample.columns if pd.api.types.is_numeric_dtype(sample[column])]
    if len(numbers) < sample.shape[1]:
        return sample.assign(**dict(zip(numbers, StandardScaler().fit_transform(sample[numbers]).T)))
    return pd.DataFrame(StandardScaler().fit_transform(sample), columns=sample.columns)


def sweep_k(
    scaled: pd.DataFrame,
    k_range: list[int],
    n_init: int,
    n_bootstrap: int,
    silhouette_sample_size: int,
    random_state: int,
    algorithm: str | None = None,
) -> pd.DataFrame:
    """Fits the segmenter for every k in ``k_range`` and scores each fit.

    Args:
        scaled: Standardized features of the sample (category features as text).
        k_range: ``[min, max]`` number of segments, inclusive.
        n_init: K-Means initialisations per fit.
        n_bootstrap: Bootstrap refits behind the stability score (at least 1).
        silhouette_sample_size: Most rows the silhouette is computed on.
        random_state: Seed of every fit and resample.
        algorithm: ``clustering.algorithm``, the segmenter.

    Returns:
        One row per k: the segmenter's criterion (inertia for K-Means, BIC for a Gaussian mixture, the cost for
        k-prototypes),
        silhouette, calinski_harabasz, davies_bouldin and stability (mean adjusted Rand index between the
        fit and its bootstrap refits, on the sample).
    """
    segmenter = get_segmenter(algorithm)
    values, categorical = _model_space(scaled)
    ks = _check_k_range(k_range, values)
    if n_bootstrap < 1 or n_init < 1 or silhouette_sample_size < 2:
        raise ConfigurationError(f"n_bootstrap={n_bootstrap}, n_init={n_init} and silhouette_sample_size="
                         f"{silhouette_sample_size} should be >= 1, >= 1 and >= 2 ({PARAMETERS_FILE})")
    # Many small fits: threads inside one fit cost more than they save (a 50k-row sweep took 37 s with
    # scikit-learn's default threads against 20 s single-threaded on 2 cores). Instead every core
    # scores its own k, each fit single-threaded; the largest k (the slowest) go first.
    # The results do not depend on the order: every k has its own seeds.
    started = time.perf_counter()
    rows = []
    with threadpool_limits(limits=1), ThreadPoolExecutor(max_workers=min(cpu_count(), len(ks))) as pool:
        futures = {pool.submit(_score_k, values, k, n_init, n_bootstrap, silhouette_sample_size, random_state,
                               segmenter, categorical): k
                   for k in sorted(ks, reverse=True)}
        for future in as_completed(futures):
            row = future.result()
            rows.append(row)
            logger.info("k sweep %d/%d done: k=%d silhouette %.3f, stability %.3f, %s %.1f (%.1f s so far)",
                        len(rows), len(ks), row["k"], row["silhouette"], row["stability"], segmenter.criterion,
                        row[segmenter.criterion], time.perf_counter() - started)
    return pd.DataFrame(sorted(rows, key=lambda row: row["k"]), columns=sweep_columns(segmenter))


def select_k(
    k_sweep: pd.DataFrame, n_clusters: Any, sample_info: dict[str, int], selection: dict[str, float]
) -> dict[str, Any]:
    """Chooses the number of segments by the rule in ``selection.py``, or takes the override.

    Args:
        k_sweep: Output of ``sweep_k``.
        n_clusters: ``auto`` or a whole number of segments (>= 2, below the number of customers).
        sample_info: ``{rows_total, rows_used}`` from ``sample_customers``.
        selection: Thresholds ``min_stability``, ``strong_silhouette``, ``weak_silhouette``.

    Returns:
        The JSON-ready ``k_selection``: k, method, structure, reason and the numbers behind them.
    """
    override = parse_n_clusters(n_clusters, sample_info["rows_total"])
    auto = choose_k(k_sweep, selection)
    k = auto["k"] if override is None else override
    by_k = k_sweep.set_index("k")
    measured = by_k.loc[k] if k in by_k.index else None
    method = "auto" if override is None else "override"
    reason = auto["reason"] if override is None else explain_override(k, measured, auto)
    structure = auto["structure"]
    if override is not None and measured is not None:  # the structure of the segments made, not of the auto k
        structure = structure_of(measured["silhouette"], measured["stability"] >= selection["min_stability"],
                                 selection)
    logger.info("k_selection: k=%d (%s), %s structure: %s", k, method, structure, reason)
    return {
        "k": k,
        "method": method,
        "structure": structure,
        "reason": reason,
        "elbow_k": auto["elbow_k"],
        "silhouette": None if measured is None else round(float(measured["silhouette"]), 4),
        "stability": None if measured is None else round(float(measured["stability"]), 4),
        "k_range": [int(k_sweep["k"].min()), int(k_sweep["k"].max())],
        "rows_used": int(sample_info["rows_used"]),
        "rows_total": int(sample_info["rows_total"]),
        "auto_k": auto["k"],
        "votes": auto["votes"],
        "stable_k": auto["stable_k"],
    }


def build_sweep_metrics(k_sweep: pd.DataFrame, k_selection: dict[str, Any]) -> tuple[dict[str, list], int]:
    """Shapes the sweep for MLflow: one metric history per index with step = k, and the chosen k.

    Args:
        k_sweep: Output of ``sweep_k``.
        k_selection: Output of ``select_k``.

    Returns:
        ``{index: [{value, step: k}, ...]}`` and the chosen k.
    """
    curves = {
        column: [{"value": float(v), "step": int(k)} for k, v in zip(k_sweep["k"], k_sweep[column])]
        for column in k_sweep.columns if column != "k"
    }
    return curves, int(k_selection["k"])
