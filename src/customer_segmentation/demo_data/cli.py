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

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="number of distinct customers")
    parser.add_argument("--out", type=Path, required=True, help="output .csv or .parquet")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--personas", type=int, default=len(PERSONAS), help="how many personas (2-4)")
    parser.add_argument("--spread", type=float, default=1.0, help="<1 separates personas more")
    parser.add_argument("--clean", action="store_true", help="no missing, duplicate or bad values")
    parser.add_argument("--truth-out", type=Path, help="also write customer_id -> persona here")
    parser.add_argument("--shape", choices=["default", "crm"], default="default",
                        help="default: the four default features; crm: a CRM export (birth years, spend per category)")
    parser.add_argument("--income-unit", choices=["dollars", "thousands"], default="dollars", help="crm shape only")
    parser.add_argument("--crm-extras", action="store_true",
                        help="crm shape only: also Education_Level (a rare 'Basic'), Response and Complain, at the end")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    if args.shape == "crm":
        crm = generate_crm_customers(args.rows, args.seed, args.income_unit == "thousands", dirty=not args.clean,
                                     extras=args.crm_extras)
        if args.truth_out:
            write_frame(crm[["ID", "persona"]], args.truth_out)
        write_frame(crm.drop(columns="persona"), args.out)
        logger.info("wrote %d CRM rows to %s", len(crm), args.out)
        return

    customers = generate_customers(args.rows, args.seed, args.personas, args.spread)
    if args.truth_out:
        write_frame(customers[["customer_id", "persona"]], args.truth_out)
    customers = customers.drop(columns="persona")
    if not args.clean:
        customers = add_dirt(customers, args.seed, non_numeric=args.out.suffix == ".csv")
    write_frame(customers, args.out)
    logger.info("wrote %d rows to %s", len(customers), args.out)
