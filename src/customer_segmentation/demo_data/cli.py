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
from customer_segmentation.demo_data.telecom import generate_telecom_customers

logger = logging.getLogger(__name__)

SHAPES = {
    "default": "the four default features",
    "crm": "a CRM export (birth years, spend per category)",
    "telecom": "a telco-churn subscriber export (mixed numeric and categorical columns)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m customer_segmentation.demo_data",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="number of distinct customers")
    parser.add_argument("--out", type=Path, required=True, help="output .csv or .parquet")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--personas", type=int, default=len(PERSONAS), help="how many personas (2-4)")
    parser.add_argument("--spread", type=float, default=1.0, help="<1 separates personas more")
    parser.add_argument("--clean", action="store_true", help="no missing, duplicate or bad values")
    parser.add_argument("--truth-out", type=Path, help="also write each customer's id -> persona here")
    parser.add_argument("--shape", choices=list(SHAPES), default="default",
                        help="; ".join(f"{name}: {what}" for name, what in SHAPES.items()))
    parser.add_argument("--income-unit", choices=["dollars", "thousands"], default="dollars", help="crm shape only")
    parser.add_argument("--crm-extras", action="store_true",
                        help="crm shape only: also Education_Level (a rare 'Basic'), Response and Complain, at the end")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    {"default": _write_default, "crm": _write_crm, "telecom": _write_telecom}[args.shape](args)


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
