"""How the number of segments k is chosen from the k sweep, and how the result is explained.

The ``auto`` rule, applied to the ``k_sweep`` table (all indices on standardized features):

1. **Stable candidates.** A k is a candidate when its segments are found again on bootstrap
   resamples: ``stability`` (mean adjusted Rand index, 0..1) >= ``min_stability`` (0.8), and when its
   smallest segment holds at least ``min_segment_share`` (1 %) of the customers (a handful of far-off
   customers is not a segment). If no k is stable, every k is a candidate (and the structure is reported as
   weak); if no stable k has segments that large, the stable ones are.
2. **Four votes.** Each criterion votes for one candidate: the elbow of the inertia curve
   (k-prototypes: of its cost; kneedle, via ``kneed``; it votes only when the elbow is a candidate), the highest
   silhouette, the highest Calinski-Harabasz index and the lowest Davies-Bouldin index.
3. **Majority.** The k with most votes wins (the majority rule of NbClust, Charrad et al. 2014);
   a tie goes to the tied k with the higher silhouette.
4. **Structure**, from the chosen k (Kaufman & Rousseeuw's reading of the silhouette):
   ``strong`` when silhouette >= ``strong_silhouette`` (0.5) and k is stable, ``moderate`` when
   silhouette >= ``weak_silhouette`` (0.25) and k is stable, otherwise ``weak``: segments are
   then convenient slices of the customers rather than distinct types.

With a segmenter whose criterion is the BIC (a Gaussian mixture), steps 2-3 are one rule instead: among the
candidates, the k with the lowest BIC (Bayesian information criterion: fit against complexity) wins; step 4
is the same.

An integer ``n_clusters`` overrides the choice; the data-driven choice is still reported, and the structure
is read at the overriding k.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import pandas as pd

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features.units import format_share

#: The sweep columns whose elbow votes: K-Means' inertia, k-prototypes' cost.
ELBOW_CRITERIA = ("inertia", "cost")


def find_elbow(k_sweep: pd.DataFrame) -> int | None:
    """The kneedle elbow of the inertia (or cost) against k, or None when the curve has no knee."""
    criterion = next((c for c in ELBOW_CRITERIA if c in k_sweep.columns), None)
    if len(k_sweep) < 3 or criterion is None:
        return None
    from kneed import KneeLocator  # imports pyplot and scipy.signal: only when an elbow is wanted

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kneed warns when there is no knee; None says it
        knee = KneeLocator(
            k_sweep["k"].tolist(), k_sweep[criterion].tolist(), curve="convex", direction="decreasing"
        ).knee
    return None if knee is None else int(knee)


def candidates_of(k_sweep: pd.DataFrame, thresholds: dict[str, float]) -> tuple[pd.DataFrame, list[int]]:
    """Step 1: the candidate rows and the stable k values."""
    stable = k_sweep[k_sweep["stability"] >= thresholds["min_stability"]]
    candidates = stable if len(stable) else k_sweep
    if "smallest_share" in candidates.columns:
        large = candidates[candidates["smallest_share"] >= thresholds.get("min_segment_share", 0.0)]
        candidates = large if len(large) else candidates
    return candidates, [int(k) for k in stable["k"]]


def vote(k_sweep: pd.DataFrame, thresholds: dict[str, float]) -> tuple[int, dict[str, int | None], list[int]]:
    """Applies steps 1-3 of the rule.

    Returns:
        The chosen k, each criterion's vote (None when it abstains) and the stable k values.
    """
    candidates, stable_k = candidates_of(k_sweep, thresholds)
    elbow = find_elbow(k_sweep)
    votes = {
        "elbow": elbow if elbow in set(candidates["k"]) else None,
        "silhouette": int(candidates.loc[candidates["silhouette"].idxmax(), "k"]),
        "calinski_harabasz": int(candidates.loc[candidates["calinski_harabasz"].idxmax(), "k"]),
        "davies_bouldin": int(candidates.loc[candidates["davies_bouldin"].idxmin(), "k"]),
    }
    counts = Counter(k for k in votes.values() if k is not None)
    most = max(counts.values())
    tied = candidates[candidates["k"].isin([k for k, n in counts.items() if n == most])]
    chosen = int(tied.sort_values(["silhouette", "k"], ascending=[False, True])["k"].iloc[0])
    return chosen, votes, stable_k


def structure_of(silhouette: float, stable: bool, thresholds: dict[str, float]) -> str:
    """``strong``, ``moderate`` or ``weak`` (step 4 of the rule)."""
    if stable and silhouette >= thresholds["strong_silhouette"]:
        return "strong"
    if stable and silhouette >= thresholds["weak_silhouette"]:
        return "moderate"
    return "weak"


def lowest_bic(k_sweep: pd.DataFrame, thresholds: dict[str, float]) -> tuple[int, dict[str, int | None], list[int]]:
    """Among the candidates (step 1), the k with the lowest BIC; its vote, and the stable k values."""
    candidates, stable_k = candidates_of(k_sweep, thresholds)
    chosen = int(candidates.loc[candidates["bic"].idxmin(), "k"])
    return chosen, {"bic": chosen}, stable_k


def choose_k(k_sweep: pd.DataFrame, thresholds: dict[str, float]) -> dict[str, Any]:
    """The ``auto`` choice: k, its structure, the reason and the evidence.

    Args:
        k_sweep: One row per k with the segmenter's criterion (``inertia`` or ``bic``), silhouette,
            calinski_harabasz, davies_bouldin, stability.
        thresholds: ``min_stability``, ``strong_silhouette`` and ``weak_silhouette``.

    Returns:
        ``{k, structure, reason, elbow_k, silhouette, stability, votes, stable_k}``.
    """
    by_bic = "bic" in k_sweep.columns
    rule = lowest_bic if by_bic else vote
    k, votes, stable_k = rule(k_sweep, thresholds)
    row = k_sweep.set_index("k").loc[k]
    structure = structure_of(row["silhouette"], k in stable_k, thresholds)
    reason = (_explain_bic(k, row, structure, k_sweep) if by_bic
              else _explain(k, row, votes, structure, k_sweep, thresholds)) + _left_out(k_sweep, thresholds)
    return {
        "k": k,
        "structure": structure,
        "reason": reason,
        "elbow_k": None if by_bic else find_elbow(k_sweep),
        "silhouette": round(float(row["silhouette"]), 4),
        "stability": round(float(row["stability"]), 4),
        "votes": votes,
        "stable_k": stable_k,
    }


def _explain(k: int, row: pd.Series, votes: dict[str, int | None], structure: str,
             k_sweep: pd.DataFrame, thresholds: dict[str, float]) -> str:
    agree = sum(v == k for v in votes.values())
    voters = sum(v is not None for v in votes.values())
    numbers = f"silhouette {row['silhouette']:.2f}, stability {row['stability']:.2f}"
    if structure == "strong":
        return (
            f"The customers fall into {k} clearly separated segments: {agree} of {voters} tests agree on {k} "
            f"({numbers}). The segments are found again almost unchanged when the data are resampled."
        )
    if structure == "moderate":
        return (
            f"{k} segments fit the customers best ({agree} of {voters} tests agree; {numbers}), but they overlap: "
            f"a silhouette of {thresholds['strong_silhouette']:.2f} or more would mean clearly separated segments."
        )
    causes = []
    weak = thresholds["weak_silhouette"]
    if row["silhouette"] < weak:
        best = k_sweep["silhouette"].max()
        at = f"at most {best:.2f} for any k" if best < weak else f"{row['silhouette']:.2f} at k={k}"
        causes.append(f"the silhouette is {at} (below {weak:.2f} means no substantial structure)")
    if row["stability"] < thresholds["min_stability"]:
        causes.append(
            f"the segments change when the data are resampled (stability {row['stability']:.2f}; "
            f"{thresholds['min_stability']:.2f} counts as stable)"
        )
    return (
        f"No natural grouping stands out: {' and '.join(causes)}. {k} segments ({agree} of {voters} tests agree) "
        "is a practical split: read the segments as convenient slices of the customers, not distinct types."
    )


def _left_out(k_sweep: pd.DataFrame, thresholds: dict[str, float]) -> str:
    """" k = 5 and 6 were left out: a segment of under 1 % of the customers ...", or ""."""
    share = thresholds.get("min_segment_share", 0.0)
    if "smallest_share" not in k_sweep.columns or not share:
        return ""
    stable = k_sweep[k_sweep["stability"] >= thresholds["min_stability"]]
    tiny = [int(k) for k in stable.loc[stable["smallest_share"] < share, "k"]]
    if not tiny or len(tiny) == len(stable):
        return ""
    listed = " and ".join(map(str, tiny)) if len(tiny) < 3 else f"{', '.join(map(str, tiny[:-1]))} and {tiny[-1]}"
    return (f" k = {listed} {'was' if len(tiny) == 1 else 'were'} left out: a segment of under {format_share(share)} of the "
            "customers (a few far-off customers, not a type of customer).")


def _explain_bic(k: int, row: pd.Series, structure: str, k_sweep: pd.DataFrame) -> str:
    numbers = f"silhouette {row['silhouette']:.2f}, stability {row['stability']:.2f}"
    words = {"strong": "clearly separated", "moderate": "overlapping", "weak": "weakly separated"}[structure]
    return (f"{k} segments have the lowest BIC of the stable k from {int(k_sweep['k'].min())} to "
            f"{int(k_sweep['k'].max())} (the best fit for their complexity): {words} segments ({numbers}).")


def explain_override(k: int, measured: pd.Series | None, auto: dict[str, Any]) -> str:
    """The reason for an ``n_clusters`` override, with the data-driven choice for comparison."""
    at_k = (
        f"k={k} was not in the sweep, so its silhouette and stability were not measured"
        if measured is None
        else f"at k={k}: silhouette {measured['silhouette']:.2f}, stability {measured['stability']:.2f}"
    )
    return (
        f"{k} segments, as set by the n_clusters parameter ({at_k}). On its own the data would suggest "
        f"{auto['k']} (silhouette {auto['silhouette']:.2f}, stability {auto['stability']:.2f}; "
        f"{auto['structure']} structure)."
    )


# What people call each vote of the rule.
VOTE_NAMES = {"elbow": "elbow of the inertia", "silhouette": "silhouette", "calinski_harabasz": "Calinski-Harabasz",
              "davies_bouldin": "Davies-Bouldin", "bic": "lowest BIC"}


def votes_text(votes: dict[str, int | None]) -> str:
    """"elbow of the inertia: 4, silhouette: 4, ..."; a criterion without a vote says so, never "None"."""
    parts = []
    for name, k in votes.items():
        label = VOTE_NAMES.get(name, name)
        parts.append(f"{label}: {k}" if k is not None else f"{label}: {'no clear elbow' if name == 'elbow' else 'none'}")
    return ", ".join(parts)


def parse_n_clusters(n_clusters: Any, rows_total: int) -> int | None:
    """None for ``auto``, else the override as an int after checking 2 <= k < rows.

    Raises:
        ConfigurationError: the value is neither ``auto`` nor a whole number, or is out of bounds.
    """
    text = str(n_clusters).strip().lower()
    if text == "auto":
        return None
    if isinstance(n_clusters, bool) or not text.isdigit():
        raise ConfigurationError(
            f"parameter 'n_clusters' is {n_clusters!r}; use auto or a whole number of segments, "
            "e.g. n_clusters: 4, in conf/base/parameters.yml"
        )
    k = int(text)
    if not 2 <= k < rows_total:
        raise ConfigurationError(
            f"parameter 'n_clusters' is {k} but there are {rows_total} customers: it must be at least 2 "
            f"and below the number of customers ({rows_total}); set it in conf/base/parameters.yml or use auto"
        )
    return k
