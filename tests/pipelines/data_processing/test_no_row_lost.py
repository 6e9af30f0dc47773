"""Property: on any messy frame, every row is kept, rejected with a reason, or a counted duplicate,
and no valid row is dropped."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customer_segmentation.errors import CustomerDataError
from customer_segmentation.pipelines.data_processing.nodes import NoValidRowsError
from tests.helpers import FEATURE_NAMES as FEATURES
from tests.helpers import default_features, run_data_processing

RANGES = {name: dict(zip(("min", "max"), entry["range"])) for name, entry in default_features().items()}


def _valid_cell(feature):
    low, high = max(RANGES[feature]["min"], 0), min(RANGES[feature]["max"], 1_000_000)
    number = st.integers(int(low), int(high))
    return st.one_of(
        number.map(str),
        number.map(lambda v: f"{v}.0"),
        number.map(lambda v: f"${v:,}"),
        number.map(lambda v: f"  {v} "),
    ).map(lambda text: ("valid", text))


def _invalid_cell(feature):
    low, high = RANGES[feature]["min"], RANGES[feature]["max"]
    return st.one_of(
        st.sampled_from(["abc", "1,5", "#REF!", "12k", "inf", "-inf"]),
        st.integers(1, 10**6).map(lambda d: str(int(low - d))),
        st.integers(1, 10**6).map(lambda d: str(int(high + d))),
    ).map(lambda text: ("invalid", text))


_MISSING = st.sampled_from(["", "NA", "nan", "null", " "]).map(lambda text: ("missing", text))


@st.composite
def messy_frames(draw):
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        cells = {f: draw(st.one_of(_valid_cell(f), _valid_cell(f), _MISSING, _invalid_cell(f))) for f in FEATURES}
        rows.append((f"C{i}", cells))
    duplicates = draw(st.lists(st.integers(0, n - 1), max_size=5))
    order = list(range(n)) + duplicates
    frame = pd.DataFrame(
        [{"customer_id": rows[i][0], **{f: rows[i][1][f][1] for f in FEATURES}} for i in order]
    )
    kinds = {cid: {f: cell[0] for f, cell in cells.items()} for cid, cells in rows}
    return frame, kinds, len(duplicates)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_frames())
def test_no_row_is_lost_and_no_valid_row_is_dropped(case):
    frame, kinds, n_duplicates = case
    valid_ids = {
        cid for cid, k in kinds.items()
        if "invalid" not in k.values() and set(k.values()) != {"missing"}
    }
    unfillable = valid_ids and any(all(kinds[c][f] == "missing" for c in valid_ids) for f in FEATURES)
    try:
        outputs = run_data_processing(frame.astype(str))
    except NoValidRowsError as error:
        assert not valid_ids
        report_rows = error.rejected  # carried by the error: nothing was written
        assert len(report_rows) + n_duplicates == len(frame)
        return
    except CustomerDataError as error:
        assert unfillable, f"unexpected stop: {error}"
        return
    assert not unfillable
    report = outputs["data_quality_report"]
    assert report["rows_read"] == len(frame)
    assert report["rows_read"] == report["rows_out"] + report["rows_rejected"] + report["duplicates_removed"]
    assert report["duplicates_removed"] == n_duplicates
    assert set(outputs["model_input_customers"]["customer_id"]) == valid_ids
    rejected = outputs["rejected_customers"]
    assert set(rejected["customer_id"]) == set(kinds) - valid_ids
    assert rejected["rejection_reason"].str.len().gt(0).all()
