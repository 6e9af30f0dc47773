"""Seeded generator of realistic demo customers drawn from latent personas.

Usage::

    python -m customer_segmentation.demo_data --rows 5000 --out data/01_raw/segmentation_data.csv
    python -m customer_segmentation.demo_data --rows 1000000 --out big.parquet --clean
    python -m customer_segmentation.demo_data --shape crm --rows 2240 --out crm.csv
    python -m customer_segmentation.demo_data --shape telecom --rows 7043 --out telco.csv --truth-out truth.csv
    python -m customer_segmentation.demo_data --shape orders --rows 50000 --out orders.csv --placeholder-id 0
    python -m customer_segmentation.demo_data --shape orders --rows 50000 --placeholder-id 0 --next-month \
        --out data/01_raw/orders_2012_01.parquet --truth-out order_moves.csv
    python -m customer_segmentation.demo_data --shape snapshots --rows 3000 --out m1.csv --out2 m2.csv \
        --truth-out moves.csv

The default shape has a ``customer_id`` column and the four default features. Unless
``--clean`` is given it also carries the dirt real exports have: about 2 % missing
cells, about 1 % exact duplicate rows, a few impossible values and (CSV only) a few
non-numeric cells. ``--truth-out`` writes each row's true persona for tests.

``--shape crm`` writes a shop/CRM export instead (see :func:`generate_crm_customers`): birth
years, an income (in dollars, or thousands with ``--income-unit thousands``), spend per product
category, days since the last purchase, a sign-up date and categorical columns; with its own dirt
(empty incomes, a few impossible birth years, a non-numeric spend cell). ``--crm-extras`` adds
``Education_Level`` (a rare "Basic"), ``Response`` and ``Complain`` at the end.

``--shape telecom`` (:func:`generate_telecom_customers`) writes a telco-churn-like subscriber export from
mixed numeric/categorical personas; ``--shape orders`` (:func:`generate_order_log`) an order log with
cancellations, guest lines, zero prices, duplicates and a huge cancelled order (with ``--next-month``,
:func:`generate_next_month`: the same customers' log a month later); ``--shape snapshots``
(:func:`generate_snapshots`) two monthly snapshots of the default shape with moved, departed and new customers.

One module per shape: ``customers`` (default), ``crm``, ``telecom``, ``orders`` (and ``next_month``),
``snapshots``; ``files`` writes a frame, ``sampling`` holds shared draws, ``cli`` is the command line.
"""

from customer_segmentation.demo_data.cli import main
from customer_segmentation.demo_data.crm import (
    CRM_CATEGORIES,
    CRM_PERSONAS,
    CRM_REFERENCE,
    CrmPersona,
    generate_crm_customers,
)
from customer_segmentation.demo_data.customers import (
    FEATURE_BOUNDS,
    IMPOSSIBLE_VALUES,
    NON_NUMERIC_VALUES,
    PERSONAS,
    ROUNDING,
    Persona,
    add_dirt,
    generate_customers,
)
from customer_segmentation.demo_data.files import write_frame
from customer_segmentation.demo_data.next_month import NextMonth, generate_next_month
from customer_segmentation.demo_data.orders import ORDER_LOG_COLUMNS, ORDER_LOG_END, ORDER_PERSONAS, generate_order_log
from customer_segmentation.demo_data.snapshots import STATUSES, Snapshots, generate_snapshots
from customer_segmentation.demo_data.telecom import TELECOM_PERSONAS, generate_telecom_customers

__all__ = [
    "CRM_CATEGORIES",
    "CRM_PERSONAS",
    "CRM_REFERENCE",
    "ORDER_LOG_COLUMNS",
    "ORDER_LOG_END",
    "ORDER_PERSONAS",
    "PERSONAS",
    "STATUSES",
    "TELECOM_PERSONAS",
    "CrmPersona",
    "NextMonth",
    "Persona",
    "Snapshots",
    "add_dirt",
    "generate_crm_customers",
    "generate_customers",
    "generate_next_month",
    "generate_order_log",
    "generate_snapshots",
    "generate_telecom_customers",
    "main",
    "write_frame",
]
