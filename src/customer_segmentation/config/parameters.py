"""Every parameter the project knows, with its type and bounds: one declaration, checked before any node runs.

``check_parameters`` validates the merged parameters of a run against :class:`Parameters` (pydantic models
that refuse unknown keys) and the feature table against ``features/table.py``'s rules, and raises one
``ConfigurationError`` listing every problem with the file it is in and, for a key that does not exist, the
nearest known one: a typo such as ``clustring:`` or ``clustering.algoritm`` stops the run in seconds instead
of being silently ignored. Nothing in the configuration is ever evaluated.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Literal, get_origin

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, ValidationInfo, field_validator

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features.profiles import OutcomeSetting
from customer_segmentation.validation.order_lines import OrderLog


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class Selection(_Section):
    min_stability: float = Field(0.8, ge=0, le=1)
    min_segment_share: float = Field(0.01, ge=0, lt=0.5)
    strong_silhouette: float = Field(0.5, ge=-1, le=1)
    weak_silhouette: float = Field(0.25, ge=-1, le=1)


class Eda(_Section):
    k_range: tuple[int, int] = (2, 10)
    sweep_sample_size: int = Field(50_000, ge=1)
    silhouette_sample_size: int = Field(10_000, ge=2)
    n_init: int = Field(3, ge=1)
    n_bootstrap: int = Field(5, ge=1)
    random_state: int = 42
    selection: Selection = Selection()

    @field_validator("k_range")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 2 <= value[0] <= value[1]:
            raise ValueError(f"{list(value)} should be [min, max] with 2 <= min <= max, e.g. [2, 10]")
        return value


class Persona(_Section):
    name: str
    traits: dict[str, Literal["low", "high"]]
    action: str | None = None


class Naming(_Section):
    threshold: float = Field(0.5, gt=0)
    max_traits: int = Field(3, ge=1)
    lead: list[str] = []
    personas: list[Persona] = []


class SparkKMeans(_Section):
    max_iter: int = Field(50, ge=1)
    tol: float = Field(1e-4, gt=0)
    init_steps: int = Field(2, ge=1)


class Clustering(_Section):
    algorithm: str = "kmeans"
    random_state: int = 42
    n_init: int = Field(10, ge=1)
    init_sample_size: int | None = Field(100_000, ge=1)
    pca_components: int | None = Field(None, ge=2)
    silhouette_sample_size: int = Field(10_000, ge=2)
    map_sample_size: int = Field(5_000, ge=1)
    borderline_ratio: float = Field(0.9, gt=0, le=1)
    naming: Naming = Naming()
    spark_kmeans: SparkKMeans | None = None

    @field_validator("algorithm")
    @classmethod
    def _known(cls, value: str) -> str:
        from customer_segmentation.segmentation.segmenters import get_segmenter

        try:
            get_segmenter(value)
        except ConfigurationError as error:
            raise ValueError(str(error).split(" (conf/")[0].removeprefix("parameter 'clustering.algorithm' is ")) \
                from None
        return value


class Monitoring(_Section):
    min_batch_rows: int = Field(100, ge=1)
    sample_size: int = Field(100_000, ge=1)
    silhouette_sample_size: int = Field(5_000, ge=2)
    random_state: int = 42
    reference_rows: int = Field(1_000, ge=1)
    wasserstein_threshold: float = Field(0.1, gt=0)
    ks_p_value: float = Field(0.05, gt=0, lt=1)
    psi_watch: float = Field(0.1, gt=0)
    psi_retrain: float = Field(0.25, gt=0)
    drifted_share_retrain: float = Field(0.5, gt=0, le=1)
    distance_watch: float = Field(1.2, gt=0)
    distance_retrain: float = Field(1.5, gt=0)
    silhouette_drop_watch: float = Field(0.1, gt=0)


class Refresh(_Section):
    holdout_share: float = Field(0.1, ge=0, le=0.5)
    holdout_salt: StrictStr = Field("customer-segmentation-control-group", min_length=1)


class Parameters(_Section):
    """The top-level parameters (``conf/<env>/parameters*.yml``)."""

    features: Any = None  # the feature table: checked by features/table.py's own rules
    profile_columns: list[StrictStr] = []
    outcomes: dict[str, OutcomeSetting] = {}
    n_clusters: int | Literal["auto"] = "auto"
    missing_values: Literal["median", "drop"] = "median"
    rare_category_share: float = Field(0.01, ge=0, lt=1)
    id_column: str | None = "auto"
    transactions: OrderLog | None = None  # an order log's headers (validation/order_lines.py): read by `orders`
    # Given on the command line (`--params NAME=...`) and read by the catalogs through ${runtime_params:NAME}:
    batch_path: str | None = None  # conf/base/catalog_monitoring.yml: the batch monitoring scores
    customers_path: str | None = None  # conf/scale, conf/spark: the customer file to read
    spark_master: str | None = None  # conf/spark/spark.yml: the Spark master URL
    transactions_path: str | None = None  # conf/spark/catalog.yml: the order log Spark reads
    eda: Eda = Eda()
    clustering: Clustering = Clustering()
    monitoring: Monitoring = Monitoring()
    refresh: Refresh = Refresh()

    @field_validator("transactions_path")
    @classmethod
    def _order_log_path_needs_its_mapping(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("transactions") is None:
            raise ValueError("it names an order log, but this environment has no `transactions:` mapping of its "
                             "headers, so the log would not be read: run an order-log environment (e.g. --env "
                             "retail_spark), or pass a customer file with customers_path")
        return value

    @field_validator("n_clusters")
    @classmethod
    def _at_least_two(cls, value: int | str) -> int | str:
        if isinstance(value, int) and value < 2:
            raise ValueError(f"{value} segments: use auto or a whole number of at least 2")
        return value


def check_parameters(parameters: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    """Raises one ``ConfigurationError`` listing every problem of ``parameters``.

    Args:
        parameters: The run's parameters, merged as Kedro gives them.
        sources: ``{top-level key: the file that set it}`` (``ProjectConfigLoader.parameter_sources``).
    """
    problems = []
    try:
        Parameters.model_validate(dict(parameters))
    except ValidationError as errors:
        problems = [_describe(error, sources) for error in errors.errors()]
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise ConfigurationError(f"the parameters have {len(problems)} problem(s):\n{lines}")


def check_algorithm_fits_features(table: Any, algorithm: Any, sources: Mapping[str, str]) -> None:
    """Raises one ``ConfigurationError`` when ``clustering.algorithm`` cannot segment on the feature table's kinds of
    features: categories (``type: category``) with a segmenter of numbers, or a segmenter of numbers and
    categories without both.

    Args:
        table: The feature table (``features.FeatureTable``).
        algorithm: ``clustering.algorithm``.
        sources: ``{top-level key: the file that set it}``.
    """
    from customer_segmentation.segmentation.segmenters import SEGMENTERS, get_segmenter

    segmenter = get_segmenter(algorithm)
    where = f"({sources.get('features', 'conf/base/parameters.yml')})"
    clustering = sources.get("clustering", "conf/base/parameters_clustering.yml")
    setting = f"clustering.algorithm '{segmenter.name}' ({clustering})"
    mixed = " or ".join(f"algorithm: {s.name}" for s in SEGMENTERS.values() if s.mixed)
    categories = [feature.name for feature in table.categorical]
    columns = ", ".join(feature.column for feature in table.categorical)
    if categories and not segmenter.mixed:
        raise ConfigurationError(
            f"feature(s) {', '.join(categories)} {where} are type: category, and {setting} segments on numbers "
            f"only. Either set clustering.{mixed} to segment on numbers and categories together, or move "
            f"{columns} from 'features' to 'profile_columns' to describe the segments by them without segmenting "
            "on them"
        )
    if segmenter.mixed and (not categories or not table.numeric):
        missing = "type: category feature" if not categories else "number feature"
        raise ConfigurationError(
            f"{setting} segments on numbers and categories together, but the feature table {where} has no "
            f"{missing}: add one, or use an algorithm for numbers only "
            f"({', '.join(s.name for s in SEGMENTERS.values() if not s.mixed)})"
        )


def _describe(error: dict[str, Any], sources: Mapping[str, str]) -> str:
    location = [str(part) for part in error["loc"]]
    key = ".".join(location)
    where = sources.get(location[0], "the parameters")
    if error["type"] == "extra_forbidden":
        model = _model_at(location[:-1])
        known = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(location[-1], known, n=1)
        hint = f" (did you mean '{'.'.join([*location[:-1], close[0]])}'?)" if close else ""
        return (f"unknown setting '{key}' in {where}{hint}; the settings there are "
                f"{', '.join(known) if known else 'none'}")
    value = error.get("input")
    message = error["msg"].removeprefix("Value error, ")
    return f"{key} in {where}: {message} (got {value!r})"


def _model_at(path: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Parameters
    keyed = False  # the last field was a table of entries (``outcomes``): the next part is an entry's name
    for part in path:
        if keyed:
            keyed = False
            continue
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        keyed = get_origin(annotation) is dict
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return model
