"""Problems as data: the rejection texts and the report's counts are derived from the same records."""

import pandas as pd

from customer_segmentation.features import FeatureTable
from customer_segmentation.validation.problems import counts_by_reason, reasons_by_row
from customer_segmentation.features.validate import validate_customers
from tests.helpers import default_features


def _problems():
    frame = pd.DataFrame({"annual_income": ["abc", "50000", ""], "spending_score": ["140", "50", ""],
                          "savings": ["1", "2", ""], "age": ["7", "30", ""]})
    return validate_customers(frame, FeatureTable.from_config(default_features())).problems


def test_each_problem_is_a_record_with_row_column_value_and_reason():
    assert _problems().to_dict("records") == [
        {"row": 0, "column": "annual_income", "value": "abc", "reason": "not a number"},
        {"row": 0, "column": "spending_score", "value": 140.0, "reason": "outside the allowed range [0, 100]"},
        {"row": 0, "column": "age", "value": 7.0, "reason": "outside the allowed range [18, 100]"},
        {"row": 2, "column": "", "value": None,
         "reason": "all feature values are empty (annual_income, spending_score, savings, age)"},
    ]


def test_the_rejection_reason_of_a_row_joins_its_records_in_column_order():
    assert reasons_by_row(_problems()).to_dict() == {
        0: "annual_income: 'abc' is not a number; spending_score: 140 is outside the allowed range [0, 100]; "
           "age: 7 is outside the allowed range [18, 100]",
        2: "all feature values are empty (annual_income, spending_score, savings, age)",
    }


def test_the_report_counts_each_kind_of_problem():
    assert counts_by_reason(_problems()) == {
        "annual_income: not a number": 1, "spending_score: outside the allowed range [0, 100]": 1,
        "age: outside the allowed range [18, 100]": 1,
        "all feature values are empty (annual_income, spending_score, savings, age)": 1,
    }
