"""Profile columns and outcomes as configured: found among the file's headers, read as categories and yes/no."""

from __future__ import annotations

import pandas as pd
import pytest

from customer_segmentation.config.parameters import check_parameters
from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.columns import resolve_columns
from customer_segmentation.features.profiles import Descriptors

TABLE = FeatureTable.from_config(["income", "age"])
SOURCES = {"outcomes": "conf/crm/parameters.yml", "profile_columns": "conf/crm/parameters.yml"}


@pytest.mark.parametrize(("positive", "cells", "expected"), [
    ("Yes", ["Yes", " yes", "No", ""], [True, True, False, None]),
    (1, ["1", "1.0", "0", "2"], [True, True, False, False]),
    (True, ["true", "Yes", "False", None], [True, True, False, None]),
])
def test_an_outcome_cell_is_yes_no_or_unknown(positive, cells, expected):
    outcome = Descriptors.from_config([], {"o": {"column": "c", "positive": positive}}).outcomes[0]
    got = outcome.is_positive(pd.Series(cells, dtype="object"))
    assert [None if pd.isna(value) else bool(value) for value in got] == expected


def test_described_columns_are_found_ignoring_case_and_renamed_to_the_configured_spelling():
    frame = pd.DataFrame({"Income": [1], "AGE": [2], " education ": ["PhD"], "RESPONSE": [1]})
    described = Descriptors.from_config(["Education"], {"response": {"column": "Response"}})
    resolved = resolve_columns(frame, FeatureTable.from_config({"income": {"column": "Income"}, "age": {}}),
                               described=described)
    assert {"Education", "Response"} <= set(resolved.columns)


def test_a_missing_described_column_is_named_with_the_headers_found():
    described = Descriptors.from_config(["Educaton"], {"churn": {"column": "Churned"}})
    with pytest.raises(ConfigurationError) as error:
        described.check_columns(["income", "age", "Education", "Churn"], where="conf/crm/parameters.yml")
    message = str(error.value)
    assert "profile_columns lists 'Educaton'" in message and "outcomes.churn reads column 'Churned'" in message
    assert "conf/crm/parameters.yml" in message and "Headers found in the file: income, age, Education, Churn" \
        in message


@pytest.mark.parametrize(("parameters", "expected"), [
    ({"outcomes": {"churn": {"colum": "Churn"}}}, "unknown setting 'outcomes.churn.colum' in conf/crm/parameters.yml "
                                                  "(did you mean 'outcomes.churn.column'?)"),
    ({"outcomes": {"churn": {"column": "Churn", "positive": [1, "Yes"]}}}, "outcomes.churn.positive in "
                                                                          "conf/crm/parameters.yml: should be the one"),
    ({"profile_columns": "Education"}, "profile_columns in conf/crm/parameters.yml: Input should be a valid list"),
])
def test_wrong_settings_are_refused_with_their_file(parameters, expected):
    with pytest.raises(ConfigurationError, match="problem") as error:
        check_parameters(parameters, SOURCES)
    assert expected in str(error.value)
