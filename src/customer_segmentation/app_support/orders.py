"""An uploaded order log, checked and aggregated per customer with the model's own configuration.

A model trained on an order log carries the log's mapping (``segmentation/contract.py``): an upload whose headers
are that mapping's is an order log. Its lines go through the orders pipeline's own nodes
(``validate_order_lines``: the line rules of ``validation/order_lines.py``; ``aggregate_customers``: the aggregates
of ``features/aggregates.py`` with the model's feature table), so a line is kept or rejected in the app for the
same reason as in ``kedro run``; the customers are then scored like an uploaded customer table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.io.headers import normalise_header
from customer_segmentation.io.spreadsheets import spreadsheet_safe_csv
from customer_segmentation.names import REASON_COLUMN
from customer_segmentation.pipelines.data_processing.accounting import NoValidRowsError
from customer_segmentation.pipelines.orders.nodes import aggregate_customers, validate_order_lines
from customer_segmentation.segmentation.contract import model_order_log, model_table
from customer_segmentation.validation.order_lines import OrderLog


@dataclass(frozen=True)
class OrderLogLines:
    """The line accounting of an uploaded order log: the orders pipeline's report (``lines_read``,
    ``lines_kept``, ``lines_rejected``, ``duplicates_removed``, ``rejections_by_reason``, ``customers_found``,
    ``snapshot_date``, ...), the rejected lines as read with their reasons (and as a CSV), and whether the snapshot
    date is the model's configured one (else the day after the upload's last order)."""

    report: dict[str, Any]
    rejected: pd.DataFrame
    rejected_csv: bytes  # the rejected lines as a spreadsheet-safe CSV: made once, offered on every page run
    snapshot_configured: bool

    @property
    def snapshot_words(self) -> str:
        """Where the snapshot date comes from, for people."""
        return ("the snapshot date the model was trained with (transactions.snapshot_date)" if self.snapshot_configured
                else "the day after the last order in this file")


def upload_order_log(model: Pipeline, headers: Iterable[object]) -> OrderLog | None:
    """The model's order-log mapping when the upload's ``headers`` are an order log's; None for a customer table.

    Raises:
        CustomerDataError: the model was trained on an order log and the headers fit neither its lines nor its
            customer table (both are named, with what is missing).
    """
    spec = model_order_log(model)
    if spec is None:
        return None
    headers = [str(header) for header in headers]
    missing_lines = spec.missing_columns(headers)
    if not missing_lines:
        return spec
    found = {normalise_header(header) for header in headers}
    columns = model_table(model).source_columns
    if all(normalise_header(column) in found for column in columns):
        return None
    raise CustomerDataError(
        f"this model was trained on an order log: upload its lines with the headers "
        f"{', '.join(spec.columns().values())} (missing here: {', '.join(missing_lines)}), or a customer table with "
        f"the columns {', '.join(columns)}. Headers found: {', '.join(headers[:40])}")


def aggregate_upload(lines: pd.DataFrame, model: Pipeline, spec: OrderLog, name: str
                     ) -> tuple[pd.DataFrame, OrderLogLines]:
    """The upload's customers (the id under the log's header, then every aggregate in its unit) and its line
    accounting, by the orders pipeline's nodes with the model's mapping and feature table.

    Raises:
        CustomerDataError: no line of the upload can be used.
    """
    mapping = spec.model_dump(mode="json")
    try:
        kept, rejected, summary = validate_order_lines(lines, mapping)
    except NoValidRowsError as error:
        reasons = error.rejected[REASON_COLUMN].value_counts().head(3) if error.rejected is not None else {}
        common = "; ".join(f"{reason} ({count:,} lines)" for reason, count in dict(reasons).items())
        raise CustomerDataError(f"none of the {len(lines):,} lines of {name} can be used. Most common problems: "
                                f"{common or 'no lines'}") from None
    customers, report = aggregate_customers(kept, model_table(model).to_config(), mapping, summary)
    return customers, OrderLogLines(report=report, rejected=rejected, rejected_csv=spreadsheet_safe_csv(rejected),
                                    snapshot_configured=spec.snapshot_date is not None)
