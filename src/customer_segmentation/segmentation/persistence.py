"""Saving and loading the segmentation model in a format that cannot run code: skops.

A pickle runs whatever code it names when it is loaded, so a tampered model file would run code in
the app. skops stores the model as data and, when loading, refuses every type that is not on its
list of safe scikit-learn, NumPy and built-in types, plus ``TRUSTED_TYPES`` (the k-prototypes estimator
and the two kmodes distance functions it holds, nothing else): any other type is reported, never loaded.
Files are written to a temporary name and renamed, so a reader never sees half a model.
"""

from __future__ import annotations

from pathlib import Path

from sklearn.pipeline import Pipeline

from customer_segmentation.io.atomic import written_in_place

# Types trusted beyond skops' own safe list (scikit-learn estimators, NumPy arrays, built-ins): what a fitted
# k-prototypes step holds (kmodes, pinned in requirements.lock). Names, not patterns: nothing else of kmodes.
TRUSTED_TYPES: list[str] = [
    "kmodes.kprototypes.KPrototypes",
    "kmodes.util.dissim.euclidean_dissim",
    "kmodes.util.dissim.matching_dissim",
    # transform: log (model.py's select step): the two NumPy functions, nothing else of NumPy beyond skops' list.
    "numpy.log1p",
    "numpy.expm1",
]


class UnsafeModelFileError(ValueError):
    """A model file that holds types outside the trusted list, or is not a segmentation model."""


def save_model(model: Pipeline, path: str | Path) -> None:
    """Writes ``model`` to ``path`` with skops, atomically (``customer_segmentation.io.atomic``)."""
    import skops.io as sio

    with written_in_place(Path(path)) as temporary:
        sio.dump(model, temporary)


def load_model(path: str | Path) -> Pipeline:
    """Reads a model written by :func:`save_model`, refusing any type outside the trusted list.

    Raises:
        UnsafeModelFileError: the file names types that are not trusted, or holds no ``Pipeline``.
        FileNotFoundError: no such file.
    """
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
    except Exception as error:  # not a skops file at all
        raise UnsafeModelFileError(f"{path} is not a skops model file ({type(error).__name__}: {error})") from error
    if untrusted:
        raise UnsafeModelFileError(f"{path} holds types that are not trusted and was not loaded: {untrusted}")
    model = sio.load(path, trusted=TRUSTED_TYPES)
    if not isinstance(model, Pipeline):
        raise UnsafeModelFileError(f"{path} holds a {type(model).__name__}, not a scikit-learn Pipeline")
    return model
