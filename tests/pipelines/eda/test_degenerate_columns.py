"""Degenerate feature columns (issue 23, case 4): nearly constant, enormous or tiny values and extreme scales.
Plots and fits survive them with a warning, a value too large to compute with rejects its row, and a scale no
unit needs is refused by the configuration check."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.io.csv_files import read_customer_csv
from customer_segmentation.pipelines.eda.plots import plot_feature_distributions
from tests.helpers import default_features, run_all_pipelines, run_data_processing

DATA = Path(__file__).resolve().parents[2] / "data"
INFO = {"rows_total": 40, "rows_used": 40}


def _distributions(savings: np.ndarray) -> Figure:
    rng = np.random.default_rng(0)
    sample = pd.DataFrame({"annual_income": rng.uniform(20_000, 90_000, len(savings)),
                           "spending_score": rng.uniform(0, 100, len(savings)),
                           "savings": savings, "age": rng.uniform(18, 90, len(savings))})
    return plot_feature_distributions(sample, INFO, default_features())


def test_a_nearly_constant_feature_is_drawn_as_one_bar_with_a_warning(caplog):
    savings = np.full(40, 1000.0)
    savings[7] = 1000.0000000000002
    figure = _distributions(savings)
    assert figure.axes[2].get_title().startswith("Savings")
    assert "savings: the values are (nearly) all the same: its distribution is drawn as one bar" in caplog.text


@pytest.mark.parametrize("magnitude", [1e-300, 1e100])
def test_tiny_or_huge_values_get_their_bars_and_density_line(magnitude, caplog):
    figure = _distributions(np.random.default_rng(1).uniform(1, 2, 40) * magnitude)
    assert [line.get_label() for line in figure.axes[2].get_lines()] == ["density"]


def test_a_nearly_constant_feature_is_reported_constant_and_segmented_anyway(caplog):
    outputs = run_all_pipelines(read_customer_csv(DATA / "bad_input" / "nearly_constant.csv"), default_features())
    assert outputs["data_quality_report"]["constant_features"] == ["savings"]
    assert outputs["customer_segments"]["customer_id"].tolist()[:3] == ["C1", "C2", "C3"]
    assert "constant" in caplog.text


def test_a_value_too_large_to_compute_with_rejects_its_row_and_the_rest_is_segmented():
    features = default_features()
    features["savings"] = {**features["savings"], "range": None}
    outputs = run_all_pipelines(read_customer_csv(DATA / "bad_input" / "enormous_no_range.csv"), features)
    report = outputs["data_quality_report"]
    assert report["rows_read"] == 30 == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    rejected = outputs["rejected_customers"]
    assert rejected["rejection_reason"].tolist() == [
        "savings: 1e+305 is too large to compute with (beyond ±1e+150): check the cell, or the feature's scale and "
        "range"]
    assert len(outputs["customer_segments"]) == 29


def test_a_scaled_value_that_overflows_rejects_its_row():
    features = default_features()
    features["savings"] = {**features["savings"], "range": None, "scale": 1e9}
    frame = read_customer_csv(DATA / "bad_input" / "enormous_no_range.csv")
    outputs = run_data_processing(frame, features=features)
    assert outputs["rejected_customers"]["rejection_reason"].tolist() == ["savings: inf is not a finite number"]
    assert outputs["data_quality_report"]["rows_out"] == 29


@pytest.mark.parametrize(("name", "scale"), [("scale_tiny.yml", "5e-324"), ("scale_huge.yml", "1e+300")])
def test_a_scale_no_unit_needs_is_refused_by_the_configuration_check(name, scale):
    path = DATA / "bad_config" / name
    with pytest.raises(ConfigurationError) as error:
        FeatureTable.from_config(yaml.safe_load(path.read_text())["features"], where=str(path))
    assert f"features.savings: scale {scale} is not between 1e-12 and 1e+12; a scale converts a unit" \
        in str(error.value)
    assert str(path) in str(error.value)
