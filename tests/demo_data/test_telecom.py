"""The telecom shape: a telco-churn-like export whose personas and churn a user can find again."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from customer_segmentation.demo_data import generate_telecom_customers

COLUMNS = ["customerID", "gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "PhoneService",
           "InternetService", "Contract", "PaperlessBilling", "PaymentMethod", "MonthlyCharges", "TotalCharges",
           "Churn"]


@pytest.fixture(scope="module")
def telecom() -> pd.DataFrame:
    return generate_telecom_customers(10_000, seed=3)


def test_the_same_seed_gives_the_same_file_and_another_seed_another(generate):
    out = generate("--shape", "telecom", "--rows", "2000", "--out", "{tmp}/a.csv")
    generate("--shape", "telecom", "--rows", "2000", "--out", "{tmp}/b.csv")
    generate("--shape", "telecom", "--rows", "2000", "--seed", "1", "--out", "{tmp}/c.csv")
    assert (out / "a.csv").read_bytes() == (out / "b.csv").read_bytes() != (out / "c.csv").read_bytes()


def test_columns_and_values_are_those_of_the_telco_churn_export(telecom):
    assert list(telecom.columns) == [*COLUMNS, "persona"]
    assert telecom["customerID"].str.fullmatch(r"\d{4}-[A-Z]{5}").all() and telecom["customerID"].is_unique
    assert set(telecom["SeniorCitizen"]) == {0, 1}
    for column in ["Partner", "Dependents", "PhoneService", "PaperlessBilling", "Churn"]:
        assert set(telecom[column]) == {"Yes", "No"}, column
    assert set(telecom["InternetService"]) == {"DSL", "Fiber optic", "No"}
    assert set(telecom["Contract"]) == {"Month-to-month", "One year", "Two year"}
    assert telecom["PaymentMethod"].nunique() == 4 and "Electronic check" in set(telecom["PaymentMethod"])
    assert telecom["tenure"].between(0, 72).all()
    assert telecom["MonthlyCharges"].between(18.25, 120).all()


def test_total_charges_is_text_blank_for_new_subscribers_and_about_tenure_times_monthly(telecom):
    new = telecom["tenure"] == 0
    assert 0 < new.sum() < 0.01 * len(telecom)
    assert (telecom.loc[new, "TotalCharges"] == " ").all()
    total = pd.to_numeric(telecom.loc[~new, "TotalCharges"])
    expected = telecom.loc[~new, "tenure"] * telecom.loc[~new, "MonthlyCharges"]
    assert ((total / expected).between(0.92, 1.08)).all()


def test_a_blank_total_charges_stays_text_when_the_csv_is_read_back(generate):
    out = generate("--shape", "telecom", "--rows", "3000", "--out", "{tmp}/t.csv")
    read = pd.read_csv(out / "t.csv")
    assert not pd.api.types.is_numeric_dtype(read["TotalCharges"])
    assert (read["TotalCharges"] == " ").sum() == (read["tenure"] == 0).sum() > 0


def test_churn_depends_on_the_persona(telecom):
    churn = (telecom["Churn"] == "Yes").groupby(telecom["persona"]).mean()
    assert churn["new_monthly_fiber"] == pytest.approx(0.45, abs=0.04)
    assert churn["loyal_two_year_dsl"] == pytest.approx(0.03, abs=0.02)
    assert churn["new_monthly_fiber"] - churn.drop("new_monthly_fiber").max() > 0.2


def test_a_payment_method_is_rare_under_one_percent(telecom):
    shares = telecom["PaymentMethod"].value_counts(normalize=True)
    assert 0.003 < shares["Credit card (automatic)"] < 0.01
    assert shares.drop("Credit card (automatic)").min() > 0.1


def test_the_mixed_personas_can_be_found_again(telecom):
    numeric = telecom[["tenure", "MonthlyCharges"]]
    categorical = pd.get_dummies(telecom[["Contract", "InternetService", "PaymentMethod"]]).astype(float)
    features = np.hstack([((numeric - numeric.mean()) / numeric.std()).to_numpy(), 0.7 * categorical.to_numpy()])
    found = KMeans(n_clusters=4, n_init=5, random_state=0).fit_predict(features)
    assert adjusted_rand_score(telecom["persona"], found) > 0.8


def test_the_truth_file_maps_each_customer_id_to_its_persona(generate):
    out = generate("--shape", "telecom", "--rows", "500", "--out", "{tmp}/t.parquet", "--truth-out", "{tmp}/truth.csv")
    written, truth = pd.read_parquet(out / "t.parquet"), pd.read_csv(out / "truth.csv")
    assert list(truth.columns) == ["customerID", "persona"]
    assert truth["customerID"].tolist() == written["customerID"].tolist()
    assert "persona" not in written.columns
