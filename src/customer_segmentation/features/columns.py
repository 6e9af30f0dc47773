"""Finding the feature table's columns (and the profile and outcome columns) among a file's headers.

Headers are compared ignoring case, surrounding spaces and a UTF-8 byte-order mark, so
``" Annual_Income "`` is the table's ``annual_income``. A matched header is renamed to the table's
spelling; every other header is kept as it is (trimmed) and its column carried along.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.features.profiles import Descriptors
from customer_segmentation.features.table import FeatureTable
from customer_segmentation.io.headers import normalise_header
from customer_segmentation.names import READ_PROBLEM_COLUMN, ROW_COLUMN


def resolve_columns(frame: pd.DataFrame, table: FeatureTable, trained: bool = False,
                    described: Descriptors | None = None) -> pd.DataFrame:
    """The frame with the table's source columns (and the described ones) under the configuration's spelling.

    Args:
        frame: Rows as read.
        table: The configured feature table, or (``trained``) a trained model's.
        trained: The table is a trained model's (the file must change, not the configuration).
        described: The profile columns and outcomes, found like the table's columns.

    Raises:
        ConfigurationError: a source column is missing or a feature would overwrite another column
            (every such problem in one message, with the headers found); ``CustomerDataError`` for a
            trained model's table, since then the file is what must change.
        CustomerDataError: two headers are the same column once case and spaces are ignored.
    """
    headers = [str(column) for column in frame.columns]
    wanted = {normalise_header(source): source for source in table.source_columns}
    wanted.update({normalise_header(name): name for name in table.names if normalise_header(name) not in wanted})
    for column in described.columns if described else ():
        wanted.setdefault(normalise_header(column), column)
    renamed = [wanted.get(normalise_header(header), header.strip().lstrip("\ufeff")) for header in headers]
    repeated = sorted(name for name, count in Counter(renamed).items() if count > 1)
    if repeated:
        raise CustomerDataError(
            f"column(s) {repeated} appear more than once (headers found: {headers}); keep one column per name"
        )
    found = [name for name in renamed if name not in (ROW_COLUMN, READ_PROBLEM_COLUMN)]
    table.check_columns(found, trained=trained)
    if described:
        described.check_columns(found)
    resolved = frame.copy(deep=False)
    resolved.columns = renamed
    return resolved
