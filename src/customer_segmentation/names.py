"""Names every layer shares, each defined once: columns a customer's row gains, the datasets the app reads,
MLflow tags, the segments' colours. Nothing here imports anything: the readers, the rules, the pipelines, the
app and the served model all import these names from here.
"""

from __future__ import annotations

# ---- columns the pipelines add to a customer's row ----
ROW_COLUMN = "source_row"                 # the row's line in its file, counted from the line under the header
READ_PROBLEM_COLUMN = "__read_problem__"  # set by the reader on rows that do not fit the header; never written
REASON_COLUMN = "rejection_reason"        # why a rejected row was rejected
IMPUTED_COLUMN = "imputed_features"       # the features filled in on a row ("annual_income, age")
PROBLEM_COLUMN = "problem"                # a scored file's rejected rows: why (the app, the served model)

SEGMENT_ID, SEGMENT_NAME = "segment_id", "segment_name"
DISTANCE = "distance_to_centre"           # in the model's standardized space
MEMBERSHIP = "membership_probability"     # of the own segment, for segmenters that have one (gmm)
RUNNER_UP_ID, RUNNER_UP_NAME, RUNNER_UP_DISTANCE = "runner_up_id", "runner_up_name", "runner_up_distance"
BORDERLINE = "borderline"                 # nearly as close to the runner-up as to the own segment
MAP_COLUMNS = ("map_x", "map_y")          # the first two axes of the model space: the segment map

# What `score` gives every row (``segmentation/scoring.py``).
SCORE_COLUMNS = (SEGMENT_ID, DISTANCE, RUNNER_UP_ID, RUNNER_UP_DISTANCE, *MAP_COLUMNS)
# What a scored customer carries besides its own columns, in this order (``customer_segments``, audiences).
SEGMENT_COLUMNS = (SEGMENT_ID, SEGMENT_NAME, DISTANCE, MEMBERSHIP, RUNNER_UP_ID, RUNNER_UP_NAME, BORDERLINE)
# What a scored file (the app, the served model, monitoring) adds to each row.
SCORED_FILE_COLUMNS = (SEGMENT_ID, SEGMENT_NAME, DISTANCE, MEMBERSHIP, RUNNER_UP_ID, RUNNER_UP_NAME, BORDERLINE,
                       IMPUTED_COLUMN, PROBLEM_COLUMN)
# A feature may not take any of these names.
RESERVED_COLUMNS = tuple(dict.fromkeys((ROW_COLUMN, REASON_COLUMN, *SCORE_COLUMNS, *SEGMENT_COLUMNS,
                                        *SCORED_FILE_COLUMNS)))

# ---- datasets the app reads (and the last complete run keeps aside) ----
MODEL_DATASET = "segmentation_model"
REQUIRED_APP_OUTPUTS = ("segment_profiles", "customer_segments", "clustering_metrics")
OPTIONAL_APP_OUTPUTS = ("k_sweep", "k_selection", "data_quality_report", "segment_categories", "segment_outcomes")
SNAPSHOT_DATASETS = (*REQUIRED_APP_OUTPUTS, *OPTIONAL_APP_OUTPUTS)
APP_DATASETS = (MODEL_DATASET, *SNAPSHOT_DATASETS, "segment_history")

# ---- MLflow tags ----
KEDRO_RUN_TAG = "run_id"                  # set by kedro-mlflow: the Kedro session id, which is the model version
KIND_TAG = "customer_segmentation.kind"   # training, monitoring or refresh
FEATURES_TAG = "customer_segmentation.features"
INPUT_TAG = "customer_segmentation.input"
INPUT_ROWS_TAG, INPUT_SHA256_TAG = "input_rows", "input_sha256"
PROJECT_TAG, PID_TAG, HOST_TAG = ("customer_segmentation.project", "customer_segmentation.pid",
                                  "customer_segmentation.host")
ENDED_BY_TAG = "customer_segmentation.ended_by"

# ---- the colour of each segment id, in the reports and in the app alike ----
# Paul Tol's colour-blind-safe "muted" palette, then grey shades for segments beyond it.
SEGMENT_COLOURS = ("#88CCEE", "#CC6677", "#DDCC77", "#117733", "#332288", "#AA4499", "#44AA99", "#999933", "#882255",
                   "#661100", "#6699CC", "#888888")


def segment_colour(segment_id: int) -> str:
    """The colour of a segment id (the palette repeats beyond its length)."""
    return SEGMENT_COLOURS[int(segment_id) % len(SEGMENT_COLOURS)]
