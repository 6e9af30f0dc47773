"""The pandas functions themselves, run on each partition's rows (``DataFrame.mapInPandas``, through Arrow).

Row-local work on Spark is never written a second time as column expressions: a function of pandas frames
(the feature table's derivations and checks, ``score``, the model space) is handed each batch of a
partition's rows and gives back a frame of the same rows. Only its numbers and the model travel to the
executors; nothing comes back to the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql.types import BooleanType, DataType, DoubleType, LongType, StringType, StructField, StructType
from sklearn.pipeline import Pipeline

from customer_segmentation.segmentation.space import coordinates_in_chunks, model_features

Batch = Callable[[pd.DataFrame], pd.DataFrame]


def _spark_type(values: pd.Series) -> DataType:
    """The Spark type of a column the function adds, from its pandas dtype (text, categories: strings)."""
    if pd.api.types.is_bool_dtype(values):
        return BooleanType()
    if pd.api.types.is_integer_dtype(values):
        return LongType()
    if pd.api.types.is_float_dtype(values):
        return DoubleType()
    return StringType()


def output_schema(frame: DataFrame, function: Batch) -> StructType:
    """The schema of ``function``'s frames: found by running it on no rows. Columns of ``frame`` it keeps keep
    their type; the columns it adds are typed from their pandas dtypes."""
    kept = {field.name: field for field in frame.schema.fields}
    empty = function(frame.limit(0).toPandas())
    return StructType([kept.get(name) or StructField(name, _spark_type(empty[name])) for name in empty.columns])


def map_partitions(frame: DataFrame, function: Batch, schema: StructType | None = None) -> DataFrame:
    """``function`` applied to every batch of rows of ``frame``, lazily, in Spark's Python workers.

    Args:
        frame: The rows.
        function: A pandas function of a frame of rows to a frame of the same rows (any columns).
        schema: Its output's Spark schema; by default :func:`output_schema`.
    """

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            result = function(batch)
            # Categories travel as their values (a segment's name), not as codes.
            yield result.astype({c: result[c].cat.categories.dtype for c in result.columns
                                 if isinstance(result[c].dtype, pd.CategoricalDtype)})

    return frame.mapInPandas(run, schema or output_schema(frame, function))


def with_coordinates(frame: DataFrame, model: Pipeline, prefix: str = "_c") -> tuple[DataFrame, list[str]]:
    """``frame`` plus each row's coordinates in the model space (``segmentation.space``), as ``_c0``, ``_c1``, ...

    Returns:
        The frame and the coordinates' column names.
    """
    features = model_features(model)
    probe = pd.DataFrame(np.zeros((1, len(features))), columns=features)
    dimensions = model[:-1].transform(probe).shape[1]  # the model space's (PCA may keep fewer)
    names = [f"{prefix}{j}" for j in range(dimensions)]

    def add(batch: pd.DataFrame) -> pd.DataFrame:
        found = [coordinates for _, coordinates in coordinates_in_chunks(model, batch)]
        coordinates = np.vstack(found) if found else np.empty((0, dimensions))
        return batch.assign(**{name: coordinates[:, j] for j, name in enumerate(names)})

    schema = StructType([*frame.schema.fields, *[StructField(name, DoubleType()) for name in names]])
    return map_partitions(frame, add, schema), names
