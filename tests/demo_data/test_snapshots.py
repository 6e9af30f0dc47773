"""The snapshots shape: two months of the same customers, with a truth table of who stayed, moved, left or joined."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.demo_data import PERSONAS, STATUSES, generate_snapshots
from tests.demo_data.conftest import PROJECT_ROOT

ROWS = 4000


@pytest.fixture(scope="module")
def snapshots():
    return generate_snapshots(ROWS, seed=9)


def _counts(truth: pd.DataFrame) -> pd.Series:
    return truth["status"].value_counts().reindex(list(STATUSES), fill_value=0)


def test_the_same_seed_gives_the_same_files_and_another_seed_others(generate):
    out = generate("--shape", "snapshots", "--rows", "1000", "--out", "{tmp}/a1.csv", "--out2", "{tmp}/a2.csv")
    generate("--shape", "snapshots", "--rows", "1000", "--out", "{tmp}/b1.csv", "--out2", "{tmp}/b2.csv")
    generate("--shape", "snapshots", "--rows", "1000", "--seed", "1", "--out", "{tmp}/c1.csv", "--out2", "{tmp}/c2.csv")
    assert (out / "a2.csv").read_bytes() == (out / "b2.csv").read_bytes() != (out / "c2.csv").read_bytes()


def test_month_one_is_the_default_shape_with_the_same_seed(generate):
    out = generate("--shape", "snapshots", "--rows", "3000", "--out", "{tmp}/m1.csv", "--out2", "{tmp}/m2.csv")
    assert (out / "m1.csv").read_bytes() == (PROJECT_ROOT / "data/01_raw/segmentation_data.csv").read_bytes()


def test_stayed_moved_and_new_customers_are_the_month_two_customers(snapshots):
    month_1, month_2, truth = snapshots
    status = truth.set_index("customer_id")["status"]
    assert set(status[status.isin(["stayed", "moved", "new"])].index) == set(month_2["customer_id"])
    assert len(month_2) == month_2["customer_id"].nunique() == _counts(truth)[["stayed", "moved", "new"]].sum()


def test_departed_customers_are_the_month_one_customers_missing_from_month_two(snapshots):
    month_1, month_2, truth = snapshots
    departed = set(truth.loc[truth["status"] == "departed", "customer_id"])
    assert departed == set(month_1["customer_id"]) - set(month_2["customer_id"])
    assert not set(truth.loc[truth["status"] == "new", "customer_id"]) & set(month_1["customer_id"])


def test_moved_means_the_persona_changed_and_stayed_that_it_did_not(snapshots):
    month_1, month_2, truth = snapshots
    both = month_1.merge(month_2, on="customer_id", suffixes=("_1", "_2"))
    status = truth.set_index("customer_id").loc[both["customer_id"], "status"].to_numpy()
    assert ((both["persona_1"] != both["persona_2"]).to_numpy() == (status == "moved")).all()
    assert set(status) == {"stayed", "moved"}


def test_truth_personas_are_those_of_each_month(snapshots):
    month_1, month_2, truth = snapshots
    indexed = truth.set_index("customer_id")
    assert (indexed.loc[month_1["customer_id"], "persona_1"].to_numpy() == month_1["persona"].to_numpy()).all()
    assert (indexed.loc[month_2["customer_id"], "persona_2"].to_numpy() == month_2["persona"].to_numpy()).all()
    assert indexed.loc[indexed["status"] == "new", "persona_1"].isna().all()
    assert indexed.loc[indexed["status"] == "departed", "persona_2"].isna().all()


def test_the_shares_are_those_asked_for(snapshots):
    counts = _counts(snapshots.truth) / ROWS
    assert counts["moved"] == pytest.approx(0.08, abs=0.002)
    assert counts["departed"] == pytest.approx(0.05, abs=0.002)
    assert counts["new"] == pytest.approx(0.05, abs=0.002)
    more_moves = _counts(generate_snapshots(ROWS, seed=9, move_share=0.2).truth) / ROWS
    assert more_moves["moved"] == pytest.approx(0.2, abs=0.002)


def test_month_two_values_are_drawn_around_each_customers_month_two_persona(snapshots):
    means = snapshots.month_2.groupby("persona")[["annual_income", "age"]].mean()
    for persona in PERSONAS:
        assert means.loc[persona.name, "annual_income"] == pytest.approx(persona.annual_income[0], rel=0.05)
        assert means.loc[persona.name, "age"] == pytest.approx(persona.age[0], abs=2)


def test_the_command_line_needs_a_second_output_and_writes_the_truth(generate, capsys):
    with pytest.raises(SystemExit):
        generate("--shape", "snapshots", "--out", "{tmp}/m1.csv")
    assert "--out2" in capsys.readouterr().err
    out = generate("--shape", "snapshots", "--rows", "500", "--clean", "--move-share", "0.1", "--out", "{tmp}/m1.parquet",
                   "--out2", "{tmp}/m2.parquet", "--truth-out", "{tmp}/truth.csv")
    truth = pd.read_csv(out / "truth.csv")
    assert list(truth.columns) == ["customer_id", "persona_1", "persona_2", "status"]
    assert (truth["status"] == "moved").sum() == 50
    assert len(pd.read_parquet(out / "m2.parquet")) == (truth["status"] != "departed").sum()
