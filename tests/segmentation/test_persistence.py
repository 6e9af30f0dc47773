"""The model file: skops, written atomically, loaded only when every type in it is trusted."""

import os
import stat

import pytest
import skops.io as sio

from customer_segmentation.segmentation.contract import model_segment_names, model_table
from customer_segmentation.segmentation.persistence import UnsafeModelFileError, load_model, save_model
from tests.bundles import memory_bundle
from tests.projects import Exploit


@pytest.fixture(scope="module")
def model():
    return memory_bundle(rows=300, k=3).model


def test_a_saved_model_loads_with_its_contract_and_predicts_the_same(model, tmp_path):
    path = tmp_path / "m.skops"
    save_model(model, path)
    loaded = load_model(path)
    frame = memory_bundle(rows=300, k=3).segments[model_table(model).names]
    assert (loaded.predict(frame) == model.predict(frame)).all()
    assert model_table(loaded) == model_table(model) and model_segment_names(loaded) == model_segment_names(model)


def test_the_file_is_readable_by_its_owner_only_and_no_temporary_file_is_left(model, tmp_path):
    path = tmp_path / "m.skops"
    save_model(model, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["m.skops"]


def test_a_file_with_an_untrusted_type_is_refused_without_building_it(model, tmp_path):
    model.steps.append(("exploit", Exploit()))
    try:
        sio.dump(model, tmp_path / "evil.skops")
    finally:
        model.steps.pop()
    with pytest.raises(UnsafeModelFileError, match=r"not trusted and was not loaded: \['tests.projects.Exploit'\]"):
        load_model(tmp_path / "evil.skops")


def test_a_pickle_is_not_a_model_file(model, tmp_path):
    import pickle

    (tmp_path / "m.pkl").write_bytes(pickle.dumps(model))
    with pytest.raises(UnsafeModelFileError, match="is not a skops model file"):
        load_model(tmp_path / "m.pkl")
