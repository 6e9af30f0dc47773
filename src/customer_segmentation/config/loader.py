"""Kedro's OmegaConfigLoader, with one data set per environment.

A Kedro environment (``conf/<env>/``, ``kedro run --env <env>``) holds one data set's configuration beside the
demo's in ``conf/base/``:

* **The tables replace, the settings merge.** An environment's ``features`` (dict or list form) replaces base's
  table as a whole, and so do the other keys of :data:`REPLACED` (a data set's columns are its own); every
  other parameter merges key by key (``clustering: {algorithm: gmm}`` changes one setting and keeps the rest).
  OmegaConf's merge alone cannot do both: it merges ``features`` key by key (base's ``savings`` could never be
  removed) and refuses a list in place of a dict.
* **Outputs of their own.** Globals gain ``data_root`` (``data`` for the default environment, ``data/<env>`` for
  any other) and ``model_name`` (``customer_segmentation``, or ``customer_segmentation_<env>``), which the
  catalog and ``mlflow.yml`` use: each data set writes its own files, MLflow experiment and registered model.
  An environment's ``globals.yml`` may set either itself.
* **Where each setting came from.** :meth:`ProjectConfigLoader.parameter_sources` names the file that set each
  top-level parameter, for messages.
* **A file that cannot be read says which.** Invalid YAML, or YAML whose aliases would expand without end (a
  "billion laughs", stopped by OmegaConf's node limit), raises one ``ConfigurationError`` naming the file and the
  line, not a parser traceback.

Only public Kedro API is used: another loader per environment, and ``loader["globals"] = ...``.
"""

from __future__ import annotations

import fnmatch
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from kedro.config import MissingConfigException, OmegaConfigLoader
from omegaconf import OmegaConf

from customer_segmentation.errors import ConfigurationError

#: Parameters an environment replaces whole instead of merging key by key.
REPLACED = ("features", "profile_columns", "outcomes", "transactions")
PROJECT_NAME = "customer_segmentation"
_EXTENSIONS = (".yml", ".yaml", ".json")


class ProjectConfigLoader(OmegaConfigLoader):
    """``OmegaConfigLoader`` whose environments are data sets (see the module docstring)."""

    def __init__(self, conf_source: str, env: str | None = None, runtime_params: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        self._options = dict(kwargs)
        super().__init__(conf_source, env=env, runtime_params=runtime_params, **kwargs)

    @property
    def run_env(self) -> str:
        """The environment this loader reads beside base (``local`` when none was given)."""
        return self.env or self.default_run_env or self.base_env

    @property
    def is_default(self) -> bool:
        """Whether this is the default data set (the demo's, base only or ``local``)."""
        return self.run_env in (self.base_env, self.default_run_env)

    def __getitem__(self, key: str) -> dict[str, Any]:
        try:
            return self._get(key)
        except yaml.YAMLError as error:
            raise ConfigurationError(unreadable_yaml(error, Path(self.conf_source))) from error

    def _get(self, key: str) -> dict[str, Any]:
        if key == "globals":
            return self._globals_now()
        self._own_globals()
        if key == "parameters" and key not in self and not self.is_default:
            parameters = self._parameters()
            self._own_globals()  # the loaders of each folder registered theirs
            return parameters
        return super().__getitem__(key)

    def _own_globals(self) -> None:
        """``${globals:...}`` resolved with this loader's globals: OmegaConf keeps one resolver per name for the
        whole process, and the last loader created (another environment's, say) would otherwise answer."""
        values = OmegaConf.create(self._globals_now())
        missing = object()

        def resolve(variable: str, default: Any = missing) -> Any:
            found = OmegaConf.select(values, variable, default=missing)
            if found is not missing:
                return found
            if default is not missing:
                return default
            raise KeyError(f"globals key '{variable}' not found and no default value given")

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # OmegaConf's notice about the resolver API's name
            OmegaConf.register_new_resolver("globals", resolve, replace=True)

    def _globals_now(self) -> dict[str, Any]:
        if "globals" in self.data:  # set explicitly: loader["globals"] = ...
            return dict(self.data["globals"])
        return {**self._defaults(), **self._read_or_empty(super().__getitem__, "globals")}

    def _defaults(self) -> dict[str, Any]:
        env = self.run_env
        return {"data_root": "data" if self.is_default else f"data/{env}",
                "model_name": PROJECT_NAME if self.is_default else f"{PROJECT_NAME}_{env}",
                "data_set": "demo" if self.is_default else env}

    @staticmethod
    def _read_or_empty(read: Any, key: str) -> dict[str, Any]:
        try:
            return dict(read(key))
        except MissingConfigException:
            return {}

    def _alone(self, env: str) -> dict[str, Any]:
        """The parameters of ``env``'s folder alone, resolved with this loader's globals and runtime parameters."""
        options = {k: v for k, v in self._options.items() if k not in ("base_env", "default_run_env")}
        loader = OmegaConfigLoader(self.conf_source, env=env, runtime_params=self.runtime_params, base_env=env,
                                   default_run_env=env, **options)
        loader["globals"] = self["globals"]
        return self._read_or_empty(loader.__getitem__, "parameters")

    def _parameters(self) -> dict[str, Any]:
        base, own = self._alone(self.base_env), self._alone(self.run_env)
        defined = set(self.parameter_sources(only_env=True))
        merged = dict(base)
        for key in defined:
            if key in REPLACED or not (isinstance(base.get(key), Mapping) and isinstance(own.get(key), Mapping)):
                merged[key] = own[key]
            else:
                merged[key] = OmegaConf.to_container(OmegaConf.merge(base[key], own[key]))
        return merged

    def parameter_files(self, env: str) -> list[Path]:
        """The parameter files of ``env``'s folder, as the loader's patterns find them."""
        folder = Path(self.conf_source) / env
        patterns = self.config_patterns["parameters"]
        found = []
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            relative = path.relative_to(folder).as_posix()
            if path.suffix in _EXTENSIONS and not any(p.startswith(".") for p in path.relative_to(folder).parts) \
                    and any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
                found.append(path)
        return found

    def parameter_sources(self, only_env: bool = False) -> dict[str, str]:
        """``{top-level parameter: the file that sets it}`` (relative to the project), the environment's file
        winning over base's."""
        envs = [self.run_env] if only_env else [self.base_env, self.run_env]
        sources: dict[str, str] = {}
        for env in dict.fromkeys(envs):
            for path in self.parameter_files(env):
                for key in _top_level_keys(path):
                    sources[key] = (Path(self.conf_source).name + "/" +
                                    path.relative_to(Path(self.conf_source)).as_posix())
        return sources


def unreadable_yaml(error: yaml.YAMLError, conf_source: Path) -> str:
    """One line naming the configuration file ``error`` comes from, its line and what to do."""
    mark = getattr(error, "problem_mark", None)
    problem = str(getattr(error, "problem", None) or error).strip().splitlines()[0]
    path = _failing_file(conf_source, type(error), problem) if mark is not None else None
    if path is None:  # Kedro's own re-raised ParserError names the file itself
        return f"a configuration file under {conf_source.name}/ cannot be read: {problem}"
    where = f"{conf_source.name}/{path.relative_to(conf_source).as_posix()}, line {mark.line + 1}"
    if "expansion exceeds" in problem:
        return (f"{where}: its YAML aliases expand to more nodes than allowed ({problem.split('. ')[0]}): write the "
                "values out instead of repeating aliases of aliases")
    return f"{where}: {problem}; fix the YAML there"


def _failing_file(conf_source: Path, kind: type, problem: str) -> Path | None:
    """The configuration file that raises the same ``kind`` of error with ``problem`` (Kedro reads the files as
    streams without their names)."""
    for path in sorted(conf_source.rglob("*")):
        if path.suffix not in _EXTENSIONS or not path.is_file():
            continue
        try:
            OmegaConf.load(path)
        except kind as error:
            if str(getattr(error, "problem", None) or error).strip().splitlines()[0] == problem:
                return path
        except Exception:  # noqa: BLE001 - another file's other problem: not the one asked about
            continue
    return None


def _top_level_keys(path: Path) -> list[str]:
    """The top-level keys of a YAML or JSON file (read as data, never run)."""
    try:
        content = OmegaConf.load(path)
    except Exception:  # noqa: BLE001 - a file Kedro cannot read either; Kedro's own error names it
        return []
    return [str(key) for key in content] if OmegaConf.is_dict(content) else []
