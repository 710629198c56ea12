"""The measuring side: time one implementation's cases, plus the baselines, in this process.

Timing is timeit-style: each case's statement runs inline in a compiled loop, calibrated to about
``sample_time`` per sample; samples of all the worker's cases are interleaved round by round, each
round with freshly built cases, and the minimum is kept. :mod:`hookfast.bench.collect` runs each
worker in its own subprocess (``python -m hookfast.bench --worker NAME``).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import timeit

from hookfast.bench import scenarios

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["BASELINE_WORKER", "WORKERS", "progress", "run_worker"]

#: The implementation each worker is named after and runs in its own process, in run order.
WORKERS = ("cython", "python", "onetl", "pluggy")

#: The worker that times the baselines alone, when no implementation was asked for.
BASELINE_WORKER = "baseline"


def progress(message: str) -> None:
    """Report progress on stderr: stdout carries the report (and a worker's stdout is the parent's stderr)."""
    print(message, file=sys.stderr, flush=True)


def _calibrate(timer: timeit.Timer, sample_time: float) -> int:
    """Loop count making one sample last about ``sample_time`` seconds (timeit.autorange, scaled)."""
    loops = 1
    while True:
        elapsed = timer.timeit(loops)
        if elapsed >= sample_time / 5:
            return max(1, round(loops * sample_time / elapsed))
        loops *= 10 if elapsed < sample_time / 50 else 2


def _timers(
    implementation: str, scenario_names: Sequence[str], results: dict[str, dict[str, Any]]
) -> dict[tuple[str, str], timeit.Timer]:
    """Build and check every case; a timer for each that passed, the others recorded in ``results``."""
    tag = f"[{implementation}]"
    implementations = [*scenarios.BASELINES, *([implementation] if implementation != BASELINE_WORKER else [])]
    timers: dict[tuple[str, str], timeit.Timer] = {}
    for scenario in scenario_names:
        results[scenario] = {}
        for name in reversed(implementations):  # the worker's own implementation first
            try:
                case = scenarios.build(scenario, name)
                case.check()
            except scenarios.Unavailable as reason:
                results[scenario][name] = {"unavailable": str(reason)}
                if name == implementation and implementation not in scenarios.HOOKFAST_BACKENDS:
                    break  # no baselines needed in this process (the cython/python workers have them)
                continue
            except Exception as error:
                results[scenario][name] = {"error": f"{type(error).__name__}: {error}"}
                progress(f"{tag} ERROR {scenario}/{name}: {type(error).__name__}: {error}")
                continue
            timers[scenario, name] = timeit.Timer(case.stmt, globals=case.namespace)
    return timers


def _fresh(key: tuple[str, str], timer: timeit.Timer) -> timeit.Timer:
    """A new instance of case ``key`` (built like the one checked), or ``timer`` for the empty loop."""
    scenario, name = key
    if scenario == "_loop":
        return timer
    case = scenarios.build(scenario, name)
    case.check()  # treated as the first instance was
    return timeit.Timer(case.stmt, globals=case.namespace)


def run_worker(
    implementation: str, scenario_names: Sequence[str], samples: int, sample_time: float
) -> dict[str, Any]:
    """Time ``plain``, ``hand`` and ``implementation`` (unless it is ``baseline``) on each scenario.

    Args:
        implementation: ``python``, ``cython``, ``onetl``, ``pluggy`` or ``baseline`` (baselines only).
        scenario_names: the scenarios to run.
        samples: samples per case (the minimum is kept).
        sample_time: target duration of one sample, in seconds.

    Returns:
        A JSON-able dict: environment, and per scenario and implementation either the timing
        (``ns`` = minimum ns/call, ``median``, ``loops``, ``samples``), ``unavailable`` or ``error``.
    """
    import hookfast

    tag = f"[{implementation}]"
    results: dict[str, dict[str, Any]] = {}
    timers = _timers(implementation, scenario_names, results)
    timers["_loop", "empty"] = timeit.Timer("result = None")

    started = time.perf_counter()
    loops = {key: _calibrate(timer, sample_time) for key, timer in timers.items()}
    progress(f"{tag} calibrated {len(timers)} cases in {time.perf_counter() - started:.1f} s")
    measured: dict[tuple[str, str], list[float]] = {key: [] for key in timers}
    groups: dict[str, list[tuple[str, str]]] = {}
    for key in timers:
        groups.setdefault(key[0], []).append(key)
    rng = random.Random(0)
    for number in range(1, samples + 1):
        if number > 1:
            # A fresh case (classes, hooks, timing loop) every round: on this kind of machine one
            # instance of a case was seen running 35% slower in every sample while the other cases
            # of the same rounds were not, which the minimum cannot correct.
            timers = {key: _fresh(key, timer) for key, timer in timers.items()}
        # Interleaved, in a different order every round; a scenario's implementations back to
        # back, so that the two sides of a ratio see the same quiet moments of a shared machine.
        for scenario in rng.sample(list(groups), len(groups)):
            for key in rng.sample(groups[scenario], len(groups[scenario])):
                measured[key].append(timers[key].timeit(loops[key]) / loops[key] * 1e9)
        if number == samples or number % 5 == 0:
            progress(f"{tag} sample {number}/{samples} ({time.perf_counter() - started:.1f} s)")

    for (scenario, name), values in measured.items():
        if scenario == "_loop":
            continue
        results[scenario][name] = {
            "ns": min(values),
            "median": statistics.median(values),
            "loops": loops[scenario, name],
            "samples": values,
        }
    return {
        "implementation": implementation,
        "hookfast_backend": hookfast.BACKEND,
        "hookfast_file": hookfast.__file__,
        "loop_overhead_ns": min(measured["_loop", "empty"]),
        "results": results,
    }
