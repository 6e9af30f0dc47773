"""eda on Spark: the seeded, bounded sample is drawn in Spark; the sweep and the choice of k are the pandas nodes'."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.pipelines.clustering.nodes import check_feature_columns
from customer_segmentation.pipelines.eda.nodes import PARAMETERS_FILE
from customer_segmentation.spark.frames import seeded_sample

logger = logging.getLogger(__name__)


def sample_customers(
    customers: DataFrame, features: dict[str, Any], sweep_sample_size: int, random_state: int
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Draws, in Spark, the seeded random sample that the reports and the k sweep are computed on.

    Args:
        customers: Model-ready customers on Spark.
        features: The feature table.
        sweep_sample_size: Most rows brought to the driver; smaller data is used whole.
        random_state: Seed of the sample.

    Returns:
        The feature columns of the sampled rows (pandas), and ``{rows_total, rows_used}``.
    """
    names = FeatureTable.from_config(features).names
    check_feature_columns(customers, names)
    if sweep_sample_size < 1:
        raise ConfigurationError(f"parameter 'sweep_sample_size' is {sweep_sample_size}; use a positive number of "
                                 f"rows ({PARAMETERS_FILE})")
    rows_total = customers.count()
    sample = seeded_sample(customers, sweep_sample_size, random_state, names, total=rows_total).astype("float64")
    logger.info("eda sample: %d of %d rows (drawn in Spark)", len(sample), rows_total)
    return sample, {"rows_total": rows_total, "rows_used": len(sample)}
