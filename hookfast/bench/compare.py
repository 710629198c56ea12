"""Ratios between the implementations, and the project's targets checked against them (PASS/FAIL).

A ratio of two implementations timed in the same worker process is the median over the sample
rounds of the ratio of their two samples of a round (see :func:`_ratio`); the ns/call figures are
the minima. ``X/plain`` and ``X/hand`` divide by the baselines of X's own process; ``X/cython`` divides
``X/plain`` by ``cython/plain``, so a ratio between implementations never compares two processes'
raw timings. The runner scenarios have no ``plain`` but mmcv's ``naive`` loop: ``vs_naive`` is
``naive/X`` (how many times faster than it), and their ``X/cython`` is normalised by ``naive``.
"""

from __future__ import annotations

import statistics

from hookfast.bench import scenarios
from hookfast.bench.scenarios import BASELINES
from hookfast.bench.targets import IMPORT, TARGETS
from hookfast.bench.worker import BASELINE_WORKER, WORKERS

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["VERSUS_CYTHON", "compare", "evaluate_targets", "figure"]

#: The implementations compared with cython (``X/cy``), in report order.
VERSUS_CYTHON = tuple(name for name in WORKERS if name != "cython")


def _ns(worker: dict[str, Any] | None, scenario: str, name: str) -> float | None:
    if worker is None or "results" not in worker:
        return None
    entry = worker["results"].get(scenario, {}).get(name, {})
    value = entry.get("ns")
    return float(value) if value is not None else None


def _samples(worker: dict[str, Any] | None, scenario: str, name: str) -> list[float]:
    if worker is None or "results" not in worker:
        return []
    return [float(value) for value in worker["results"].get(scenario, {}).get(name, {}).get("samples", [])]


def _ratio(worker: dict[str, Any] | None, scenario: str, numerator: str, denominator: str) -> float | None:
    """``numerator``'s time over ``denominator``'s in one worker process, or None if one is missing.

    The median over the sample rounds of the ratio of the two samples of a round, which the worker
    takes back to back: on a shared machine whose load changes by the second, both sides of a
    round see the same load, where the two minima may come from different moments (the no-hook
    scenarios, whose true ratio is 1.0, measured up to 1.95 as a ratio of minima and 0.92-1.01 as
    this median, in the same run).
    """
    top, bottom = _samples(worker, scenario, numerator), _samples(worker, scenario, denominator)
    if not top or not bottom:
        return None
    if len(top) != len(bottom):  # not taken round by round: the minima are all there is
        return min(top) / min(bottom)
    return statistics.median(a / b for a, b in zip(top, bottom))


def compare(workers: dict[str, dict[str, Any]], scenario_names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per scenario: ns/call per implementation and the ratios the report prints.

    The baselines' ns are those of the reference worker (cython, else the first that ran).
    ``X/plain`` and ``X/hand`` use X's own process (see :func:`_ratio`); ``X/cython`` divides ``X/plain`` by
    ``cython/plain`` (runner scenarios: ``X/naive`` by ``cython/naive``); ``vs_naive`` is
    ``naive/X``, in X's own process.
    """
    table: dict[str, dict[str, Any]] = {}
    for scenario in scenario_names:
        reference = next(
            (
                workers[name]
                for name in (*WORKERS, BASELINE_WORKER)
                if name in workers and any(_ns(workers[name], scenario, b) is not None for b in BASELINES)
            ),
            None,
        )
        ns: dict[str, float | None] = {name: _ns(reference, scenario, name) for name in BASELINES}
        to_plain: dict[str, float | None] = {}
        to_hand: dict[str, float | None] = {}
        vs_naive: dict[str, float | None] = {}
        for name in WORKERS:
            worker = workers.get(name)
            ns[name] = _ns(worker, scenario, name)
            to_plain[name] = _ratio(worker, scenario, name, "plain")
            to_hand[name] = _ratio(worker, scenario, name, "hand")
            vs_naive[name] = _ratio(worker, scenario, "naive", name)
        # X/baseline: the runner scenarios have no plain; X/naive is the inverse of vs_naive
        normalised = (
            {name: 1 / value if value else None for name, value in vs_naive.items()}
            if scenarios.get(scenario).runner
            else to_plain
        )
        versus_cython: dict[str, float | None] = {}
        for name in VERSUS_CYTHON:
            mine, cython = normalised.get(name), normalised.get("cython")
            versus_cython[name] = mine / cython if mine is not None and cython else None
        table[scenario] = {
            "ns": ns,
            "to_plain": to_plain,
            "to_hand": to_hand,
            "vs_cython": versus_cython,
            "vs_naive": vs_naive,
        }
    return table


def figure(row: dict[str, Any], name: str) -> float | None:
    """The value of figure ``name`` (``"A/B"``, see :mod:`hookfast.bench.targets`) in a table row."""
    numerator, denominator = name.split("/")
    if numerator == denominator:
        return None
    if denominator in ("plain", "hand"):
        value: float | None = row[f"to_{denominator}"].get(numerator)
    elif numerator == "naive":
        value = row["vs_naive"].get(denominator)
    elif denominator == "cython":
        value = row["vs_cython"].get(numerator)
    else:
        raise ValueError(f"hookfast.bench: no figure {name!r} in the comparison table")
    return value


def evaluate_targets(
    table: dict[str, dict[str, Any]], import_ms: float | None, python: tuple[int, int]
) -> list[dict[str, Any]]:
    """Check :data:`~hookfast.bench.targets.TARGETS` on CPython ``python``; one entry per target x scenario.

    A target's scenarios that were not measured in this run are left out. The figures name the
    compiled backend; if it did not run at all, the pure-Python one is checked in its place (and
    the compiled-vs-pure-Python target is n/a).

    Returns:
        JSON-able entries: ``target`` (its key), ``number`` (its row in the table), ``scenario``,
        ``figure`` (the one checked), ``value``, ``limit`` (on this version), ``accept``,
        ``at_most`` and ``verdict`` (``PASS``, ``FAIL``, or ``n/a`` when not measured).
    """
    have_cython = any(row["ns"].get("cython") is not None for row in table.values())
    checks: list[dict[str, Any]] = []
    for number, target in enumerate(TARGETS, 1):
        if target.figure == "import_ms":
            entries = [(IMPORT, target.figure, import_ms)]
        else:
            used = target.figure if have_cython else target.figure.replace("cython", "python")
            names = [name for name in target.scenarios or table if name in table]
            entries = [(name, used, figure(table[name], used)) for name in names]
        limit = target.limit_for(python)
        for scenario, used, value in entries:
            passes = None if value is None else target.passes(value, python)
            checks.append(
                {
                    "target": target.key,
                    "number": number,
                    "scenario": scenario,
                    "figure": used,
                    "value": value,
                    "limit": limit,
                    "accept": target.accept,
                    "at_most": target.at_most,
                    "verdict": "n/a" if passes is None else ("PASS" if passes else "FAIL"),
                }
            )
    return checks
