"""Next month's order log: the same customers a month later, with the truth of who moved, left or is new."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.demo_data import ORDER_LOG_END, generate_next_month, generate_order_log, main


@pytest.fixture(scope="module")
def months():
    return generate_next_month(8_000, seed=3, placeholder_id=0, move_share=0.1, leave_share=0.05, new_share=0.05)


def _customers(log: pd.DataFrame) -> pd.Series:
    real = log.loc[log["persona"].notna()].drop_duplicates("CustomerID")
    return real.set_index("CustomerID")["persona"]


def test_month_1_is_the_order_log_of_the_same_arguments(months):
    pd.testing.assert_frame_equal(months.month_1, generate_order_log(8_000, seed=3, placeholder_id=0))


def test_the_truth_counts_are_exact_and_month_2_holds_the_others(months):
    truth, count = months.truth, len(_customers(months.month_1))
    statuses = truth["status"].value_counts()
    assert statuses["moved"] == round(0.1 * count) and statuses["departed"] == round(0.05 * count)
    assert statuses["new"] == round(0.05 * count)
    present = set(truth.loc[truth["status"] != "departed", "CustomerID"])
    assert set(_customers(months.month_2).index) == present


def test_month_2_customers_have_their_month_2_persona(months):
    truth = months.truth.dropna(subset=["persona_2"]).set_index("CustomerID")["persona_2"]
    assert _customers(months.month_2).reindex(truth.index).eq(truth).all()
    moved = months.truth.loc[months.truth["status"] == "moved"]
    assert (moved["persona_1"] != moved["persona_2"]).all()


def test_month_2_ends_four_weeks_later_with_the_same_traps(months):
    end = pd.to_datetime(months.month_2["InvoiceDate"]).max()
    assert ORDER_LOG_END < end <= ORDER_LOG_END + pd.Timedelta(weeks=4)
    assert (months.month_2["CustomerID"] == 0).mean() > 0.1  # guest lines under the placeholder id
    assert months.month_2["InvoiceNo"].str.startswith("C").any()


def test_the_command_line_writes_next_month_and_its_truth(tmp_path):
    out, truth = tmp_path / "orders_2012_01.parquet", tmp_path / "moves.csv"
    main(["--shape", "orders", "--rows", "3000", "--placeholder-id", "0", "--next-month", "--out", str(out),
          "--truth-out", str(truth)])
    expected = generate_next_month(3000, seed=42, placeholder_id=0)
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected.month_2.drop(columns="persona"))
    assert set(pd.read_csv(truth)["status"]) == {"stayed", "moved", "departed", "new"}
