"""What the last run found, in a dozen lines: ``python -m customer_segmentation.summary`` (the end of ``make run``),
and ``--refresh`` for the last refresh (the end of ``make refresh``).

It reads what the run wrote, where the catalog says it is (the data quality report, the k selection,
the clustering metrics, the segment profiles; the refresh report), and recomputes nothing: rows read, kept and
rejected, the number of segments and why, the silhouette, each segment's name and size, where the outputs are,
and how to open the app. A refresh: rows, customers stayed, moved, new and departed, each segment's movement,
the control group, the drift alert and the files to sync.
"""

from __future__ import annotations

import argparse
import csv
import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from customer_segmentation.catalog_paths import entry_path
from customer_segmentation.features.units import format_share

# (what a user calls it, catalog entry) for the "Outputs" list.
OUTPUTS = (
    ("clean data", "model_input_customers"),
    ("rejected rows", "rejected_customers"),
    ("data quality", "data_quality_report"),
    ("segments", "customer_segments"),
    ("segment profiles", "segment_profiles"),
    ("outcome rates", "segment_outcomes"),
    ("model", "segmentation_model"),
    ("reports (PNG)", "clustering_metrics"),  # the folder of every report
)
REFRESH_OUTPUTS = (
    ("customers", "refreshed_customers"),
    ("departed", "departed_customers"),
    ("movement", "segment_movement"),
    ("audience changes", "audience_changes"),  # a folder: added/, removed/, full/
    ("rejected rows", "refresh_rejected_customers"),
    ("rejected lines", "batch_rejected_order_lines"),  # next month's order log (an order-log environment)
    ("drift report", "drift_report"),
    ("size history", "segment_history"),
)
REASONS_SHOWN = 3


def catalog_paths(project: Path, env: str | None = None) -> dict[str, str]:
    """Each catalog entry's file path (a wrapped dataset's own), as ``kedro run --env env`` sees the catalog."""
    from customer_segmentation.config.loader import ProjectConfigLoader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OmegaConf's deprecation notices: not the user's business here
        loader = ProjectConfigLoader(str(project / "conf"), env=env, base_env="base", default_run_env="local")
        catalog = loader["catalog"]
    paths = {name: entry_path(entry) for name, entry in catalog.items()}
    return {name: path for name, path in paths.items() if path and "{" not in path}


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _profiles(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _most_likely(project: Path, paths: Mapping[str, str]) -> list[str]:
    """"Most likely to <outcome>: <segment> (42 % (39-45 %) vs 27 % overall)", one line per outcome."""
    path = project / paths["segment_outcomes"] if "segment_outcomes" in paths else None
    if path is None or not path.exists():
        return []
    from customer_segmentation.segmentation.profiles import most_likely, outcome_words

    import pandas as pd

    rates = pd.read_csv(path)
    if rates.empty:
        return []
    return [f"  most likely {row['label']}: {row['segment_name']}, "
            + outcome_words("", row["rate"], row["rate_low"], row["rate_high"], row["overall_rate"])
            for row in most_likely(rates).values()]


def _row_lines(report: dict[str, Any], kept: str) -> list[str]:
    """What happened to the rows of a data quality report (``kept`` or ``scored``), and the rejections by reason."""
    lines = [f"  rows       {report['rows_read']:,} read, {report['rows_out']:,} {kept}, {report['rows_rejected']:,} "
             f"rejected, {report['duplicates_removed']:,} duplicates removed"]
    rejected = _rejected_line(report.get("rejections_by_reason", {}))
    return lines + ([rejected] if rejected else [])


def _rejected_line(rejections: Mapping[str, int]) -> str | None:
    reasons = sorted(rejections.items(), key=lambda item: -item[1])
    shown = "; ".join(f"{reason} ({count:,})" for reason, count in reasons[:REASONS_SHOWN])
    more = f"; {len(reasons) - REASONS_SHOWN} more kinds" if len(reasons) > REASONS_SHOWN else ""
    return f"  rejected   {shown}{more}" if shown else None


def _order_lines(project: Path, paths: Mapping[str, str]) -> list[str]:
    """The order log's level of the report (an environment reading an order log): lines, then customers."""
    path = project / paths["order_log_report"] if "order_log_report" in paths else None
    if path is None or not path.exists():
        return []
    return _line_lines(_read_json(path))


def _line_lines(report: Mapping[str, Any]) -> list[str]:
    """What happened to the lines of an order log report, and the rejections by reason."""
    lines = [f"  lines      {report['lines_read']:,} order lines read, {report['lines_kept']:,} kept "
             f"({report['return_lines']:,} returns netted), {report['lines_rejected']:,} rejected, "
             f"{report['duplicates_removed']:,} duplicates removed -> {report['customers_out']:,} customers"]
    rejected = _rejected_line(report.get("rejections_by_reason", {}))
    return lines + ([rejected] if rejected else [])


def summarise(project: Path, paths: Mapping[str, str], app_url: str, env: str | None = None) -> str:
    """The summary of the run whose outputs are at ``paths`` (relative to ``project``)."""
    quality = _read_json(project / paths["data_quality_report"])
    selection = _read_json(project / paths["k_selection"])
    metrics = _read_json(project / paths["clustering_metrics"])
    profiles = _profiles(project / paths["segment_profiles"])

    lines = ["Result of the last run:", *_order_lines(project, paths), *_row_lines(quality, "kept")]
    lines += [
        f"  segments   k = {metrics['k']} ({selection['method']}, {selection['structure']} structure): "
        f"{selection['reason']}",
        f"  silhouette {metrics['silhouette']:.2f} (on {metrics['silhouette_sample_size']:,} customers; "
        "-1 to 1, higher is better)",
    ]
    width = max(len(p["segment_name"]) for p in profiles) if profiles else 0
    for profile in profiles:
        lines.append(f"    {profile['segment_id']:>2}  {profile['segment_name']:<{width}}  "
                     f"{int(float(profile['size'])):>9,} customers ({format_share(float(profile['share']))})")
    lines += _most_likely(project, paths)
    lines.append("Outputs:")
    for label, name in OUTPUTS:
        if name in paths:
            path = Path(paths[name])
            shown_path = path.parent.as_posix() + "/" if label == "reports (PNG)" else path.as_posix()
            lines.append(f"  {label:<17} {shown_path}")
    lines += [
        f"  {'MLflow runs':<17} mlflow.db (make mlflow-ui)",
        f"  {'full log':<17} logs/kedro_run.log",
        f"Open the app: make app{f' ENV={env}' if env else ''}, then {app_url}",
    ]
    return "\n".join(lines)


def _batch_lines(report: Mapping[str, Any]) -> list[str]:
    """Next month's order log: its lines, and the dates the customers' features were computed from."""
    return [*_line_lines(report),
            f"  window     orders {report['first_order_date']} to {report['last_order_date']} "
            f"({report['days_covered']:,} days), snapshot {report['snapshot_date']}: each customer's features are "
            "computed from this file's lines alone"]


def summarise_refresh(project: Path, paths: Mapping[str, str], app_url: str, env: str | None = None) -> str:
    """The summary of the last refresh (its report at ``paths["refresh_report"]``, relative to ``project``)."""
    report = _read_json(project / paths["refresh_report"])
    rows, customers, holdout = report["rows"], report["customers"], report["holdout"]
    lines = [f"Refresh of {report['batch']}, compared with {report['compared_with']}:"]
    if report.get("model_changed"):
        lines.append("  (the model was retrained since the last refresh: compared with the customers it was trained "
                     "on, as two models' segment ids need not mean the same segments)")
    if report["repeat"]:
        lines.append("  (the same batch as the last refresh: compared again with the snapshot before it, so the "
                     "results are those of its first refresh, and the size history keeps one point for it)")
    lines += _batch_lines(report["order_lines"]) if "order_lines" in report else []
    lines += _row_lines(rows, "scored")
    lines += [
        f"  customers  {customers['scored']:,} scored: {customers['stayed']:,} stayed, {customers['moved']:,} moved, "
        f"{customers['new']:,} new; {customers['departed']:,} departed (of {customers['previous']:,} before)",
        f"  holdout    {holdout['customers']:,} customers ({holdout['share'] * 100:.1f} %) in the control group "
        f"(refresh.holdout_share {holdout['setting']})",
        f"  alert      {report['alert'].replace('_', ' ')}: {report['reason']}",
    ]
    segments = report["segments"]
    width = max([len(s["segment_name"]) for s in segments] + [7])
    columns = ("before", "after", "stayed", "moved_in", "moved_out", "new", "departed")
    lines.append(f"    {'':>2}  {'segment':<{width}}  " + "  ".join(f"{c.replace('_', ' '):>9}" for c in columns))
    for segment in segments:
        lines.append(f"    {segment['segment_id']:>2}  {segment['segment_name']:<{width}}  "
                     + "  ".join(f"{segment[c]:>9,}" for c in columns))
    lines.append("Files:")
    for label, name in REFRESH_OUTPUTS:
        if name in paths and (name != "batch_rejected_order_lines" or "order_lines" in report):
            path = Path(paths[name]).as_posix()
            shown = f"{path}/ (added/, removed/, full/: one file per segment)" if name == "audience_changes" else path
            lines.append(f"  {label:<17} {shown}")
    lines.append(f"See the movement on the app's Monitoring page: make app{f' ENV={env}' if env else ''}, "
                 f"then {app_url}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    parser.add_argument("--env", default=None, help="the configuration environment the run used")
    parser.add_argument("--app-url", default="http://127.0.0.1:8501", help="where `make app` serves the app")
    parser.add_argument("--refresh", action="store_true", help="summarise the last refresh (make refresh)")
    args = parser.parse_args(argv)
    paths = catalog_paths(args.project, args.env)
    if args.refresh:
        try:
            print(summarise_refresh(args.project, paths, args.app_url, args.env))
        except (OSError, KeyError, ValueError) as error:
            raise SystemExit(f"no refresh to summarise ({error}): run `make refresh BATCH=<file>` first") from None
        return
    try:
        print(summarise(args.project, paths, args.app_url, args.env))
    except (OSError, KeyError, ValueError) as error:
        raise SystemExit(f"no complete run to summarise ({error}): run `make run` first") from None


if __name__ == "__main__":
    main()
