"""Hostile feature tables (issue 23, cases 2 and 3): the configuration check refuses each before any node, with a
message naming the file, the problem and the fix. The tables are in ``tests/data/bad_config/``."""

from pathlib import Path

import pytest
import yaml

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import FeatureTable
from customer_segmentation.features.entries import MAX_NAME
from customer_segmentation.io.filenames import MAX_STEM
from customer_segmentation.pipelines.clustering.nodes import audience_name

CASES = Path(__file__).resolve().parents[1] / "data" / "bad_config"


def _refusal(name: str) -> str:
    path = CASES / name
    with pytest.raises(ConfigurationError) as error:
        FeatureTable.from_config(yaml.safe_load(path.read_text())["features"], where=str(path))
    message = str(error.value)
    assert f"(parameter 'features' in {path}) has 1 problem(s)" in message
    return message


def test_a_date_format_with_a_directive_that_does_not_exist_is_refused():
    assert ("features.age: date_format '%Q-%m' has '%Q', which is not a directive of a date (write it as a strftime "
            'pattern, e.g. "%d-%m-%Y"') in _refusal("date_format_bad_directive.yml")


def test_a_date_format_that_is_not_text_is_refused():
    assert 'features.tenure: date_format should be text; got 5; write it as a strftime pattern, e.g. "%d-%m-%Y"' \
        in _refusal("date_format_not_text.yml")


def test_a_date_format_that_works_is_kept():
    table = FeatureTable.from_config({"x": {}, "age": {"derive": "years_since", "column": "b",
                                                       "date_format": "%d/%m/%Y %H:%M"}})
    assert table["age"].date_format == "%d/%m/%Y %H:%M"


def test_an_empty_feature_name_is_refused():
    assert "features: a feature has an empty name; name it with letters, digits and underscores (e.g. annual_income)" \
        in _refusal("feature_name_empty.yml")


def test_a_feature_name_with_path_characters_is_refused_with_a_plain_suggestion():
    assert ("features: the name '../../etc/passwd' (16 characters) is not a plain name: use letters, digits and "
            f"underscores, starting with a letter, at most {MAX_NAME} characters (e.g. etc_passwd)") \
        in _refusal("feature_name_path.yml")


def test_a_300_character_feature_name_is_refused():
    message = _refusal("feature_name_too_long.yml")
    assert "(300 characters) is not a plain name" in message and f"at most {MAX_NAME} characters" in message


def test_a_300_character_naming_word_is_refused():
    assert "features.spending_score: 'low' is 303 characters long; keep it under 100 (it names segments, charts and " \
           "files)" in _refusal("naming_word_too_long.yml")


def test_file_names_built_from_segment_names_stay_short_and_plain():
    name = audience_name(3, "thrifty " * 40 + "shoppers / ../../etc")
    assert len(name) <= len("segment_3_") + MAX_STEM and "/" not in name and ".." not in name
    assert name != audience_name(3, "thrifty " * 40 + "spenders")
