"""The drift report as a figure: segment shares at training and in the batch, and how far each feature moved."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

_COLOURS = {"none": "tab:green", "watch": "tab:orange", "retrain": "tab:red", "not_judged": "tab:grey"}


def plot_drift_report(drift_report: dict[str, Any]) -> Figure:
    """Two panels: share of customers per segment (training vs batch), and each feature's normalised
    Wasserstein distance with the drift threshold; the alert in the title.

    Args:
        drift_report: Output of ``build_drift_report``.
    """
    mix, features = drift_report["segment_mix"], drift_report["features"]
    figure = Figure(figsize=(12, 0.5 * max(len(mix), len(features)) + 3), layout="constrained")
    shares, shifts = figure.subplots(1, 2)
    positions = np.arange(len(mix))
    shares.barh(positions - 0.2, [s["train_share"] * 100 for s in mix], height=0.4, label="training", color="tab:grey")
    shares.barh(positions + 0.2, [s["batch_share"] * 100 for s in mix], height=0.4, label="batch", color="tab:blue")
    shares.set_yticks(positions, [f"{s['segment_id']}: {s['segment_name']}" for s in mix])
    shares.invert_yaxis()
    shares.set(xlabel="Customers in the segment (%)", title=f"Segment mix (PSI {drift_report['psi']:.2f})")
    shares.legend(loc="lower right")
    names = list(features)
    values = [features[n]["wasserstein_normalised"] for n in names]
    colours = ["tab:red" if features[n]["drifted"] else "tab:blue" for n in names]
    shifts.barh(names, values, color=colours)
    shifts.axvline(drift_report["thresholds"]["wasserstein_threshold"], color="grey", linestyle=":",
                   label="drift threshold")
    shifts.set_yticks(range(len(names)), [features[n]["label"] for n in names])
    shifts.invert_yaxis()
    shifts.set(xlabel="Distribution shift (Wasserstein distance / training sd)", title="Features (red: drifted)")
    shifts.legend(loc="lower right")
    batch = drift_report["batch"]
    figure.suptitle(f"Batch {batch['batch']} ({batch['scored']:,} of {batch['rows']:,} rows scored): alert "
                    f"{drift_report['alert'].replace('_', ' ').upper()}", color=_COLOURS[drift_report["alert"]],
                    fontsize=13)
    return figure
