"""Order lines: every line kept or rejected with a reason that names the column, the value and the fix."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.validation.order_lines import OrderLog, check_order_lines

SPEC = OrderLog(customer_id="CustomerID", order_id="InvoiceNo", date="InvoiceDate", quantity="Quantity",
                unit_price="UnitPrice", product="StockCode")


def _log(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice",
                                       "CustomerID"])


GOOD = ("536365", "85123A", 6, "2011-01-10 08:26:00", 2.55, 17850)


def test_placeholder_and_missing_ids_are_rejected_with_the_column_and_value():
    lines, rejected, problems, _ = check_order_lines(
        _log(GOOD, ("536366", "71053", 2, "2011-01-10 08:28:00", 3.39, 0),
             ("536367", "71053", 2, "2011-01-10 08:29:00", 3.39, None)), SPEC)
    assert lines["customer_id"].tolist() == ["17850"]
    reasons = rejected.set_index("source_row")["rejection_reason"]
    assert reasons[2].startswith("CustomerID: 0 is a placeholder customer id ('0'")
    assert reasons[3] == "CustomerID: empty is missing"


def test_zero_price_and_unreadable_date_and_quantity_reject_the_line():
    _, rejected, _, _ = check_order_lines(
        _log(GOOD, ("536368", "22", 1, "2011-01-10", 0.0, 17850), ("536369", "22", 1, "10th of never", 1.5, 17850),
             ("536370", "22", "lots", "2011-01-10", 1.5, 17850)), SPEC)
    reasons = rejected.set_index("source_row")["rejection_reason"]
    assert reasons[2].startswith("UnitPrice: 0 is zero: a free line is not revenue")
    assert reasons[3] == "InvoiceDate: '10th of never' is not a date"
    assert reasons[4] == "Quantity: 'lots' is not a number"


def test_exact_duplicate_lines_are_removed_and_every_line_is_accounted_for():
    log = _log(GOOD, GOOD, GOOD, ("536366", "71053", 2, "2011-01-10 08:28:00", 0.0, 17850))
    lines, rejected, _, counts = check_order_lines(log, SPEC)
    assert counts == {"lines_read": 4, "duplicates_removed": 2}
    assert len(lines) + len(rejected) + counts["duplicates_removed"] == len(log)


def test_a_cancellation_is_kept_as_a_negative_amount():
    lines, rejected, _, _ = check_order_lines(_log(GOOD, ("C536379", "85123A", -6, "2011-01-11", 2.55, 17850)), SPEC)
    assert rejected.empty
    assert lines["amount"].tolist() == pytest.approx([15.3, -15.3])
    assert lines["is_return"].tolist() == [False, True]


def test_a_mapping_to_a_missing_header_names_it_and_the_headers_found():
    spec = SPEC.model_copy(update={"unit_price": "Price"})
    with pytest.raises(ConfigurationError, match=r"transactions maps 'Price'.*Headers found: InvoiceNo, StockCode"):
        check_order_lines(_log(GOOD), spec)


def test_the_mapping_needs_a_price_or_an_amount():
    with pytest.raises(ValueError, match="give quantity and unit_price"):
        OrderLog(customer_id="c", order_id="o", date="d", quantity="q")


def test_a_csv_log_is_read_with_the_customer_files_rules_and_its_duplicates_found(tmp_path):
    from customer_segmentation.datasets.customer_csv import CustomerCSVDataset

    path = tmp_path / "orders.csv"
    path.write_text("InvoiceNo;StockCode;Quantity;InvoiceDate;UnitPrice;CustomerID\n"
                    "536365;85123A;6;2011-01-10 08:26:00;£2.55;17850\n"
                    "536365;85123A;6;2011-01-10 08:26:00;£2.55;17850\n"
                    "536366;71053;2;2011-01-10 08:28:00;3.39;17850;extra\n", encoding="latin-1")
    lines, rejected, _, counts = check_order_lines(CustomerCSVDataset(filepath=str(path)).load(), SPEC)
    assert counts["duplicates_removed"] == 1
    assert lines["amount"].tolist() == pytest.approx([15.3])
    assert rejected["source_row"].tolist() == [3]
    assert rejected["rejection_reason"].iloc[0].startswith("the line has 7 fields but the header has 6")
    assert len(lines) + len(rejected) + counts["duplicates_removed"] == 3


def test_a_rejected_line_keeps_the_columns_the_mapping_does_not_use_and_a_kept_line_drops_them():
    log = _log(GOOD, ("536371", "22", 1, "2011-01-10", 0.0, 17850), GOOD).assign(
        Description=["MUG", "FREE MUG", "MUG"], Country=["United Kingdom", "France", "United Kingdom"])
    lines, rejected, _, counts = check_order_lines(log, SPEC)
    assert counts["duplicates_removed"] == 1
    assert rejected.columns.tolist() == ["source_row", *log.columns, "rejection_reason"]
    assert rejected.iloc[0][["Description", "Country", "UnitPrice"]].tolist() == ["FREE MUG", "France", 0.0]
    assert "Description" not in lines.columns and lines["source_row"].tolist() == [1]


def test_lines_that_differ_only_in_a_column_the_mapping_does_not_use_are_not_duplicates():
    log = _log(GOOD, GOOD).assign(Description=["MUG", "mug"])
    lines, _, _, counts = check_order_lines(log, SPEC)
    assert counts["duplicates_removed"] == 0
    assert lines["source_row"].tolist() == [1, 2]


def test_a_value_repeated_on_many_lines_is_judged_on_each_line_with_its_own_row():
    bad = ("536372", "22", 1, "31/02/2011", 1.5, 17851)
    log = _log(*[(f"5364{i:02d}", *bad[1:]) for i in range(3)], GOOD)
    lines, rejected, _, _ = check_order_lines(log, SPEC)
    assert rejected["source_row"].tolist() == [1, 2, 3]
    assert set(rejected["rejection_reason"]) == {"InvoiceDate: '31/02/2011' is not a date"}
    assert lines["customer_id"].tolist() == ["17850"]
