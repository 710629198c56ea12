"""What ``hookfast-bench`` prints: the header, the ns/call and ratio tables, the SPEC §8 verdicts.

The slot scenarios get the two main tables; the runner scenarios (``runner_*``), measured against
the seed's naive loop instead of a plain method, get a table of their own after them.
"""

from __future__ import annotations

import os
import platform

import hookfast
from hookfast.bench import scenarios
from hookfast.bench.compare import IMPORT_LIMIT_MS, VERSUS_CYTHON
from hookfast.bench.scenarios import HOOKFAST_BACKENDS, IMPLEMENTATIONS
from hookfast.bench.worker import WORKERS

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from hookfast.bench.collect import Measurements

__all__ = [
    "fmt_ns",
    "format_breakdown",
    "format_errors",
    "format_measurements",
    "format_report",
    "header",
    "shown",
    "versions",
]

#: Column titles of the ratio table.
_SHORT = {
    "plain": "plain",
    "hand": "hand",
    "naive": "naive",
    "python": "py",
    "cython": "cy",
    "onetl": "onETL",
    "pluggy": "pluggy",
}


def versions() -> dict[str, str | None]:
    """The installed versions of the optional comparisons and tools (None: not installed)."""
    from importlib import metadata  # not at module level: `python -m hookfast.bench --worker` needs none

    found: dict[str, str | None] = {}
    for distribution in ("onetl", "pluggy", "matplotlib", "Cython"):
        try:
            found[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            found[distribution] = None
    return found


def header(found: dict[str, str | None], samples: int, sample_time: float, quick: bool) -> list[str]:
    """The lines printed first (and stored in the JSON): what was measured, where, and how."""
    return [
        f"hookfast {hookfast.__version__}: BACKEND={hookfast.BACKEND}, imported from {hookfast.__file__}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}, "
        f"{os.cpu_count()} CPUs",
        "onETL {onetl}, pluggy {pluggy}, matplotlib {matplotlib}, Cython {Cython}".format(
            **{key: value or "not installed" for key, value in found.items()}
        ),
        f"{samples} samples of ~{sample_time * 1e3:g} ms per case, interleaved; minimum kept"
        + (" (--quick: not a measurement)" if quick else ""),
    ]


def format_measurements(measured: Measurements) -> str:
    """The loop overheads and ``import hookfast`` times, printed before the tables."""
    default, python = measured.import_time, measured.import_time_python
    return (
        "timing-loop overhead per iteration (included everywhere, not subtracted): "
        f"{measured.loop_overheads} ns\n"
        f"import hookfast: {default['ms']:.1f} ms (backend {default['backend']}), "
        f"{python['ms']:.1f} ms with HOOKFAST_NO_EXTENSIONS=1; min of 10 fresh interpreters"
    )


def fmt_ns(value: float | None) -> str:
    """A ns/call figure: whole numbers from 100 up, one decimal below."""
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}x" if value >= 100 else f"{value:.2f}x"


def _render(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(header), *(len(row[column]) for row in rows)) for column, header in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        )
    return "\n".join(lines)


def shown(table: dict[str, dict[str, Any]], implementations: Sequence[str]) -> list[str]:
    """The requested implementations, minus naive/onETL/pluggy when ``table`` has no figure of theirs.

    (naive: no runner scenario in ``table``; onETL/pluggy: not installed, or no equivalent.)
    """
    return [
        name
        for name in IMPLEMENTATIONS
        if name in implementations
        and (
            name in ("plain", "hand", *HOOKFAST_BACKENDS)
            or any(row["ns"].get(name) for row in table.values())
        )
    ]


def _tag(check: dict[str, Any]) -> str:
    """What a failed target is called in the ratio table's SPEC §8 column."""
    target: str = check["target"]
    if "onETL" in target:
        return "onETL"
    if "pluggy" in target:
        return "pluggy"
    if "python >=" in target:
        return "py/cy"
    if "naive" in target:
        return "naive"
    return "hand" if "hand" in target else "plain"


def _spec(scenario: str, checks: list[dict[str, Any]]) -> str:
    """The SPEC §8 column of a scenario: PASS, FAIL and the failed targets' tags, or - (none measured)."""
    verdicts = [check for check in checks if check["scenario"] == scenario and check["verdict"] != "n/a"]
    failed = [check for check in verdicts if check["verdict"] == "FAIL"]
    return "-" if not verdicts else ("PASS" if not failed else "FAIL " + ",".join(_tag(c) for c in failed))


def format_report(
    table: dict[str, dict[str, Any]], checks: list[dict[str, Any]], implementations: Sequence[str]
) -> str:
    """The slot tables (ns/call, ratios with SPEC §8 verdicts), the runner table and the list of targets."""
    runner_table = {name: row for name, row in table.items() if scenarios.get(name).runner}
    slot_table = {name: row for name, row in table.items() if name not in runner_table}
    sections = []
    if slot_table:
        sections.append(_format_slots(slot_table, checks, implementations))
    if runner_table:
        sections.append(_format_runner(runner_table, checks, implementations))
    sections.append(_format_targets(checks))
    return "\n\n".join("\n".join(section) for section in sections)


def _format_targets(checks: list[dict[str, Any]]) -> list[str]:
    """The list of SPEC §8 targets with their verdicts, and how many pass."""
    parts = ["SPEC §8 targets"]
    target_rows = [
        [
            c["verdict"],
            c["target"],
            c["scenario"],
            _fmt_ratio(c["value"])
            if c["scenario"] != "-"  # the import time, in ms, not a ratio
            else (f"{c['value']:.1f} ms" if c["value"] is not None else "n/a"),
            str(c["limit"]),
        ]
        for c in checks
    ]
    parts.append(_render(["result", "target", "scenario", "measured", "limit"], target_rows))
    counted = [c for c in checks if c["verdict"] != "n/a"]
    passed = sum(c["verdict"] == "PASS" for c in counted)
    parts.append(f"\n{passed}/{len(counted)} targets pass ({len(checks) - len(counted)} n/a)")
    return parts


def _format_slots(
    table: dict[str, dict[str, Any]], checks: list[dict[str, Any]], implementations: Sequence[str]
) -> list[str]:
    """The slot scenarios' two tables: ns/call, and the ratios with SPEC §8 verdicts."""
    columns = shown(table, implementations)
    ns_rows = [
        [scenario, *(fmt_ns(row["ns"].get(name)) for name in columns)] for scenario, row in table.items()
    ]
    parts = ["ns/call (minimum over samples; plain/hand from the reference process)"]
    parts.append(_render(["scenario", *columns], ns_rows))

    ratio_columns: list[tuple[str, str, str]] = []
    for name in (name for name in WORKERS if name in HOOKFAST_BACKENDS):  # cython first
        if name in columns:
            ratio_columns += [
                (f"{_SHORT[name]}/plain", "to_plain", name),
                (f"{_SHORT[name]}/hand", "to_hand", name),
            ]
    for name in VERSUS_CYTHON:
        if name in columns and "cython" in columns:
            ratio_columns.append((f"{_SHORT[name]}/cy", "vs_cython", name))
    ratio_rows = [
        [
            scenario,
            *(_fmt_ratio(row[kind].get(name)) for _, kind, name in ratio_columns),
            _spec(scenario, checks),
        ]
        for scenario, row in table.items()
    ]
    parts += ["", "ratios (X/cy: slowdown relative to cython, each side normalised by its own plain)"]
    parts.append(_render(["scenario", *(title for title, _, _ in ratio_columns), "SPEC §8"], ratio_rows))
    return parts


def _format_runner(
    table: dict[str, dict[str, Any]], checks: list[dict[str, Any]], implementations: Sequence[str]
) -> list[str]:
    """The runner scenarios' table: ns/call, then the ratios (naive/X: X's speed-up over the naive loop)."""
    # the naive loop first: it is the runner scenarios' baseline
    columns = sorted((name for name in shown(table, implementations) if name != "plain"), key="naive".__ne__)
    ratio_columns: list[tuple[str, str, str]] = []
    for name in (name for name in WORKERS if name in HOOKFAST_BACKENDS):  # cython first
        if name in columns:
            ratio_columns += [
                (f"naive/{_SHORT[name]}", "vs_naive", name),
                (f"{_SHORT[name]}/hand", "to_hand", name),
            ]
    if "python" in columns and "cython" in columns:
        ratio_columns.append(("py/cy", "vs_cython", "python"))
    rows = [
        [
            scenario,
            *(fmt_ns(row["ns"].get(name)) for name in columns),
            *(_fmt_ratio(row[kind].get(name)) for _, kind, name in ratio_columns),
            _spec(scenario, checks),
        ]
        for scenario, row in table.items()
    ]
    headers = ["scenario", *columns, *(title for title, _, _ in ratio_columns), "SPEC §8"]
    return [
        "runner.call_hook(point), ns/call (naive: the seed's loop calling every hook; hand: the overriding",
        "hooks' methods called directly; naive/X: how many times faster than the naive loop, in X's process)",
        _render(headers, rows),
    ]


def format_breakdown(breakdown: list[tuple[str, str, float]]) -> str:
    """The costliest imports, printed when ``import hookfast`` misses its target."""
    return (
        f"import hookfast is over {IMPORT_LIMIT_MS:g} ms; costliest imports (-X importtime, cumulative, "
        "min of 3): "
        + ", ".join(
            f"{name} {ms:.1f} ms" + ("" if name.endswith("(self)") else f" (by {parent})")
            for name, parent, ms in breakdown
        )
    )


def format_errors(errors: list[str]) -> str:
    """The cases that failed their correctness check, and the failed workers."""
    return "\nCORRECTNESS CHECK FAILURES (those cases were not timed):\n  " + "\n  ".join(errors)
