"""data_processing with category features: a missing category imputed (or the row dropped), rare categories
grouped as Other, both counted in the data quality report."""

import pandas as pd

from tests.features.configs import TELECOM
from tests.helpers import run_data_processing


def telecom_file(rows: int = 200) -> pd.DataFrame:
    """Text cells as a CSV reader gives them: mostly month-to-month fiber, one rare payment-like contract."""
    contracts = ["Month-to-month"] * (rows // 2) + ["Two year"] * (rows // 2 - 1) + ["Credit card contract"]
    return pd.DataFrame({
        "customerID": [f"C{i}" for i in range(rows)],
        "tenure": [str(1 + i % 70) for i in range(rows)],
        "MonthlyCharges": [f"{20 + i % 90}.5" for i in range(rows)],
        "Contract": contracts,
        "InternetService": ["Fiber optic", "DSL", "No", "Fiber optic"] * (rows // 4),
    })


def test_a_missing_category_is_filled_with_the_most_frequent_and_counted():
    frame = telecom_file()
    frame.loc[[3, 7], "InternetService"] = ""
    outputs = run_data_processing(frame, features=TELECOM)
    clean, report = outputs["model_input_customers"], outputs["data_quality_report"]
    assert report["cells_imputed"] == {"tenure": 0, "monthly_charges": 0, "contract": 0, "internet": 2}
    assert clean.loc[clean["customerID"].isin(["C3", "C7"]), "internet"].tolist() == ["Fiber optic"] * 2
    assert clean.loc[clean["customerID"] == "C3", "imputed_features"].tolist() == ["internet"]


def test_with_drop_a_missing_category_rejects_the_row_with_its_reason():
    frame = telecom_file()
    frame.loc[5, "Contract"] = ""
    outputs = run_data_processing(frame, features=TELECOM, missing_values="drop")
    rejected = outputs["rejected_customers"]
    assert rejected["customerID"].tolist() == ["C5"]
    assert rejected["rejection_reason"].tolist() == ["contract: '' is missing"]
    assert outputs["data_quality_report"]["rows_out"] == 199


def test_rare_categories_are_grouped_as_other_and_counted_per_feature_in_the_report():
    outputs = run_data_processing(telecom_file(), features=TELECOM)
    clean, report = outputs["model_input_customers"], outputs["data_quality_report"]
    assert report["categories_grouped"] == {
        "contract": {"rows": 1, "categories": ["Credit card contract"]}, "internet": {"rows": 0, "categories": []}}
    assert clean["contract"].value_counts().to_dict() == {"Month-to-month": 100, "Two year": 99, "Other": 1}
    assert clean["Contract"].isin(["Credit card contract"]).sum() == 1, "the file's own column keeps what it said"


def test_the_share_under_which_a_category_is_rare_is_a_parameter():
    outputs = run_data_processing(telecom_file(), features=TELECOM, rare_category_share=0.0)
    assert outputs["data_quality_report"]["categories_grouped"]["contract"] == {"rows": 0, "categories": []}
    assert "Credit card contract" in set(outputs["model_input_customers"]["contract"])


def test_a_table_of_numbers_only_reports_no_category_grouping(reference_csv):
    from customer_segmentation.io.csv_files import read_customer_csv

    report = run_data_processing(read_customer_csv(reference_csv))["data_quality_report"]
    assert "categories_grouped" not in report
