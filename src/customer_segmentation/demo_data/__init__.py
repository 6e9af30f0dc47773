"""Seeded generator of realistic demo customers drawn from latent personas.

Usage::

    python -m customer_segmentation.demo_data --rows 5000 --out data/01_raw/segmentation_data.csv
    python -m customer_segmentation.demo_data --rows 1000000 --out big.parquet --clean
    python -m customer_segmentation.demo_data --shape crm --rows 2240 --out crm.csv

The default shape has a ``customer_id`` column and the four default features. Unless
``--clean`` is given it also carries the dirt real exports have: about 2 % missing
cells, about 1 % exact duplicate rows, a few impossible values and (CSV only) a few
non-numeric cells. ``--truth-out`` writes each row's true persona for tests.

``--shape crm`` writes a shop/CRM export instead (see :func:`generate_crm_customers`): birth
years, an income (in dollars, or thousands with ``--income-unit thousands``), spend per product
category, days since the last purchase, a sign-up date and categorical columns; with its own dirt
(empty incomes, a few impossible birth years, a non-numeric spend cell).

One module per shape: ``customers`` (default), ``crm``; ``files`` writes a frame, ``cli`` is the
command line.
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

__all__ = [
    "CRM_CATEGORIES",
    "CRM_PERSONAS",
    "CRM_REFERENCE",
    "PERSONAS",
    "CrmPersona",
    "Persona",
    "add_dirt",
    "generate_crm_customers",
    "generate_customers",
    "main",
    "write_frame",
]
