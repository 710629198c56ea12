"""What ``hookfast-bench`` prints, from the documents it measured (see :mod:`hookfast.bench.measure`).

Per Python: its header, the slot scenarios' ns/call and ratio tables, the runner scenarios' table
(measured against mmcv's loop instead of a plain method) and its target verdicts. With several
Pythons, a summary across them follows: hookfast's figures and every target's verdict, one column
per version. :func:`format_markdown` renders the same results as the tables of
``docs/performance.md``.
"""

from __future__ import annotations

from hookfast.bench import scenarios
from hookfast.bench.compare import VERSUS_CYTHON, figure
from hookfast.bench.scenarios import HOOKFAST_BACKENDS, IMPLEMENTATIONS
from hookfast.bench.targets import IMPORT, IMPORT_STDLIB, TARGETS, Target, describe_figure
from hookfast.bench.worker import WORKERS

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["fmt_ns", "format_markdown", "format_results", "headline", "shown"]

#: Column titles of the ratio tables.
_SHORT = {
    "plain": "plain",
    "hand": "hand",
    "naive": "naive",
    "python": "py",
    "cython": "cy",
    "onetl": "onETL",
    "pluggy": "pluggy",
}

#: Column titles of the Markdown tables.
_LONG = {
    "plain": "plain",
    "hand": "hand-written",
    "naive": "mmcv's loop",
    "python": "hookfast (pure Python)",
    "cython": "hookfast",
    "onetl": "onETL 0.17",
    "pluggy": "pluggy",
}


def fmt_ns(value: float | None) -> str:
    """A ns/call figure: whole numbers from 100 up, one decimal below."""
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _fmt_ratio(value: float | None, sign: str = "x") -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}{sign}" if value >= 100 else f"{value:.2f}{sign}"


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


def _markdown(headers: list[str], rows: list[list[str]], right: int = 1) -> str:
    """A Markdown table; the columns from index ``right`` on are right-aligned."""
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("| " + " | ".join("---:" if i >= right else "---" for i in range(len(headers))) + " |")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
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


def _is_runner(scenario: str) -> bool:
    try:
        return scenarios.get(scenario).runner
    except KeyError:  # a saved report naming a scenario this version does not have
        return scenario.startswith("runner_")


def headline(scenario: str) -> str:
    """The figure that matters for ``scenario``: ``cython/hand`` where hooks run, ``cython/plain``
    where none can, ``naive/cython`` for the runner (how many times faster than mmcv's loop)."""
    if _is_runner(scenario):
        return "naive/cython"
    try:
        hooked = scenarios.get(scenario).hooked
    except KeyError:
        hooked = True
    return "cython/hand" if hooked else "cython/plain"


def _label(document: dict[str, Any]) -> str:
    return str(document.get("label", document["python"]))


# --- the text report ---


def format_results(results: dict[str, Any]) -> str:
    """The whole text report: a section per Python, then (several Pythons) the summary across them."""
    documents: list[dict[str, Any]] = results["pythons"]
    sections = [_format_document(document, titled=len(documents) > 1) for document in documents]
    if len(documents) > 1:
        sections.append(_format_summary(documents))
    return "\n\n".join(sections)


def _format_document(document: dict[str, Any], titled: bool) -> str:
    """One Python's section: header, timing notes, tables, target verdicts, errors."""
    title = f"===== CPython {_label(document)} ({document['executable']}) ====="
    if "failed" in document:
        return f"{title}\nFAILED: {document['failed']} (its progress above says why)"
    parts = [title] if titled else []
    parts += [*document["header"], _format_measurements(document)]
    parts += [f"note: {note}" for note in document.get("notes", [])]
    table: dict[str, dict[str, Any]] = document["table"]
    checks: list[dict[str, Any]] = document["targets"]
    implementations: list[str] = document["settings"]["implementations"]
    runner_table = {name: row for name, row in table.items() if _is_runner(name)}
    slot_table = {name: row for name, row in table.items() if name not in runner_table}
    if slot_table:
        parts += ["", *_format_slots(slot_table, checks, implementations)]
    if runner_table:
        parts += ["", *_format_runner(runner_table, checks, implementations)]
    parts += ["", *_format_targets(checks, _label(document))]
    breakdown = document["import_time"].get("breakdown")
    if breakdown:
        parts.append(_format_breakdown(breakdown))
    if document.get("errors"):
        parts.append(
            "\nCORRECTNESS CHECK FAILURES (those cases were not timed):\n  " + "\n  ".join(document["errors"])
        )
    return "\n".join(parts)


def _format_measurements(document: dict[str, Any]) -> str:
    """The loop overheads and ``import hookfast`` times."""
    default = document["import_time"]["default"]
    python = document["import_time"]["no_extensions"]
    runs = len(default.get("samples_total_ms", []))
    cached = "" if default.get("bytecode_cached", True) else " (no bytecode cache: compiled at every import)"
    modules = ", ".join(IMPORT_STDLIB)
    return (
        "timing-loop overhead per iteration (included everywhere, not subtracted): "
        f"{document['loop_overheads']} ns\n"
        f"import hookfast after {modules}: {default['ms']:.1f} ms (backend {default['backend']}), "
        f"{python['ms']:.1f} ms with HOOKFAST_NO_EXTENSIONS=1; across interpreters: "
        f"{default['total_ms']:.1f} ms with them, {default['stdlib_ms']:.1f} ms for them alone, "
        f"a difference of {default['difference_ms']:.1f} ms; minima of {runs} fresh interpreters of each "
        f"kind{cached}"
    )


def _tag(check: dict[str, Any]) -> str:
    """What a failed target is called in the ratio tables' ``targets`` column: its other side."""
    numerator, denominator = check["figure"].split("/")
    other = (
        denominator if numerator in HOOKFAST_BACKENDS and denominator not in HOOKFAST_BACKENDS else numerator
    )
    return "py/cy" if check["figure"] == "python/cython" else _SHORT.get(other, other)


def _verdicts(scenario: str, checks: list[dict[str, Any]]) -> str:
    """A scenario's ``targets`` column: PASS, FAIL and the failed targets' tags, or - (none measured)."""
    verdicts = [check for check in checks if check["scenario"] == scenario and check["verdict"] != "n/a"]
    failed = [check for check in verdicts if check["verdict"] == "FAIL"]
    return "-" if not verdicts else ("PASS" if not failed else "FAIL " + ",".join(_tag(c) for c in failed))


def _short_figure(name: str) -> str:
    if name == "import_ms":
        return "import ms"
    numerator, denominator = name.split("/")
    return f"{_SHORT[numerator]}/{_SHORT[denominator]}"


def _fmt_check_value(check: dict[str, Any]) -> str:
    if check["value"] is None:
        return "n/a"
    return f"{check['value']:.1f} ms" if check["figure"] == "import_ms" else _fmt_ratio(check["value"])


def _fmt_limit(check: dict[str, Any]) -> str:
    if check["limit"] is None:
        return "-"
    sign = "<=" if check["at_most"] else ">="
    unit = " ms" if check["figure"] == "import_ms" else "x"
    text = f"{sign} {check['limit']:g}{unit}"
    return text + (f" ({check['accept']:g} accepted)" if check.get("accept") is not None else "")


def _compact_limit(target: Target) -> str:
    """A target's bounds in a few characters: ``<= 1.4x (3.11-), <= 1.6x (3.12+)``."""
    sign = "<=" if target.at_most else ">="
    unit = " ms" if target.figure == "import_ms" else "x"
    texts = []
    for limit in target.limits:
        versions = [
            f"{limit.oldest[0]}.{limit.oldest[1]}+" if limit.oldest else "",
            f"{limit.newest[0]}.{limit.newest[1]}-" if limit.newest else "",
        ]
        where = " ".join(filter(None, versions))
        texts.append(f"{sign} {limit.value:g}{unit}" + (f" ({where})" if where else ""))
    accepted = f" ({target.accept:g} accepted)" if target.accept is not None else ""
    return ", ".join(texts) + accepted


def _format_targets(checks: list[dict[str, Any]], python: str) -> list[str]:
    """The target verdicts of one Python, and how many pass."""
    rows = [
        [
            check["verdict"],
            str(check["number"]),
            check["target"],
            check["scenario"],
            _short_figure(check["figure"]),
            _fmt_check_value(check),
            _fmt_limit(check),
        ]
        for check in checks
    ]
    counted = [check for check in checks if check["verdict"] != "n/a"]
    passed = sum(check["verdict"] == "PASS" for check in counted)
    return [
        f"targets on CPython {python} (the project's targets table: hookfast-bench --targets)",
        _render(["result", "#", "target", "scenario", "figure", "measured", "limit"], rows),
        f"\n{passed}/{len(counted)} targets pass on CPython {python} ({len(checks) - len(counted)} n/a)",
    ]


def _format_slots(
    table: dict[str, dict[str, Any]], checks: list[dict[str, Any]], implementations: Sequence[str]
) -> list[str]:
    """The slot scenarios' two tables: ns/call, and the ratios with the target verdicts."""
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
            _verdicts(scenario, checks),
        ]
        for scenario, row in table.items()
    ]
    parts += [
        "",
        "ratios (median over the rounds; X/cy: slowdown relative to cython, each side normalised by its "
        "own plain)",
    ]
    parts.append(_render(["scenario", *(title for title, _, _ in ratio_columns), "targets"], ratio_rows))
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
            _verdicts(scenario, checks),
        ]
        for scenario, row in table.items()
    ]
    headers = ["scenario", *columns, *(title for title, _, _ in ratio_columns), "targets"]
    return [
        "runner.call_hook(point), ns/call (naive: mmcv's loop calling every hook; hand: the overriding",
        "hooks' methods called directly; naive/X: how many times faster than the naive loop, in X's process)",
        _render(headers, rows),
    ]


def _format_breakdown(breakdown: list[list[Any]]) -> str:
    """The costliest imports, printed when ``import hookfast`` misses its target."""
    return (
        "import hookfast misses its target; costliest imports beyond the standard modules it needs "
        "(-X importtime, cumulative, min of 3): "
        + ", ".join(
            f"{name} {ms:.1f} ms" + ("" if name.endswith("(self)") else f" (by {parent})")
            for name, parent, ms in breakdown
        )
    )


def _measured(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [document for document in documents if "failed" not in document]


def _target_rows(documents: list[dict[str, Any]], cell: Any) -> list[tuple[dict[str, Any], str, list[str]]]:
    """(check of the first version having it, scenario, one cell per document) for every target x scenario."""
    keys: list[tuple[int, str]] = []
    first: dict[tuple[int, str], dict[str, Any]] = {}
    for document in documents:
        for check in document["targets"]:
            key = (check["number"], check["scenario"])
            if key not in first:
                keys.append(key)
                first[key] = check
    keys.sort(key=lambda key: key[0])  # stable: scenarios keep their order within a target
    rows = []
    for key in keys:
        cells = []
        for document in documents:
            check = next((c for c in document["targets"] if (c["number"], c["scenario"]) == key), None)
            cells.append(cell(check) if check is not None else "-")
        rows.append((first[key], key[1], cells))
    return rows


def _format_summary(documents: list[dict[str, Any]]) -> str:
    """Across Pythons: hookfast's ns/call and headline ratio per scenario, and every target's verdict."""
    measured = _measured(documents)
    labels = [_label(document) for document in measured]
    scenario_names = list(dict.fromkeys(name for document in measured for name in document["table"]))
    rows = []
    for name in scenario_names:
        cells = []
        for document in measured:
            row = document["table"].get(name)
            if row is None:
                cells += ["-", "-"]
                continue
            cells += [fmt_ns(row["ns"].get("cython")), _fmt_ratio(figure(row, headline(name)))]
        rows.append([name, _short_figure(headline(name)), *cells])
    headers = ["scenario", "ratio"]
    for label in labels:
        headers += [f"{label} cy ns", f"{label} ratio"]
    parts = [
        "===== across Pythons: hookfast (compiled), ns/call and the ratio that matters =====",
        _render(headers, rows),
        "",
        "targets across Pythons (the project's targets table: hookfast-bench --targets)",
    ]

    def cell(check: dict[str, Any]) -> str:
        return "n/a" if check["verdict"] == "n/a" else f"{_fmt_check_value(check)} {check['verdict']}"

    target_rows = [
        [
            str(check["number"]),
            check["target"],
            scenario,
            _short_figure(TARGETS[check["number"] - 1].figure),
            _compact_limit(TARGETS[check["number"] - 1]),
            *cells,
        ]
        for check, scenario, cells in _target_rows(measured, cell)
    ]
    parts.append(_render(["#", "target", "scenario", "figure", "limit", *labels], target_rows))
    counts = []
    for document in measured:
        counted = [check for check in document["targets"] if check["verdict"] != "n/a"]
        counts.append(
            f"{_label(document)}: {sum(c['verdict'] == 'PASS' for c in counted)}/{len(counted)} pass"
        )
    parts.append("\n" + ", ".join(counts))
    failed = [document for document in documents if "failed" in document]
    parts += [
        f"{_label(document)} ({document['executable']}) FAILED: {document['failed']}" for document in failed
    ]
    return "\n".join(parts)


# --- the Markdown tables of docs/performance.md ---


def format_markdown(results: dict[str, Any]) -> str:
    """The results as Markdown: targets per version, hookfast per version, then every figure per version."""
    documents = _measured(results["pythons"])
    labels = [_label(document) for document in documents]
    parts = [f"Target verdicts, CPython {', '.join(labels)} (the # is the row of the targets table):", ""]

    def cell(check: dict[str, Any]) -> str:
        if check["verdict"] == "n/a":
            return "n/a"
        value = _fmt_check_value(check).replace("x", "\N{MULTIPLICATION SIGN}")
        return f"{value} **FAIL**" if check["verdict"] == "FAIL" else f"{value} {check['verdict']}"

    rows = [
        [
            str(check["number"]),
            f"`{scenario}`" if scenario != IMPORT else "import",
            describe_figure(TARGETS[check["number"] - 1].figure),
            *cells,
        ]
        for check, scenario, cells in _target_rows(documents, cell)
    ]
    parts.append(_markdown(["#", "scenario", "figure", *labels], rows, right=3))
    counts = []
    for document in documents:
        counted = [check for check in document["targets"] if check["verdict"] != "n/a"]
        counts.append(f"{sum(c['verdict'] == 'PASS' for c in counted)}/{len(counted)} on {_label(document)}")
    parts += ["", f"Passing: {', '.join(counts)}.", ""]

    parts += ["hookfast (compiled), ns per call, and the ratio that matters for the scenario:", ""]
    scenario_names = list(dict.fromkeys(name for document in documents for name in document["table"]))
    rows = []
    for name in scenario_names:
        cells = []
        for document in documents:
            row = document["table"].get(name)
            if row is None:
                cells.append("\N{EN DASH}")
                continue
            ratio = _fmt_ratio(figure(row, headline(name)), "\N{MULTIPLICATION SIGN}")
            cells.append(f"{fmt_ns(row['ns'].get('cython'))} ns, {ratio}")
        rows.append([f"`{name}`", describe_figure(headline(name)), *cells])
    parts.append(_markdown(["scenario", "ratio", *labels], rows, right=2))
    parts.append("")

    def imported(kind: str, key: str) -> list[str]:
        return [f"{document['import_time'][kind].get(key, float('nan')):.1f} ms" for document in documents]

    modules = ", ".join(IMPORT_STDLIB)
    imports = [
        [f"`import hookfast` after {modules} (the target's figure)", *imported("default", "ms")],
        ["the same, pure-Python backend", *imported("no_extensions", "ms")],
        [f"an interpreter importing {modules} and hookfast", *imported("default", "total_ms")],
        [f"an interpreter importing {modules} alone", *imported("default", "stdlib_ms")],
    ]
    parts += [_markdown(["import (minimum over fresh interpreters)", *labels], imports), ""]

    for document in documents:
        table = document["table"]
        columns = shown(table, document["settings"]["implementations"])
        rows = [
            [
                f"`{name}`",
                *(fmt_ns(row["ns"].get(column)).replace("n/a", "\N{EN DASH}") for column in columns),
            ]
            for name, row in table.items()
        ]
        parts += [
            f"CPython {_label(document)}, ns per call (minimum of {document['settings']['samples']}):",
            "",
        ]
        parts += [_markdown(["scenario", *(_LONG[column] for column in columns)], rows), ""]
    return "\n".join(parts).rstrip("\n")
