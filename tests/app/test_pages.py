"""The app's pages through streamlit.testing.v1.AppTest: one behaviour per test."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests import projects
from tests.app.pages import PAGES

GOOD_AND_BAD_CSV = (
    b"customer_id,annual_income,spending_score,savings,age\n"
    b"A1,52000,61,4200,31\n"
    b"A2,61000,40,-1500,44\n"
    b"A3,48000,55,3000,7\n"
    b"A4,abc,55,3000,40\n"
)


def texts(elements) -> list[str]:
    """What the user reads in markdown elements: file and configuration text is sent escaped (as_text)."""
    return [re.sub(r"\\(.)", r"\1", element.value) for element in elements]


def table_with(at, column: str) -> pd.DataFrame:
    """The first st.dataframe on the page with ``column`` (AppTest does not expose dataframe keys)."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def vega_spec(at, index: int) -> dict:
    """The Vega-Lite specification of the page's ``index``-th chart, as sent to the browser."""
    return json.loads(at.get("vega_lite_chart")[index].proto.spec)


def vega_data(at, index: int) -> pd.DataFrame:
    """The rows of the ``index``-th chart's main layer (Streamlit sends them as Arrow, beside the spec)."""
    import pyarrow as pa

    return pa.ipc.open_stream(at.get("vega_lite_chart")[index].proto.data.data).read_all().to_pandas()


def metric_values(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# Kedro 1.7 registers its config resolvers with a call OmegaConf has deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:register_new_resolver:UserWarning")

# ---------- Segments ----------


def test_segments_headline_shows_customers_segments_and_silhouette(open_app, trained_project):
    metrics = json.loads((trained_project / "data/08_reporting/clustering_metrics.json").read_text())
    at = open_app(trained_project)
    assert not at.exception
    shown = metric_values(at)
    assert shown["Customers"] == f"{metrics['n_customers']:,}"
    assert shown["Segments"] == str(metrics["k"])
    assert shown["Silhouette"] == f"{metrics['silhouette']:.2f}"


def test_segments_names_the_run_that_trained_the_model_without_asking_mlflow(open_app, trained_project):
    at = open_app(trained_project)
    line = next(c for c in texts(at.caption) if c.startswith("Kedro run `"))
    assert projects.model_version(trained_project) in line and "Model & runs" in line


def test_model_runs_names_the_mlflow_run_that_trained_the_model(open_app, trained_project):
    at = open_app(trained_project, "runs")
    line = next(c for c in texts(at.caption) if c.startswith("Trained by MLflow run"))
    assert projects.model_version(trained_project) in line


def test_segments_profile_table_lists_every_segment_with_its_action(open_app, trained_project):
    profiles = pd.read_csv(trained_project / "data/07_model_output/segment_profiles.csv")
    at = open_app(trained_project)
    table = table_with(at, "suggested_action")
    assert table["segment_name"].tolist() == profiles["segment_name"].tolist()
    assert table["suggested_action"].tolist() == profiles["suggested_action"].tolist()


def test_segments_chart_shows_every_segment_and_the_centres_on_the_map(open_app, trained_project):
    profiles = pd.read_csv(trained_project / "data/07_model_output/segment_profiles.csv")
    at = open_app(trained_project)
    points, centres, *labels = vega_spec(at, 0)["layer"]
    assert points["encoding"]["color"]["scale"]["domain"] == profiles["segment_name"].tolist()
    assert sorted(c["segment_name"] for c in centres["data"]["values"]) == sorted(profiles["segment_name"])
    named = [c["label"] for layer in labels for c in layer["data"]["values"] if c["label"]]
    assert sorted(named) == sorted(profiles["segment_name"])  # the demo's centres are far apart: all named
    assert points["encoding"]["x"]["title"] == "Segment map, axis 1 (PCA)"


def test_segments_chart_can_show_two_chosen_features(open_app, trained_project):
    at = open_app(trained_project)
    at.radio(key="segments_view").set_value("Two features").run()
    at.selectbox(key="segments_x").set_value("age").run()
    assert not at.exception
    encoding = vega_spec(at, 0)["layer"][0]["encoding"]
    assert (encoding["x"]["title"], encoding["y"]["title"]) == ("Age (years)", "Spending score (score 0-100)")


def test_segments_page_offers_the_audience_of_chosen_segments_for_download(open_app, trained_project):
    segments = pd.read_parquet(trained_project / "data/07_model_output/customer_segments.parquet")
    at = open_app(trained_project)
    at.multiselect(key="audience_segments").set_value([1, 2]).run()
    assert not at.exception
    count = int(segments["segment_id"].isin([1, 2]).sum())
    assert any(c.startswith(f"{count:,} customers, with every column") for c in texts(at.caption))
    assert at.download_button(key="audience_csv").label == "Download the audience (CSV)"
    assert at.download_button(key="audience_parquet").label == "Download the audience (Parquet)"


def test_segments_page_compares_two_segments_feature_by_feature(open_app, trained_project):
    at = open_app(trained_project)
    at.selectbox(key="compare_second").set_value(3).run()
    table = table_with(at, "effect size d")
    assert len(table) == 4 and set(table["difference"]) <= {"negligible", "small", "medium", "large"}


# ---------- Predict a customer ----------


def test_predict_defaults_give_a_segment_with_its_description(open_app, trained_project):
    profiles = pd.read_csv(trained_project / "data/07_model_output/segment_profiles.csv")
    at = open_app(trained_project, "predict")
    at.form_submit_button[0].click().run()
    assert not at.exception
    (answer,) = texts(at.success)
    name = answer.removeprefix("This customer belongs to **").removesuffix("**.")
    assert name in profiles["segment_name"].tolist()
    description = profiles.loc[profiles["segment_name"] == name, "description"].iloc[0]
    assert any(description in text for text in texts(at.markdown))


def test_predict_places_the_customer_on_the_map_and_ranks_segment_distances(open_app, trained_project):
    profiles = pd.read_csv(trained_project / "data/07_model_output/segment_profiles.csv")
    at = open_app(trained_project, "predict")
    at.form_submit_button[0].click().run()
    segment_map = vega_spec(at, 1)
    assert sorted(vega_data(at, 0)["segment_name"]) == sorted(profiles["segment_name"])
    (customer,) = [layer for layer in segment_map["layer"] if layer["mark"].get("shape") == "diamond"]
    assert len(customer["data"]["values"]) == 1


def test_predict_puts_the_customer_beside_the_segment_and_says_how_to_reach_the_runner_up(open_app, trained_project):
    at = open_app(trained_project, "predict")
    at.form_submit_button[0].click().run()
    table = table_with(at, "this customer")
    assert table["feature"].tolist() == ["Annual income", "Spending score", "Savings", "Age"]
    assert table["this customer"].str.startswith("$").tolist() == [True, False, True, False]
    (heading,) = [h for h in texts(at.subheader) if h.startswith("To move to ")]
    assert any("would bring the customer to the border" in m for m in texts(at.markdown)) or any(
        "No single feature" in c for c in texts(at.caption))


def test_predict_out_of_range_age_gets_a_message_next_to_the_field(open_app, trained_project):
    at = open_app(trained_project, "predict")
    at.number_input(key="predict_age").set_value(7)
    at.form_submit_button[0].click().run()
    assert not at.exception
    age_column = next(c for c in at.columns if c.number_input and c.number_input[0].key == "predict_age")
    assert texts(age_column.error) == ["7 is outside the allowed range [18, 100]."]
    assert not at.success


def test_predict_missing_value_asks_for_it_next_to_the_field(open_app, trained_project):
    at = open_app(trained_project, "predict")
    at.number_input(key="predict_savings").set_value(None)
    at.form_submit_button[0].click().run()
    assert not at.exception
    savings_column = next(c for c in at.columns if c.number_input and c.number_input[0].key == "predict_savings")
    assert texts(savings_column.error) == ["Enter a value."]


# ---------- Score a file ----------


def test_score_file_lists_row_problems_and_scores_the_other_rows(open_app, trained_project):
    at = open_app(trained_project, "score")
    at.file_uploader(key="score_upload").set_value(("customers.csv", GOOD_AND_BAD_CSV, "text/csv"))
    at.run()
    assert not at.exception
    assert metric_values(at) == {"Rows in the file": "4", "Scored": "2", "Rows with problems": "2"}
    problems = table_with(at, "reason")
    assert problems.to_dict("records") == [  # the Row column is there however few the problems are
        {"row": 3, "column": "age", "value": "7", "reason": "outside the allowed range [18, 100]"},
        {"row": 4, "column": "annual_income", "value": "abc", "reason": "not a number"},
    ]


def test_score_file_shows_every_row_with_its_segment_and_problem_and_filters_them(open_app, trained_project):
    at = open_app(trained_project, "score")
    at.file_uploader(key="score_upload").set_value(("customers.csv", GOOD_AND_BAD_CSV, "text/csv"))
    at.run()
    rows = table_with(at, "runner_up_name")
    assert len(rows) == 4 and rows["segment_name"].notna().sum() == 2 and rows["problem"].notna().sum() == 2
    at.toggle(key="score_filter_problems").set_value(True).run()
    assert table_with(at, "runner_up_name")["problem"].notna().all() and len(table_with(at, "runner_up_name")) == 2
    at.toggle(key="score_filter_problems").set_value(False).run()
    first = rows["segment_name"].dropna().iloc[0]
    at.multiselect(key="score_filter_segments").set_value([first]).run()
    assert set(table_with(at, "runner_up_name")["segment_name"]) == {first}


def test_score_file_offers_the_scored_file_for_download(open_app, trained_project):
    at = open_app(trained_project, "score")
    at.file_uploader(key="score_upload").set_value(("customers.csv", GOOD_AND_BAD_CSV, "text/csv"))
    at.run()
    assert at.download_button(key="score_download").label == "Download the scored file (CSV)"


def test_score_file_without_a_required_column_explains_what_is_missing(open_app, trained_project):
    at = open_app(trained_project, "score")
    at.file_uploader(key="score_upload").set_value(("x.csv", b"customer_id,annual_income,age\nA,1,30\n", "text/csv"))
    at.run()
    assert not at.exception
    (message,) = texts(at.error)
    assert "column(s) 'spending_score', 'savings' missing: the model was trained on them" in message
    assert not at.download_button


def test_score_file_rejects_a_binary_upload_with_a_message(open_app, trained_project):
    at = open_app(trained_project, "score")
    at.file_uploader(key="score_upload").set_value(("model.csv", b"\x80\x04\x95\x00\x00binary", "text/csv"))
    at.run()
    assert not at.exception
    assert "not a text CSV file" in texts(at.error)[0]


# ---------- Model & runs ----------


def test_model_runs_puts_two_runs_segments_side_by_side(open_app, trained_project):
    at = open_app(trained_project, "runs")
    assert not at.exception
    table = table_with(at, "Customers B")
    profiles = pd.read_csv(trained_project / "data/07_model_output/segment_profiles.csv")
    served = table.dropna(subset=["Customers A"])  # run A: the served model's run
    assert served["Segment"].tolist() == profiles["segment_name"].tolist()
    assert served["Customers A"].tolist() == profiles["size"].tolist()
    assert table["Customers B"].notna().sum() == 3  # run B: the run before it, with 3 segments forced
    assert "Annual income (mean) A" in table.columns and "Id B" in table.columns


def test_model_runs_shows_the_chosen_k_and_its_reason(open_app, trained_project):
    selection = json.loads((trained_project / "data/08_reporting/k_selection.json").read_text())
    at = open_app(trained_project, "runs")
    assert not at.exception
    (info,) = texts(at.info)
    assert f"k = {selection['k']}" in info and selection["reason"] in info


def test_model_runs_shows_the_data_quality_report(open_app, trained_project):
    report = json.loads((trained_project / "data/08_reporting/data_quality_report.json").read_text())
    at = open_app(trained_project, "runs")
    shown = metric_values(at)
    assert shown["Rows read"] == f"{report['rows_read']:,}"
    assert shown["Rows rejected"] == f"{report['rows_rejected']:,}"


def test_model_runs_lists_the_mlflow_run_behind_the_served_model(open_app, trained_project):
    at = open_app(trained_project, "runs")
    runs, ids = table_with(at, "serving"), table_with(at, "kedro_run_id")
    assert len(runs) == 2  # the fixture trains twice
    served = runs.loc[runs["serving"], "run_name"].tolist()
    assert ids.loc[ids["run_name"].isin(served), "kedro_run_id"].tolist() == [projects.model_version(trained_project)]
    assert "metrics.silhouette" in runs.columns
    assert at.selectbox(key="runs_metric").value == "silhouette"


def test_runs_are_named_after_their_data_and_settings(open_app, trained_project):
    rows = len(pd.read_csv(trained_project / "data/01_raw/segmentation_data.csv"))
    names = table_with(open_app(trained_project, "runs"), "serving")["run_name"].tolist()
    assert sorted(name.rsplit(" · ", 1)[0] for name in names) == sorted(
        f"demo · segmentation_data.csv · {rows:,} rows · 4 features · k={k}" for k in (3, 4))
    assert len(set(names)) == 2, "names are unique: they end with the start time"


# ---------- Monitoring ----------


def test_monitoring_before_any_batch_shows_the_command_to_run(open_app, trained_project):
    at = open_app(trained_project, "monitoring")
    assert not at.exception
    assert any(i.startswith("No batch has been refreshed or monitored yet") for i in texts(at.info))
    assert any("kedro run --pipelines monitoring --params batch_path=" in c for c in texts(at.code))
    assert any(c.startswith("make refresh BATCH=") for c in texts(at.code))


def test_monitoring_shows_the_last_refresh_who_moved_where_and_the_audience_changes(open_app, projects_dir):
    project = projects.variant(projects_dir, "refreshed")
    at = open_app(project, "monitoring")
    assert not at.exception
    assert any(i.startswith("**month_2.csv** (refreshed ") and "compared with the refresh of month_1.csv: 2,600 "
               "stayed, **250 moved**, 150 new, 150 departed" in i for i in texts(at.info))
    movement = vega_data(at, 0)
    assert movement["customers"].sum() == 3000 + 150  # everyone of month 1 (departed included) and the new ones
    assert set(movement["to_segment_name"]) >= {"Departed"} and set(movement["from_segment_name"]) >= {"New in this batch"}
    moves = table_with(at, "Change")
    assert moves["Change"].iloc[0] == "moved" and moves.loc[moves["Change"] == "moved", "Customers"].sum() == 250
    changes = table_with(at, "Moved in")
    assert len(changes) == 4 and changes["After"].sum() == 3000 and changes["Departed"].sum() == 150
    button = at.download_button(key="refresh_added_0")
    assert button.label.endswith(" added") and int(button.label.split()[0]) == int(
        changes["Moved in"].iloc[0] + changes["New"].iloc[0])
    assert at.download_button(key="refresh_removed_3").label.endswith(" removed")
    sizes = table_with(at, "Batch")
    assert sizes["Batch"].str.startswith("month_2.csv").sum() == 1 and len(sizes) == 2


def test_monitoring_shows_the_alert_the_history_and_the_latest_report(open_app, projects_dir):
    project = projects.variant(projects_dir, "monitored")
    report = json.loads((project / "data/08_reporting/drift_report.json").read_text())
    at = open_app(project, "monitoring")
    assert not at.exception
    shown = texts(at.warning) + texts(at.error) + texts(at.success)
    assert any(m.startswith("Latest batch **april.csv**") and report["reason"] in m for m in shown)
    assert report["alert"] in ("watch", "retrain")
    history = vega_data(at, 0)
    assert history["batch_label"].str.startswith("march.csv (").any() and history["batch_label"].str.startswith(
        "april.csv (").any()
    features = table_with(at, "Drifted").set_index("Feature")
    assert bool(features.loc["Age", "Drifted"]) and metric_values(at)["Rows in the batch"] == "600"
    assert len(table_with(at, "In the batch")) == 4


def test_monitoring_says_a_batch_too_small_was_not_judged(open_app, projects_dir):
    at = open_app(projects.variant(projects_dir, "small_batch"), "monitoring")
    assert not at.exception and not at.error
    (shown,) = [m for m in texts(at.info) if m.startswith("Latest batch")]
    assert shown.startswith("Latest batch **two.csv**") and "alert **not judged**. Drift not judged: only 2 " in shown
    assert metric_values(at)["Scored"] == "2"


# ---------- States without a usable model ----------


@pytest.mark.parametrize("page_name", list(PAGES))
def test_every_page_without_a_model_says_so_and_shows_make_run(open_app, untrained_project, page_name):
    at = open_app(untrained_project, page_name)
    assert not at.exception
    assert any(w.startswith("No trained model yet") for w in texts(at.warning))
    assert "make run" in texts(at.code)


def test_a_changed_feature_table_is_noticed_and_the_form_keeps_the_models_features(open_app, projects_dir):
    at = open_app(projects.variant(projects_dir, "reconfigured"), "predict")
    assert not at.exception and not at.error
    (notice,) = [i for i in texts(at.info) if "feature table" in i]
    assert "has changed since this model was trained" in notice and "make run" in notice
    assert [n.label for n in at.number_input] == ["Annual income (USD)", "Spending score (score 0-100)",
                                                  "Savings (USD)", "Age (years)"]


def test_an_unreadable_newest_model_is_named_and_the_last_complete_run_served(open_app, projects_dir):
    at = open_app(projects.variant(projects_dir, "unreadable"))
    assert not at.exception and not at.error and not at.main.warning
    (notice,) = texts(at.sidebar.warning)
    assert notice.startswith(f"A newer model (Kedro run `{projects.NEWER_VERSION}`) was saved by a run that did not "
                             "complete: it is not registered and not shown.")
    assert metric_values(at)["Segments"] == "4"


def test_a_tampered_model_file_is_refused_and_nothing_in_it_runs(open_app, projects_dir):
    at = open_app(projects.variant(projects_dir, "tampered_served"))
    assert not at.exception
    (message,) = texts(at.error)
    assert "not trusted and was not loaded" in message and "tests.projects.Exploit" in message


def test_retrained_model_is_served_only_after_reload(open_app, projects_dir):
    project = projects.variant(projects_dir, "retrain")
    first = projects.model_version(project)
    at = open_app(project)
    newer = projects.add_model_version(project)
    projects.complete_run(project, newer)
    at.run()
    assert f"Kedro run `{first}`" in texts(at.sidebar.caption)
    assert texts(at.sidebar.info) == ["A newer model has been trained."]
    at.button(key="reload_model").click().run()
    assert not at.exception
    assert f"Kedro run `{newer}`" in texts(at.sidebar.caption)
    assert not at.sidebar.info


def test_failed_reload_keeps_serving_the_previous_model(open_app, projects_dir):
    project = projects.variant(projects_dir, "retrain_broken")
    first = projects.model_version(project)
    at = open_app(project)
    broken = projects.model_path(project, projects.NEWER_VERSION)
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"half-written")
    projects.complete_run(project, projects.NEWER_VERSION)  # a complete run whose model file was damaged since
    at.button(key="reload_model").click().run()
    assert not at.exception and not at.error
    (warning,) = texts(at.main.warning)
    assert warning.startswith(f"The newest model ({projects.NEWER_VERSION}) cannot be served yet")
    assert f"Kedro run `{first}`" in texts(at.sidebar.caption)
    at.run()  # and on the next interaction, still the previous model, silently
    assert not at.main.warning and metric_values(at)["Segments"] == "4"


def test_a_model_whose_run_did_not_complete_is_named_not_served_even_after_reload(open_app, projects_dir):
    """Issue 23, case 15: a run killed after it saved and logged its model, before registering it, leaves a newer
    model version; the app keeps the last complete run's (the registry's champion) and says so."""
    project = projects.variant(projects_dir, "retrain_unregistered")
    first = projects.model_version(project)
    at = open_app(project)
    newer = projects.add_model_version(project)
    for _ in range(2):  # on the next interaction, and after "Reload latest model"
        at.run() if _ == 0 else at.button(key="reload_model").click().run()
        assert not at.exception and not at.error and not at.sidebar.info
        assert f"Kedro run `{first}`" in texts(at.sidebar.caption)
        assert texts(at.sidebar.warning) == [
            f"A newer model (Kedro run `{newer}`) was saved by a run that did not complete: it is not registered and "
            "not shown. Shown: the last complete run's model, the registry's champion."]


def test_model_runs_says_the_model_shown_is_the_registrys_champion(open_app, trained_project):
    at = open_app(trained_project, "runs")
    assert not at.exception
    line = next(c for c in texts(at.caption) if c.startswith("Registered as"))
    assert line.startswith("Registered as `customer_segmentation` version ") and "(`@champion`)" in line


def test_model_runs_says_plainly_when_the_champion_is_another_model(open_app, projects_dir):
    project = projects.variant(projects_dir, "retrain_champion")
    newer = projects.add_model_version(project)
    projects.complete_run(project, newer)  # shown: a run the registry never saw (its alias still on the first)
    at = open_app(project, "runs")
    assert not at.exception
    (warning,) = [w for w in texts(at.warning) if "champion" in w]
    assert warning.startswith("The registry's `customer_segmentation@champion` is version ")
    assert f"not the model shown here (Kedro run `{newer}`, the last complete run's)" in warning


def test_a_files_own_text_is_shown_as_typed_never_as_a_link_or_image(open_app, trained_project):
    hostile = b"![pixel](http://example.com/p.png),[click me](http://example.com)\n1,2\n"
    at = open_app(trained_project, "score")
    at.file_uploader(key="score_upload").set_value(("customers.csv", hostile, "text/csv"))
    at.run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(error)
    assert "This file cannot be scored" in error and "<a " not in html and "<img" not in html
    assert "[click me](http://example.com)" in html  # the header, as typed
