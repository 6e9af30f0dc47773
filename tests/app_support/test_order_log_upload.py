"""Score a file with an order log, for a model trained on one (an in-memory RFM bundle, no Streamlit): the lines
are checked and aggregated with the model's own configuration, then the customers scored."""

from __future__ import annotations

import dataclasses
import io

import pandas as pd
import pytest

from customer_segmentation.app_support.scoring import score_file
from customer_segmentation.demo_data import generate_order_log
from customer_segmentation.errors import CustomerDataError
from customer_segmentation.pipelines.orders.nodes import aggregate_customers, validate_order_lines
from customer_segmentation.segmentation.contract import ORDER_LOG_ATTRIBUTE
from tests.bundles import retail_parameters


@pytest.fixture(scope="module")
def next_month() -> pd.DataFrame:
    """Another generated order log in the shipped environment's shape: placeholder lines, zero prices, duplicates."""
    return generate_order_log(3_000, seed=11, placeholder_id=0).drop(columns="persona")


def as_bytes(log: pd.DataFrame, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "csv":
        return log.to_csv(index=False).encode()
    log.to_parquet(buffer, index=False) if kind == "parquet" else log.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_an_order_log_is_accounted_line_by_line_as_the_pipeline_does(retail_bundle, next_month):
    result = score_file(as_bytes(next_month, "csv"), "next_month.csv", retail_bundle)
    report = result.order_log.report
    assert report["lines_read"] == len(next_month)
    assert report["lines_read"] == report["lines_kept"] + report["lines_rejected"] + report["duplicates_removed"]
    assert report["duplicates_removed"] == next_month.duplicated().sum() > 0
    placeholder = next(n for reason, n in report["rejections_by_reason"].items() if "placeholder" in reason)
    assert placeholder == (next_month.loc[next_month["CustomerID"] == 0]).drop_duplicates().shape[0]
    assert len(result.order_log.rejected) == report["lines_rejected"]
    rejected = pd.read_csv(io.BytesIO(result.order_log.rejected_csv), encoding="utf-8-sig", dtype=str)
    assert rejected["rejection_reason"].str.len().gt(0).all() and len(rejected) == report["lines_rejected"]


def test_each_customer_of_the_log_is_scored_with_rfm_values_in_their_units(retail_bundle, next_month):
    mapping = retail_parameters()["transactions"]
    kept, _, summary = validate_order_lines(next_month, mapping)
    expected, _ = aggregate_customers(kept, retail_parameters()["features"], mapping, summary)
    result = score_file(as_bytes(next_month, "csv"), "next_month.csv", retail_bundle)
    assert result.rows == result.scored_rows == len(expected) == result.order_log.report["customers_out"]
    assert "0" not in set(result.scored["CustomerID"].astype(str))
    pd.testing.assert_frame_equal(result.scored[["CustomerID", "recency", "frequency", "monetary"]], expected)
    model_ids = retail_bundle.model.predict(expected[["recency", "frequency", "monetary"]])
    assert result.scored["segment_id"].tolist() == model_ids.tolist()


@pytest.mark.parametrize("kind", ["parquet", "xlsx"])
def test_an_order_log_in_parquet_or_excel_gives_the_same_customers_as_its_csv(retail_bundle, next_month, kind):
    from_csv = score_file(as_bytes(next_month, "csv"), "next_month.csv", retail_bundle)
    other = score_file(as_bytes(next_month, kind), f"next_month.{kind}", retail_bundle)
    assert other.order_log.report == from_csv.order_log.report
    pd.testing.assert_frame_equal(other.scored, from_csv.scored)


def test_the_snapshot_date_is_the_day_after_the_uploads_last_order_unless_the_model_sets_one(retail_bundle,
                                                                                             next_month):
    result = score_file(as_bytes(next_month, "csv"), "next_month.csv", retail_bundle)
    last = pd.to_datetime(next_month["InvoiceDate"]).max().normalize()
    assert result.order_log.report["snapshot_date"] == (last + pd.Timedelta(days=1)).date().isoformat()
    assert not result.order_log.snapshot_configured
    model = _with_snapshot(retail_bundle.model, "2012-01-31")
    fixed = score_file(as_bytes(next_month, "csv"), "next_month.csv", dataclasses.replace(retail_bundle, model=model))
    assert fixed.order_log.report["snapshot_date"] == "2012-01-31" and fixed.order_log.snapshot_configured
    days = (pd.Timestamp("2012-01-31") - last - pd.Timedelta(days=1)).days
    assert (fixed.scored["recency"] - result.scored["recency"]).eq(days).all()


def test_a_customer_table_still_scores_for_a_model_trained_on_an_order_log(retail_bundle):
    customers = retail_bundle.segments[["CustomerID", "recency", "frequency", "monetary"]].head(20)
    result = score_file(customers.to_csv(index=False).encode(), "customers.csv", retail_bundle)
    assert result.order_log is None and result.scored_rows == 20
    assert result.scored["segment_id"].tolist() == retail_bundle.segments["segment_id"].head(20).tolist()


def test_a_file_that_is_neither_names_what_each_shape_needs(retail_bundle, next_month):
    with pytest.raises(CustomerDataError, match="trained on an order log.*missing here: InvoiceDate.*recency, "
                                                "frequency, monetary"):
        score_file(as_bytes(next_month.drop(columns="InvoiceDate"), "csv"), "broken.csv", retail_bundle)


def test_a_log_without_a_single_usable_line_says_why(retail_bundle, next_month):
    guests = next_month.assign(CustomerID=0)
    with pytest.raises(CustomerDataError, match=f"none of the {len(guests):,} lines of guests.csv can be used.*"
                                                "placeholder customer id"):
        score_file(as_bytes(guests, "csv"), "guests.csv", retail_bundle)


def test_a_customer_files_model_reads_an_order_log_as_a_customer_file(bundle, next_month):
    assert not hasattr(bundle.model, ORDER_LOG_ATTRIBUTE)
    with pytest.raises(CustomerDataError, match="missing: the model was trained on them"):
        score_file(as_bytes(next_month, "csv"), "next_month.csv", bundle)


def _with_snapshot(model, day: str):
    import copy

    model = copy.deepcopy(model)
    setattr(model, ORDER_LOG_ATTRIBUTE, {**getattr(model, ORDER_LOG_ATTRIBUTE), "snapshot_date": day})
    return model


def test_a_parquet_upload_that_is_not_parquet_says_so_and_what_to_do():
    from customer_segmentation.app_support.uploads import read_upload

    with pytest.raises(CustomerDataError) as error:
        read_upload(b"InvoiceNo,CustomerID\n1,7\n", "orders.parquet")
    message = str(error.value)
    assert message.startswith("orders.parquet cannot be read as Parquet (")
    assert message.endswith("): export it as Parquet again, or upload a CSV")
