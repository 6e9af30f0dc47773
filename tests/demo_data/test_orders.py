"""The order-log shape: RFM personas a user can find, and the traps of the real file at their shares."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from customer_segmentation.demo_data import ORDER_LOG_COLUMNS, ORDER_LOG_END, generate_order_log, write_frame

LINES = 50_000


@pytest.fixture(scope="module")
def timed_log() -> tuple[pd.DataFrame, float]:
    started = time.perf_counter()
    log = generate_order_log(LINES, seed=5)
    return log, time.perf_counter() - started


@pytest.fixture(scope="module")
def log(timed_log) -> pd.DataFrame:
    return timed_log[0]


@pytest.fixture(scope="module")
def real(log) -> pd.DataFrame:
    """Lines of real customers, with their time, in time order (purchases before cancellations)."""
    lines = log[log["CustomerID"].notna()].assign(when=lambda f: pd.to_datetime(f["InvoiceDate"]))
    return lines.sort_values(["when", "Quantity"], ascending=[True, False], kind="stable")


def _cancelled(frame: pd.DataFrame) -> pd.Series:
    return frame["InvoiceNo"].str.startswith("C")


def test_fifty_thousand_lines_take_well_under_five_seconds(timed_log):
    assert timed_log[1] < 5


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another(tmp_path, log):
    write_frame(log, tmp_path / "a.csv")
    write_frame(generate_order_log(LINES, seed=5), tmp_path / "b.csv")
    write_frame(generate_order_log(LINES, seed=6), tmp_path / "c.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()


def test_the_log_has_the_export_columns_and_about_the_lines_asked_for(log):
    assert list(log.columns) == [*ORDER_LOG_COLUMNS, "persona"]
    assert len(log) == pytest.approx(LINES, rel=0.03)
    when = pd.to_datetime(log["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
    assert when.max() <= ORDER_LOG_END and when.min() >= ORDER_LOG_END - pd.Timedelta(days=366)
    assert (log["UnitPrice"] >= 0).all()


def test_a_fifth_of_the_lines_have_an_empty_customer_id_in_the_csv(tmp_path, log):
    write_frame(log.drop(columns="persona"), tmp_path / "orders.csv")
    read = pd.read_csv(tmp_path / "orders.csv", dtype=str, keep_default_na=False)
    assert (read["CustomerID"] == "").mean() == pytest.approx(0.20, abs=0.01)
    assert log.loc[log["CustomerID"].isna(), "persona"].isna().all()


def test_the_placeholder_id_can_be_zero():
    log = generate_order_log(10_000, seed=2, placeholder_id=0)
    assert log["CustomerID"].notna().all()
    assert (log["CustomerID"] == 0).mean() == pytest.approx(0.20, abs=0.01)
    assert log.loc[log["CustomerID"] == 0, "persona"].isna().all()


def test_every_c_invoice_and_only_those_have_negative_quantities(log):
    cancelled = _cancelled(log)
    assert cancelled.mean() == pytest.approx(0.02, abs=0.005)
    assert (log.loc[cancelled, "Quantity"] < 0).all()
    assert (log.loc[~cancelled, "Quantity"] > 0).all()


def test_every_cancellation_takes_back_an_earlier_purchase_of_the_same_customer_and_product(real):
    purchases, cancellations = real[~_cancelled(real)], real[_cancelled(real)]
    assert cancellations["CustomerID"].notna().all()
    pairs = cancellations.reset_index().merge(purchases, on=["CustomerID", "StockCode"], suffixes=("", "_bought"))
    matched = pairs[(pairs["when_bought"] < pairs["when"]) & (pairs["Quantity_bought"] >= -pairs["Quantity"])]
    assert matched["index"].nunique() == len(cancellations)
    running = real.groupby(["CustomerID", "StockCode"])["Quantity"].cumsum()
    assert running.min() >= 0, "no customer ever returns more of a product than they had bought"


def test_zero_prices_and_exact_duplicates_are_about_one_percent_each(log):
    assert (log["UnitPrice"] == 0).mean() == pytest.approx(0.01, abs=0.003)
    assert log.duplicated().mean() == pytest.approx(0.01, abs=0.003)
    assert not log[_cancelled(log)].duplicated().any(), "a duplicated cancellation would break the netting"


def test_one_huge_order_is_cancelled_minutes_later(real):
    huge = real[real["Quantity"].abs() > 10_000]
    assert len(huge) == 2
    bought, cancelled = huge.iloc[0], huge.iloc[1]
    assert bought["Quantity"] == -cancelled["Quantity"] and cancelled["InvoiceNo"].startswith("C")
    assert (bought["CustomerID"], bought["StockCode"]) == (cancelled["CustomerID"], cancelled["StockCode"])
    assert pd.Timedelta(0) < cancelled["when"] - bought["when"] < pd.Timedelta(hours=1)


def test_rfm_differs_by_persona_as_the_names_say(real):
    purchases = real[~_cancelled(real)]
    snapshot = ORDER_LOG_END + pd.Timedelta(days=1)
    per_customer = purchases.groupby("CustomerID").agg(
        persona=("persona", "first"), last=("when", "max"), first=("when", "min"), frequency=("InvoiceNo", "nunique"))
    per_customer["recency"] = (snapshot - per_customer["last"]).dt.days
    per_customer["monetary"] = (real["Quantity"] * real["UnitPrice"]).groupby(real["CustomerID"]).sum()
    median = per_customer.groupby("persona")[["recency", "frequency", "monetary"]].median()
    assert median.loc["champions", "recency"] < 20 < 90 < median.loc["at_risk", "recency"]
    assert median.loc["champions", "frequency"] > median.loc["loyal", "frequency"] > median.loc["hibernating", "frequency"]
    assert median.loc["champions", "monetary"] > 2 * median.loc["loyal", "monetary"]
    assert median.loc["at_risk", "monetary"] > 5 * median.loc["hibernating", "monetary"]
    new = per_customer[per_customer["persona"] == "new_customers"]
    assert (snapshot - new["first"]).dt.days.max() <= 60, "new customers' first order is in the last weeks"


def test_customers_can_be_set_and_the_truth_file_lists_only_real_customers(generate):
    out = generate("--shape", "orders", "--rows", "5000", "--customers", "40", "--placeholder-id", "0",
                   "--out", "{tmp}/orders.parquet", "--truth-out", "{tmp}/truth.csv")
    orders, truth = pd.read_parquet(out / "orders.parquet"), pd.read_csv(out / "truth.csv")
    assert list(orders.columns) == ORDER_LOG_COLUMNS
    assert list(truth.columns) == ["CustomerID", "persona"] and len(truth) == 40
    assert set(orders["CustomerID"]) == {0, *truth["CustomerID"]}
    assert truth["CustomerID"].is_unique


def test_the_placeholder_id_must_be_an_integer_or_empty(generate, capsys):
    with pytest.raises(SystemExit):
        generate("--shape", "orders", "--placeholder-id", "guest", "--out", "{tmp}/o.csv")
    assert "'guest' is not an integer" in capsys.readouterr().err
