"""What ``hookfast-bench`` writes to ``--output-dir``: ``bench-results.json`` and ``bench-results.png``."""

from __future__ import annotations

import datetime
import json
import platform

import hookfast
from hookfast.bench import scenarios
from hookfast.bench.report import fmt_ns, shown

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any

    from hookfast.bench.collect import Measurements

__all__ = ["document", "write", "write_chart"]

#: Bar colour per implementation: greys for the baselines (naive: the runner scenarios'), blues for hookfast.
_COLORS = {
    "plain": "#9e9e9e",
    "hand": "#616161",
    "naive": "#bdbdbd",
    "python": "#4c9be8",
    "cython": "#1a5fb4",
    "onetl": "#e66100",
    "pluggy": "#2ec27e",
}


def document(
    header: list[str],
    versions: dict[str, str | None],
    settings: dict[str, Any],
    measured: Measurements,
    table: dict[str, dict[str, Any]],
    checks: list[dict[str, Any]],
) -> dict[str, Any]:
    """The JSON document: the run's settings and environment, every measurement and verdict.

    Args:
        header: the report's header lines.
        versions: the optional distributions' versions.
        settings: ``samples``, ``sample_time`` and ``quick``.
        measured: the workers' results and the import times.
        table: the comparison table (see :func:`hookfast.bench.compare.compare`).
        checks: the SPEC §8 verdicts.
    """
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "header": header,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "hookfast": {"version": hookfast.__version__, "backend": hookfast.BACKEND, "file": hookfast.__file__},
        "versions": versions,
        "settings": settings,
        "scenarios": {name: scenarios.describe(name) for name in table},
        "import_time": {
            "default": measured.import_time,
            "no_extensions": measured.import_time_python,
            "breakdown": measured.breakdown,
        },
        "table": table,
        "targets": checks,
        "errors": measured.errors,
        "workers": measured.workers,
    }


def write(
    output_dir: Path,
    document: dict[str, Any],
    table: dict[str, dict[str, Any]],
    implementations: Sequence[str],
) -> str:
    """Write ``bench-results.json`` and the chart into ``output_dir`` (created if missing).

    Returns:
        The line saying what was written (no chart without matplotlib).
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "bench-results.json"
    json_path.write_text(json.dumps(document, indent=2))
    png_path = output_dir / "bench-results.png"
    title = (
        f"hookfast {hookfast.__version__} dispatch, ns/call (min of {document['settings']['samples']}), "
        f"Python {platform.python_version()}"
    )
    if write_chart(table, implementations, png_path, title):
        return f"\nwrote {json_path} and {png_path}"
    return f"\nwrote {json_path}; matplotlib is not importable, so no chart"


def write_chart(
    table: dict[str, dict[str, Any]], implementations: Sequence[str], path: Path, title: str
) -> bool:
    """Grouped bar chart of ns/call, log scale (matplotlib, Agg). Returns False if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed, and no GUI backend picked up from the environment
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    columns = shown(table, implementations)
    scenario_names = list(table)
    width = 0.8 / max(1, len(columns))
    figure, axes = plt.subplots(figsize=(max(8.0, 1.9 * len(scenario_names)), 6.0), dpi=110)
    for index, name in enumerate(columns):
        xs, heights = [], []
        for position, scenario in enumerate(scenario_names):
            value = table[scenario]["ns"].get(name)
            if value is not None:
                xs.append(position + (index - (len(columns) - 1) / 2) * width)
                heights.append(value)
        bars = axes.bar(xs, heights, width=width, label=name, color=_COLORS.get(name))
        for bar, value in zip(bars, heights):
            axes.annotate(
                fmt_ns(value),
                (bar.get_x() + bar.get_width() / 2, value),
                ha="center",
                va="bottom",
                fontsize=6.5,
                rotation=90,
                xytext=(0, 2),
                textcoords="offset points",
            )
    axes.set_yscale("log")
    axes.set_ylabel("ns per call (log scale, lower is better)")
    axes.set_xticks(range(len(scenario_names)))
    axes.set_xticklabels(scenario_names, rotation=15, ha="right")
    axes.set_title(title, fontsize=10)
    axes.grid(axis="y", which="both", alpha=0.25)
    axes.set_ylim(top=axes.get_ylim()[1] * 4)
    axes.legend(ncol=len(columns), loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True
