"""Seeded generator of realistic demo customers drawn from latent personas.

The command line of ``python -m customer_segmentation.demo_data``: one ``--shape`` per kind of data,
written as CSV or Parquet by the extension of ``--out``.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from customer_segmentation.demo_data.crm import generate_crm_customers
from customer_segmentation.demo_data.customers import PERSONAS, add_dirt, generate_customers
from customer_segmentation.demo_data.files import write_frame
from customer_segmentation.demo_data.next_month import generate_next_month
from customer_segmentation.demo_data.orders import generate_order_log
from customer_segmentation.demo_data.snapshots import generate_snapshots
from customer_segmentation.demo_data.telecom import generate_telecom_customers

logger = logging.getLogger(__name__)

SHAPES = {
    "default": "the four default features",
    "crm": "a CRM export (birth years, spend per category)",
    "telecom": "a telco-churn subscriber export (mixed numeric and categorical columns)",
    "orders": "an order log, one line per product bought (--rows: about how many lines)",
    "snapshots": "two monthly snapshots of the default shape (--out: month 1, --out2: month 2)",
}


def _placeholder_id(text: str) -> int | None:
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer: give one (e.g. 0) or '' for empty") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m customer_segmentation.demo_data",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000,
                        help="number of distinct customers (snapshots: in month 1; orders: about how many lines)")
    parser.add_argument("--out", type=Path, required=True, help="output .csv or .parquet (month 1 for snapshots)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--personas", type=int, default=len(PERSONAS), help="how many personas (2-4)")
    parser.add_argument("--spread", type=float, default=1.0, help="<1 separates personas more")
    parser.add_argument("--clean", action="store_true",
                        help="no missing, duplicate or bad values (default, crm and snapshots shapes)")
    parser.add_argument("--truth-out", type=Path,
                        help="also write each customer's id -> persona here (snapshots: each customer's status)")
    parser.add_argument("--shape", choices=list(SHAPES), default="default",
                        help="; ".join(f"{name}: {what}" for name, what in SHAPES.items()))
    parser.add_argument("--income-unit", choices=["dollars", "thousands"], default="dollars", help="crm shape only")
    parser.add_argument("--crm-extras", action="store_true",
                        help="crm shape only: also Education_Level (a rare 'Basic'), Response and Complain, at the end")
    parser.add_argument("--customers", type=int,
                        help="orders shape only: how many real customers (default: as many as fit --rows)")
    parser.add_argument("--placeholder-id", type=_placeholder_id, default=None, metavar="ID",
                        help="orders shape only: the CustomerID of guest lines, e.g. 0 (default: empty)")
    parser.add_argument("--next-month", action="store_true",
                        help="orders shape only: write to --out the log of the month after the one these --rows, "
                             "--seed and --placeholder-id give (the shipped retail log: 50000, 42, 0), a year of "
                             "orders ending 4 weeks later; --truth-out: each customer's status")
    parser.add_argument("--out2", type=Path, help="snapshots shape only (required there): month 2, .csv or .parquet")
    parser.add_argument("--move-share", type=float, default=0.08,
                        help="snapshots shape and --next-month: share of customers with another persona in month 2")
    parser.add_argument("--leave-share", type=float, default=0.05,
                        help="snapshots shape and --next-month: share of customers gone in month 2")
    parser.add_argument("--new-share", type=float, default=0.05,
                        help="snapshots shape and --next-month: new customers in month 2, as a share of month 1's")
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.shape == "snapshots" and args.out2 is None:
        parser.error("--shape snapshots writes two files: give --out (month 1) and --out2 (month 2)")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    writers = {"default": _write_default, "crm": _write_crm, "telecom": _write_telecom, "orders": _write_orders,
               "snapshots": _write_snapshots}
    writers[args.shape](args)


def _write_with_truth(frame, id_column: str, args: argparse.Namespace, what: str) -> None:
    if args.truth_out:
        write_frame(frame[[id_column, "persona"]], args.truth_out)
    write_frame(frame.drop(columns="persona"), args.out)
    logger.info("wrote %d %s to %s", len(frame), what, args.out)


def _write_default(args: argparse.Namespace) -> None:
    customers = generate_customers(args.rows, args.seed, args.personas, args.spread)
    if args.truth_out:
        write_frame(customers[["customer_id", "persona"]], args.truth_out)
    customers = customers.drop(columns="persona")
    if not args.clean:
        customers = add_dirt(customers, args.seed, non_numeric=args.out.suffix == ".csv")
    write_frame(customers, args.out)
    logger.info("wrote %d rows to %s", len(customers), args.out)


def _write_crm(args: argparse.Namespace) -> None:
    crm = generate_crm_customers(args.rows, args.seed, args.income_unit == "thousands", dirty=not args.clean,
                                 extras=args.crm_extras)
    _write_with_truth(crm, "ID", args, "CRM rows")


def _write_telecom(args: argparse.Namespace) -> None:
    _write_with_truth(generate_telecom_customers(args.rows, args.seed), "customerID", args, "subscribers")


def _write_orders(args: argparse.Namespace) -> None:
    if args.next_month:
        _write_next_month(args)
        return
    log = generate_order_log(args.rows, args.seed, customers=args.customers, placeholder_id=args.placeholder_id)
    if args.truth_out:
        real = log[log["persona"].notna()]
        write_frame(real[["CustomerID", "persona"]].drop_duplicates().sort_values("CustomerID"), args.truth_out)
    write_frame(log.drop(columns="persona"), args.out)
    customers = log.loc[log["persona"].notna(), "CustomerID"].nunique()
    logger.info("wrote %d order lines of %d customers (and guests) to %s", len(log), customers, args.out)


def _write_next_month(args: argparse.Namespace) -> None:
    _, log, truth = generate_next_month(args.rows, args.seed, args.placeholder_id, args.move_share, args.leave_share,
                                        args.new_share)
    if args.truth_out:
        write_frame(truth, args.truth_out)
    write_frame(log.drop(columns="persona"), args.out)
    logger.info("wrote next month's order log, %d lines (%s), to %s", len(log),
                truth["status"].value_counts().to_dict(), args.out)


def _write_snapshots(args: argparse.Namespace) -> None:
    month_1, month_2, truth = generate_snapshots(args.rows, args.seed, args.move_share, args.leave_share,
                                                 args.new_share, args.personas, args.spread)
    if args.truth_out:
        write_frame(truth, args.truth_out)
    for number, (month, path) in enumerate([(month_1, args.out), (month_2, args.out2)], start=1):
        month = month.drop(columns="persona")
        if not args.clean:
            # Month 1 gets the dirt of the default shape with the same seed: it is that file.
            month = add_dirt(month, args.seed + number - 1, non_numeric=path.suffix == ".csv")
        write_frame(month, path)
        logger.info("wrote month %d, %d rows, to %s", number, len(month), path)
