"""Ratios between the implementations, and SPEC §8's targets checked against them (PASS/FAIL).

``X/plain`` and ``X/hand`` divide by the baselines of X's own process; ``X/cython`` divides
``X/plain`` by ``cython/plain``, so a ratio between implementations never compares two processes'
raw timings. The runner scenarios have no ``plain`` but the seed's ``naive`` loop: ``vs_naive`` is
``naive/X`` (how many times faster than it), and their ``X/cython`` is normalised by ``naive``.
"""

from __future__ import annotations

from hookfast.bench import scenarios
from hookfast.bench.scenarios import BASELINES, Target
from hookfast.bench.worker import BASELINE_WORKER, WORKERS

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["IMPORT_LIMIT_MS", "VERSUS_CYTHON", "compare", "evaluate_targets"]

#: The implementations compared with cython (``X/cy``), in report order.
VERSUS_CYTHON = tuple(name for name in WORKERS if name != "cython")

#: Cross-implementation targets, checked on every slot scenario after the scenario's own.
_EVERY_SCENARIO = (Target("onETL >= 200x slower", "vs_cython", "onetl", 200.0, at_most=False),)

#: Checked on the slot scenarios where hooks run, after the above.
_HOOKED_SCENARIOS = (Target("python >= 3x slower than cython", "vs_cython", "python", 3.0, at_most=False),)

#: SPEC §8: ``import hookfast`` takes at most this long.
IMPORT_LIMIT_MS = 10.0


def _ns(worker: dict[str, Any] | None, scenario: str, name: str) -> float | None:
    if worker is None or "results" not in worker:
        return None
    entry = worker["results"].get(scenario, {}).get(name, {})
    value = entry.get("ns")
    return float(value) if value is not None else None


def compare(workers: dict[str, dict[str, Any]], scenario_names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per scenario: ns/call per implementation and the ratios the report prints.

    The baselines' ns are those of the reference worker (cython, else the first that ran).
    ``X/plain`` and ``X/hand`` use X's own process; ``X/cython`` divides ``X/plain`` by
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
            value = _ns(worker, scenario, name)
            ns[name] = value
            plain, hand = _ns(worker, scenario, "plain"), _ns(worker, scenario, "hand")
            naive = _ns(worker, scenario, "naive")
            to_plain[name] = value / plain if value is not None and plain else None
            to_hand[name] = value / hand if value is not None and hand else None
            vs_naive[name] = naive / value if value and naive is not None else None
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


def _check(target: str, scenario: str, value: float | None, limit: float, at_most: bool) -> dict[str, Any]:
    """One entry of the JSON's ``targets``: PASS, FAIL, or n/a when ``value`` was not measured."""
    if value is None:
        verdict = "n/a"
    else:
        verdict = "PASS" if (value <= limit if at_most else value >= limit) else "FAIL"
    return {"target": target, "scenario": scenario, "value": value, "limit": limit, "verdict": verdict}


def evaluate_targets(table: dict[str, dict[str, Any]], import_ms: float | None) -> list[dict[str, Any]]:
    """Check SPEC §8 against the measured ratios; one entry per target x scenario, then the import time.

    The plain/hand-written/naive targets apply to the compiled backend (the pure-Python one if it is
    all there is); the cross-implementation ones are "X is Nx slower than cython" (slot scenarios).
    """
    have_cython = any(row["ns"].get("cython") is not None for row in table.values())
    backend = "cython" if have_cython else "python"
    checks: list[dict[str, Any]] = []
    for scenario, row in table.items():
        definition = scenarios.get(scenario)
        targets = [*definition.targets]
        if not definition.runner:
            targets += [*_EVERY_SCENARIO, *(_HOOKED_SCENARIOS if definition.hooked else ())]
        for target in targets:
            value = row[target.ratio].get(target.implementation or backend)
            label = target.label.format(scenario=scenario, backend=backend)
            checks.append(_check(label, scenario, value, target.limit, target.at_most))
    checks.append(
        _check(f"import hookfast <= {IMPORT_LIMIT_MS:g} ms", "-", import_ms, IMPORT_LIMIT_MS, at_most=True)
    )
    return checks
