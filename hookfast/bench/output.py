"""What ``hookfast-bench`` writes to ``--output-dir``: ``bench-results.json`` and ``bench-results.png``.

The JSON holds every Python's document (see :mod:`hookfast.bench.measure`) under ``pythons``, and
the targets table they were checked against. The chart shows, per scenario, the ratio that matters
(see :func:`hookfast.bench.report.headline`), one bar per Python, with each bar's target drawn.
"""

from __future__ import annotations

import datetime
import json

import hookfast
from hookfast.bench.compare import figure
from hookfast.bench.report import headline
from hookfast.bench.targets import TARGETS

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

__all__ = ["results", "write", "write_chart", "write_chart_only"]

#: One colour per Python version, in the order measured.
_PALETTE = ("#1a5fb4", "#e66100", "#26a269", "#9141ac", "#865e3c", "#5e5c64")

_FAIL = "#c01c28"


def results(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON written: the documents, each with a unique ``label`` (its Python version), and the targets."""
    seen: dict[str, int] = {}
    for document in documents:
        version = str(document["python"])
        seen[version] = seen.get(version, 0) + 1
        document["label"] = version if seen[version] == 1 else f"{version} ({seen[version]})"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "hookfast": hookfast.__version__,
        "targets_table": [target.as_json() for target in TARGETS],
        "pythons": documents,
    }


def write(output_dir: Path, data: dict[str, Any]) -> str:
    """Write ``bench-results.json`` and the chart into ``output_dir`` (created if missing).

    Returns:
        The line saying what was written (no chart without matplotlib).
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "bench-results.json"
    json_path.write_text(json.dumps(data, indent=2))
    png_path = output_dir / "bench-results.png"
    if write_chart(data, png_path):
        return f"\nwrote {json_path} and {png_path}"
    return f"\nwrote {json_path}; matplotlib is not importable, so no chart"


def write_chart_only(output_dir: Path, data: dict[str, Any]) -> str:
    """Redraw the chart of saved results into ``output_dir``; the line saying what was written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    png_path = output_dir / "bench-results.png"
    if write_chart(data, png_path):
        return f"\nwrote {png_path}"
    return "\nmatplotlib is not importable, so no chart"


def _check(document: dict[str, Any], scenario: str, name: str) -> dict[str, Any] | None:
    """The document's check of figure ``name`` on ``scenario``, if a target limits it there."""
    return next((c for c in document["targets"] if c["scenario"] == scenario and c["figure"] == name), None)


def _bars(
    axes: Any,
    documents: list[dict[str, Any]],
    scenario_names: list[str],
    value_of: Any,
    check_of: Any,
    fmt: str,
) -> float:
    """One group of bars per scenario, one bar per document, each with its target; returns the top value."""
    count = len(documents)
    width = 0.8 / count
    top = 0.0
    for index, document in enumerate(documents):
        color = _PALETTE[index % len(_PALETTE)]
        for position, scenario in enumerate(scenario_names):
            value = value_of(document, scenario)
            if value is None:
                continue
            x = position + (index - (count - 1) / 2) * width
            axes.bar(
                x, value, width=width * 0.92, color=color, label=document["label"] if position == 0 else None
            )
            check = check_of(document, scenario)
            failed = check is not None and check["verdict"] == "FAIL"
            if check is not None and check["limit"] is not None:
                axes.hlines(
                    check["limit"], x - width / 2, x + width / 2, colors="black", linewidth=2.0, zorder=3
                )
                top = max(top, check["limit"])
            limit = check["limit"] if check is not None and check["limit"] is not None else 0.0
            axes.annotate(
                format(value, fmt),
                (x, max(value, limit)),  # above the bar and above its target line
                ha="center",
                va="bottom",
                fontsize=7.5,
                rotation=90 if count > 1 else 0,
                xytext=(0, 3),
                textcoords="offset points",
                color=_FAIL if failed else "black",
                fontweight="bold" if failed else "normal",
            )
            top = max(top, value)
    axes.set_xticks(range(len(scenario_names)))
    axes.set_xlim(-0.6, len(scenario_names) - 0.4)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    return top


def write_chart(data: dict[str, Any], path: Path) -> bool:
    """The chart (matplotlib, Agg): returns False if matplotlib is missing.

    Left: the slot scenarios, hookfast's time divided by hand-written code's (by the plain method's
    where no hook can run), lower is better. Middle: the runner, how many times faster than mmcv's
    loop, higher is better. Right: ``import hookfast`` beyond the standard modules it needs. One
    bar per Python; a black line on a bar is its target, a red figure a failed one.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display needed, and no GUI backend picked up from the environment
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
    except ImportError:
        return False
    documents = [document for document in data["pythons"] if "failed" not in document]
    if not documents:
        return False
    names = list(dict.fromkeys(name for document in documents for name in document["table"]))
    runner = [name for name in names if headline(name) == "naive/cython"]
    slots = [name for name in names if name not in runner]
    panels = [panel for panel in (slots, runner) if panel]
    widths = [max(2.0, 0.55 * len(panel)) if panel is runner else len(panel) for panel in panels] + [1.0]
    figure_, axes_list = plt.subplots(
        1,
        len(panels) + 1,
        figsize=(min(14.5, 4.0 + 0.85 * len(names)), 6.2),
        dpi=110,
        gridspec_kw={"width_ratios": widths},
    )

    def ratio(document: dict[str, Any], scenario: str) -> float | None:
        row = document["table"].get(scenario)
        return None if row is None else figure(row, headline(scenario))

    def check(document: dict[str, Any], scenario: str) -> dict[str, Any] | None:
        return _check(document, scenario, headline(scenario))

    for axes, panel in zip(axes_list, panels):
        top = _bars(axes, documents, panel, ratio, check, ".2f" if panel is slots else ".1f")
        axes.set_ylim(0, top * 1.22)
        if panel is slots:
            axes.axhline(1.0, color="#77767b", linewidth=0.8, linestyle="--", zorder=1)
            axes.set_ylabel("hookfast time ÷ baseline time (lower is better)")
            axes.set_title("slots: ÷ hand-written code (÷ plain method where no hook can run)", fontsize=10)
            labels = [
                f"{name}\n÷ {'plain' if headline(name) == 'cython/plain' else 'hand'}" for name in panel
            ]
        else:
            axes.set_ylabel("mmcv's loop time ÷ hookfast time (higher is better)")
            axes.set_title("runner: \N{MULTIPLICATION SIGN} faster than mmcv's loop", fontsize=10)
            labels = list(panel)
        axes.set_xticklabels(labels, rotation=35, ha="right", fontsize=8, rotation_mode="anchor")

    imports = axes_list[-1]

    def import_ms(document: dict[str, Any], scenario: str) -> float | None:
        value = document["import_time"]["default"].get("ms")
        return None if value is None else float(value)

    def import_check(document: dict[str, Any], scenario: str) -> dict[str, Any] | None:
        return next((c for c in document["targets"] if c["figure"] == "import_ms"), None)

    top = _bars(imports, documents, ["import"], import_ms, import_check, ".1f")
    imports.set_ylim(0, top * 1.22)
    imports.set_xticklabels(["import hookfast"], fontsize=8)
    imports.set_ylabel("ms beyond logging, contextlib, threading")
    imports.set_title("import", fontsize=10)

    handles, labels = axes_list[0].get_legend_handles_labels()
    handles.append(Line2D([], [], color="black", linewidth=2.0))
    labels.append("target")
    handles.append(Line2D([], [], color=_FAIL, marker="$1.9$", linestyle="", markersize=14))
    labels.append("target missed")
    figure_.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.005, 0.96),
        ncol=len(labels),
        fontsize=8.5,
        frameon=False,
        title="bars: CPython",
        title_fontsize=8.5,
        alignment="left",
    )
    settings = documents[0]["settings"]
    figure_.suptitle(
        f"hookfast {data['hookfast']}, compiled backend, CPython "
        f"{', '.join(document['label'] for document in documents)}: the ratios of its targets "
        f"({settings['samples']} samples per case, ratios are the median of the rounds"
        f"{'; --quick, not a measurement' if settings['quick'] else ''})",
        fontsize=11,
        x=0.01,
        ha="left",
    )
    figure_.tight_layout(rect=(0, 0, 1, 0.9))
    figure_.savefig(path)
    plt.close(figure_)
    return True
