"""What a trained model carries besides its numbers: the feature table it was trained with and its segment names.

Stored as plain attributes of the fitted ``Pipeline`` (``feature_table_``: the table as configuration,
``segment_names_``: one name per segment id, ``borderline_ratio_``: see ``explain.py``, for a model with
category features ``category_groups_``: the rare categories data_processing grouped as "Other", and for a model
trained on an order log ``order_log_``: the log's ``transactions`` mapping), so they travel with the model wherever
it is saved (the versioned file in ``data/06_models``, the MLflow registry) and use only built-in types. The app
validates uploads, aggregates uploaded order logs and builds its form from them, not from the project's current
parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sklearn.pipeline import Pipeline

from customer_segmentation.features import FeatureTable
from customer_segmentation.features.categories import OTHER
from customer_segmentation.segmentation.segmenters import SEGMENTERS, segmenter_of
from customer_segmentation.segmentation.space import known_categories, model_features
from customer_segmentation.validation.order_lines import OrderLog, read_order_log_spec

#: The steps every segmentation model has before its segmenter (``segmentation/model.py``).
MODEL_STEPS = ("select", "scaler", "pca")
# A customer is borderline when own / runner-up distance reaches this (``clustering.borderline_ratio``).
DEFAULT_BORDERLINE_RATIO = 0.9
TABLE_ATTRIBUTE = "feature_table_"
NAMES_ATTRIBUTE = "segment_names_"
BORDERLINE_ATTRIBUTE = "borderline_ratio_"
GROUPS_ATTRIBUTE = "category_groups_"
ORDER_LOG_ATTRIBUTE = "order_log_"


def attach_contract(model: Pipeline, table: FeatureTable, segment_names: list[str] | None = None,
                    borderline_ratio: float | None = None,
                    category_groups: Mapping[str, Sequence[str]] | None = None,
                    order_log: OrderLog | Mapping[str, Any] | None = None) -> Pipeline:
    """Stores ``table`` (and the segment names, borderline ratio, the categories grouped as Other per category
    feature and the order log's mapping, if given) in ``model``; returns the model."""
    if table.names != model_features(model):
        raise ValueError(f"the feature table {table.names} does not match the model's features {model_features(model)}")
    setattr(model, TABLE_ATTRIBUTE, table.to_config())
    if segment_names is not None:
        k = n_segments(model)
        if len(segment_names) != k:
            raise ValueError(f"{len(segment_names)} segment names for a model with {k} segments")
        setattr(model, NAMES_ATTRIBUTE, [str(name) for name in segment_names])
    if borderline_ratio is not None:
        setattr(model, BORDERLINE_ATTRIBUTE, float(borderline_ratio))
    if category_groups is not None:
        setattr(model, GROUPS_ATTRIBUTE, {str(feature): [str(category) for category in categories]
                                           for feature, categories in category_groups.items()})
    if order_log is not None:  # JSON types: dates as ISO text, ids as they were configured
        setattr(model, ORDER_LOG_ATTRIBUTE, read_order_log_spec(order_log).model_dump(mode="json"))
    return model


def model_problems(model: object) -> list[str]:
    """Why ``model`` is not a segmentation model the project can serve (its steps, its segmenter, its feature
    table), in words; empty when it is one. A valid scikit-learn pipeline of another shape is refused here, not
    with an ``AttributeError`` half-way through scoring."""
    steps = getattr(model, "named_steps", None)
    if steps is None:
        return [f"a {type(model).__name__}, not a scikit-learn Pipeline"]
    problems = [f"no '{step}' step" for step in MODEL_STEPS if step not in steps]
    try:
        segmenter_of(model)
    except (ValueError, TypeError, IndexError):
        problems.append(f"its last step is not a segmenter ({', '.join(SEGMENTERS)})")
    if not hasattr(model, "predict"):
        problems.append("it cannot predict")
    if not problems:
        try:
            model_table(model)
            n_segments(model)
        except Exception as error:  # noqa: BLE001 - any failure means the same: not one of ours
            problems.append(f"its features and segments cannot be read: {type(error).__name__}: {error}")
    return problems


def model_table(model: Pipeline) -> FeatureTable:
    """The feature table the model was trained with.

    A model saved before models carried their table gets one built from its feature names
    (labels from the names, no units or ranges).
    """
    config = getattr(model, TABLE_ATTRIBUTE, None)
    return FeatureTable.from_config(config if config is not None else model_features(model), where="the model")


def model_segment_names(model: Pipeline) -> list[str] | None:
    """One name per segment id, or None when the model was saved without them."""
    names = getattr(model, NAMES_ATTRIBUTE, None)
    return None if names is None else [str(name) for name in names]


def model_order_log(model: Pipeline) -> OrderLog | None:
    """The ``transactions`` mapping of the order log the model was trained on; None for a customer file's model
    (or one saved before models carried it)."""
    config = getattr(model, ORDER_LOG_ATTRIBUTE, None)
    return None if config is None else read_order_log_spec(config)


def readable_categories(model: Pipeline) -> dict[str, dict[str, str]]:
    """Per category feature, every category the model reads and the category it stands for in the model: its
    known categories as themselves, the rare ones of training as Other. Empty for a model of numbers."""
    groups = getattr(model, GROUPS_ATTRIBUTE, None) or {}
    readable = {}
    for feature, known in known_categories(model).items():
        readable[feature] = {category: category for category in known}
        readable[feature].update({rare: OTHER for rare in groups.get(feature, ()) if OTHER in known})
    return readable


def model_borderline_ratio(model: Pipeline) -> float:
    """Own / runner-up distance from which a customer is borderline (``segmentation/explain.py``)."""
    return float(getattr(model, BORDERLINE_ATTRIBUTE, DEFAULT_BORDERLINE_RATIO))


def segment_names(model: Pipeline) -> list[str]:
    """One name per segment id: the model's own, else ``Segment <id>``."""
    return model_segment_names(model) or [f"Segment {i}" for i in range(n_segments(model))]


def n_segments(model: Pipeline) -> int:
    """How many segments the model has."""
    return segmenter_of(model).n_segments(model[-1])
