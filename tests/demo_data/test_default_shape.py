"""The default shape is unchanged by the package split: the same files, byte for byte."""

from __future__ import annotations

import subprocess
import sys

from tests.demo_data.conftest import PROJECT_ROOT, sha256

# Computed with the single-module generator before it became a package (commit ae72a66).
CLEAN_3_PERSONAS_SHA256 = "c5141f03bc4039fbaa900feb4f045c73572648e62042a3bbb1c933310b048eff"
DIRTY_SEED_7_SHA256 = "1918393236b54b63abe7454c06d9b60bebcfa8391bebd7721bb0690be163169d"
TRUTH_SEED_7_SHA256 = "7b8fe9ec21e9056f9ff939e072b129f0f7e8b558427a5f93fd97bd1220e806c9"


def test_the_bundled_demo_csv_is_reproduced_byte_for_byte(generate):
    out = generate("--rows", "3000", "--out", "{tmp}/segmentation_data.csv")
    assert (out / "segmentation_data.csv").read_bytes() == (PROJECT_ROOT / "data/01_raw/segmentation_data.csv").read_bytes()


def test_clean_output_with_fewer_personas_and_spread_is_unchanged(generate):
    out = generate("--rows", "1500", "--seed", "3", "--personas", "3", "--spread", "0.7", "--clean",
                   "--out", "{tmp}/clean.csv")
    assert sha256(out / "clean.csv") == CLEAN_3_PERSONAS_SHA256


def test_dirty_output_and_its_truth_are_unchanged(generate):
    out = generate("--rows", "2000", "--seed", "7", "--out", "{tmp}/d.csv", "--truth-out", "{tmp}/t.csv")
    assert (sha256(out / "d.csv"), sha256(out / "t.csv")) == (DIRTY_SEED_7_SHA256, TRUTH_SEED_7_SHA256)


def test_python_dash_m_still_runs_the_generator(tmp_path):
    out = tmp_path / "c.csv"
    result = subprocess.run([sys.executable, "-m", "customer_segmentation.demo_data", "--rows", "2000", "--seed", "7",
                             "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "wrote 2020 rows" in result.stderr
    assert sha256(out) == DIRTY_SEED_7_SHA256
