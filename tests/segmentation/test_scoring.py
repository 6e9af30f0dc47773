"""score(): the one routine that applies a model to a frame, fast path and all, agrees with the model itself."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from customer_segmentation.segmentation import space
from customer_segmentation.segmentation.scoring import score
from tests.pipelines.clustering.conftest import FEATURES


def test_score_gives_model_predict_and_the_distance_to_every_centre(model, customers):
    scored = score(model, customers, all_distances=True)
    assert np.array_equal(scored["segment_id"], model.predict(customers))
    np.testing.assert_allclose(scored[[f"distance_{i}" for i in range(4)]], model.transform(customers))
    np.testing.assert_allclose(scored["distance_to_centre"], model.transform(customers).min(axis=1))
    np.testing.assert_allclose(scored[["map_x", "map_y"]], model[:-1].transform(customers)[:, :2])


def test_the_runner_up_is_the_second_closest_segment(model, customers):
    scored = score(model, customers)
    distances = model.transform(customers)
    second = np.argsort(distances, axis=1)[:, 1]
    assert np.array_equal(scored["runner_up_id"], second)
    np.testing.assert_allclose(scored["runner_up_distance"], np.sort(distances, axis=1)[:, 1])


def test_chunked_scoring_equals_scoring_at_once(model, customers, monkeypatch):
    whole = score(model, customers)
    monkeypatch.setattr(space, "CHUNK_ROWS", 333)
    pd.testing.assert_frame_equal(score(model, customers), whole)


def test_the_projects_model_is_scored_through_its_affine_map(model, customers):
    # The fast path is what keeps millions of rows affordable: a scikit-learn upgrade once disabled it silently.
    matrix, offset = space.affine_map(model)
    np.testing.assert_allclose(customers[FEATURES].to_numpy() @ matrix + offset, model[:-1].transform(customers),
                               atol=1e-9)


def test_a_pipeline_with_another_step_is_scored_through_its_own_transform(model, customers):
    # A step the fast path does not know: it must not be skipped by the affine shortcut.
    doubled = Pipeline([*model.steps[:-1], ("double", FunctionTransformer(lambda x: 2 * x)), model.steps[-1]])
    scored = score(doubled, customers)
    assert space.affine_map(doubled) is None
    assert np.array_equal(scored["segment_id"], doubled.predict(customers))


def test_extra_and_reordered_columns_are_ignored(model, customers):
    shuffled = customers[["customer_id", *FEATURES[::-1]]].assign(note="x")
    pd.testing.assert_frame_equal(score(model, shuffled), score(model, customers[FEATURES]))


def test_the_index_of_the_frame_is_kept(model, customers):
    subset = customers.iloc[[5, 1, 9]]
    assert score(model, subset).index.tolist() == [5, 1, 9]


@pytest.mark.parametrize("rows", [0, 1])
def test_tiny_frames_are_scored(model, customers, rows):
    assert len(score(model, customers.head(rows))) == rows
