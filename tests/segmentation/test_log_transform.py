"""transform: log: segments found on log1p of skewed money and counts, centres back in the features' units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from customer_segmentation.segmentation import build_segmentation_model, centres, fit_segmentation_model, score
from customer_segmentation.segmentation.persistence import load_model, save_model

FEATURES = ["recency", "orders", "revenue"]


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    """Two groups ten times apart in orders and revenue (log-normal, as shops' are), the same recency."""
    rng = np.random.default_rng(0)
    low = pd.DataFrame({"recency": rng.uniform(0, 300, 400), "orders": np.round(rng.lognormal(0.3, 0.3, 400)),
                        "revenue": rng.lognormal(np.log(300), 0.4, 400)})
    high = pd.DataFrame({"recency": rng.uniform(0, 300, 100), "orders": np.round(rng.lognormal(2.6, 0.3, 100)),
                         "revenue": rng.lognormal(np.log(3000), 0.4, 100)})
    return pd.concat([low.assign(group=0), high.assign(group=1)], ignore_index=True)


@pytest.fixture(scope="module")
def model(customers):
    model = build_segmentation_model(FEATURES, 2, None, 5, 0, logged=["orders", "revenue"])
    return fit_segmentation_model(model, customers, None)


def test_the_segments_are_the_groups_on_the_log_scale(model, customers):
    segments = score(model, customers)["segment_id"]
    agreement = pd.crosstab(segments, customers["group"])
    assert np.diag(agreement.to_numpy()).sum() >= 0.98 * len(customers) or \
        np.diag(agreement.to_numpy()[::-1]).sum() >= 0.98 * len(customers)


def test_the_centres_are_in_the_features_units(model, customers):
    _, original = centres(model)
    by_segment = customers.assign(segment=score(model, customers)["segment_id"]).groupby("segment")
    medians = by_segment["revenue"].median().sort_index().to_numpy()
    # log-scale centres are geometric means: close to the medians in GBP, far from the logs (5.7 and 8.0)
    assert original[:, 2] == pytest.approx(medians, rel=0.2)


def test_a_logged_model_is_saved_and_loaded_as_a_trusted_file(model, customers, tmp_path):
    save_model(model, tmp_path / "model.skops")
    again = load_model(tmp_path / "model.skops")
    assert (score(again, customers)["segment_id"] == score(model, customers)["segment_id"]).all()


def test_validity_indices_are_scikit_learns_in_the_log_space(model, customers):
    """The segments' means are taken in the model space, where log1p is not the log of a mean."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    from customer_segmentation.segmentation.metrics import validity_indices

    labels = score(model, customers)["segment_id"].to_numpy()
    space = model[:-1].transform(customers)
    found = validity_indices(model, customers, labels)
    assert found == pytest.approx((calinski_harabasz_score(space, labels), davies_bouldin_score(space, labels)),
                                  rel=1e-9)
