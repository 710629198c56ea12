"""The parent's side of the measurement: run one worker process per implementation, time ``import hookfast``.

Each implementation runs in its own subprocess (``--worker``), the pure-Python backend with
``HOOKFAST_NO_EXTENSIONS=1``. Every worker also times ``plain`` and ``hand``, so ratios to them never
cross a process (see :mod:`hookfast.bench.compare`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import hookfast
from hookfast.bench.targets import IMPORT_STDLIB
from hookfast.bench.worker import BASELINE_WORKER, WORKERS, progress

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["Measurements", "collect", "import_breakdown", "measure_import_time"]


@dataclass
class Measurements:
    """What the workers and the import timings measured.

    Attributes:
        workers: worker name -> its JSON result (see :func:`hookfast.bench.worker.run_worker`), or
            ``{"implementation": name, "failed": reason}``.
        errors: one line per case that failed its correctness check, and per failed worker.
        import_time: ``import hookfast`` (see :func:`measure_import_time`).
        import_time_python: the same with ``HOOKFAST_NO_EXTENSIONS=1``.
        breakdown: the costliest imports (see :func:`import_breakdown`), measured only when
            ``import hookfast`` missed its target.
        notes: one line per implementation skipped as a whole (not installed, say).
    """

    workers: dict[str, dict[str, Any]]
    errors: list[str]
    import_time: dict[str, Any]
    import_time_python: dict[str, Any]
    breakdown: list[tuple[str, str, float]] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def loop_overheads(self) -> dict[str, float]:
        """Worker name -> ns per iteration of an empty timing loop (in every figure, not subtracted)."""
        return {
            name: round(worker["loop_overhead_ns"], 1)
            for name, worker in self.workers.items()
            if "loop_overhead_ns" in worker
        }


def _child_env(implementation: str) -> dict[str, str]:
    env = dict(os.environ)
    # The children must import the same hookfast as this process: put its parent directory first on
    # PYTHONPATH, and start them from an empty directory (see _run_child).
    root = str(Path(hookfast.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    if implementation == "python":
        env["HOOKFAST_NO_EXTENSIONS"] = "1"
        env.pop("HOOKFAST_REQUIRE_EXTENSION", None)  # would forbid the pure-Python child
    return env


def _run_child(command: list[str], env: dict[str, str], **options: Any) -> subprocess.CompletedProcess[str]:
    # `python -m`/`-c` put the working directory before PYTHONPATH on sys.path: run from a source
    # checkout, a child would import the uncompiled source tree instead of the installed package.
    with tempfile.TemporaryDirectory(prefix="hookfast-bench-cwd-") as neutral:
        return subprocess.run(command, env=env, cwd=neutral, check=False, **options)


def _run_worker_process(
    implementation: str, scenario_names: Sequence[str], samples: int, sample_time: float
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hookfast-bench-") as directory:
        output = Path(directory) / "worker.json"
        command = [
            sys.executable,
            "-m",
            "hookfast.bench",
            "--worker",
            implementation,
            "--scenarios",
            ",".join(scenario_names),
            "--samples",
            str(samples),
            "--sample-time",
            str(sample_time),
            "--worker-output",
            str(output),
        ]
        completed = _run_child(command, _child_env(implementation), stdout=sys.stderr)
        if completed.returncode != 0 or not output.is_file():
            return {"implementation": implementation, "failed": f"worker exited with {completed.returncode}"}
        result: dict[str, Any] = json.loads(output.read_text())
        return result


def _run_workers(
    implementations: Sequence[str], scenario_names: Sequence[str], samples: int, sample_time: float
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Run the workers of ``implementations`` in turn (the baseline one if none).

    Returns:
        The workers' results by name, and a note for each implementation skipped as a whole.
    """
    worker_names = [name for name in WORKERS if name in implementations] or [BASELINE_WORKER]
    workers: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for number, name in enumerate(worker_names, 1):
        progress(f"worker {number}/{len(worker_names)}: {name}")
        worker = _run_worker_process(name, scenario_names, samples, sample_time)
        workers[name] = worker
        if "failed" in worker:
            progress(f"worker {name} failed: {worker['failed']}")
            continue
        if Path(worker["hookfast_file"]).resolve() != Path(hookfast.__file__).resolve():
            # a worker measuring another hookfast (e.g. an uncompiled source tree) would be a lie
            raise SystemExit(
                f"hookfast.bench: the {name} worker imported {worker['hookfast_file']}, "
                f"not {hookfast.__file__}; refusing to compare different installations"
            )
        if name != BASELINE_WORKER:
            reasons = {
                entry["unavailable"]
                for entry in (worker["results"][s].get(name, {}) for s in scenario_names)
                if "unavailable" in entry
            }
            missing = [s for s in scenario_names if "ns" not in worker["results"][s].get(name, {})]
            if reasons and len(missing) == len(scenario_names):
                notes.append(f"{name} skipped: {'; '.join(sorted(reasons))}")
    return workers, notes


def _errors(workers: dict[str, dict[str, Any]]) -> list[str]:
    """The cases that failed their correctness check (not timed), then the workers that failed."""
    errors = [
        f"{name}: {scenario}/{impl}: {entry['error']}"
        for name, worker in workers.items()
        for scenario, per_impl in worker.get("results", {}).items()
        for impl, entry in per_impl.items()
        if "error" in entry
    ]
    errors += [f"{name}: {worker['failed']}" for name, worker in workers.items() if "failed" in worker]
    return errors


def collect(
    implementations: Sequence[str],
    scenario_names: Sequence[str],
    samples: int,
    sample_time: float,
    import_repeat: int = 20,
) -> Measurements:
    """Run the workers, then time ``import hookfast`` with and without the compiled backend."""
    workers, notes = _run_workers(implementations, scenario_names, samples, sample_time)
    errors = _errors(workers)
    progress(f"timing `import hookfast` in fresh interpreters ({import_repeat} runs each)")
    return Measurements(
        workers=workers,
        errors=errors,
        import_time=measure_import_time(import_repeat),
        import_time_python=measure_import_time(import_repeat, no_extensions=True),
        notes=notes,
    )


#: Times ``import hookfast`` in a fresh interpreter, after the standard modules it needs.
_IMPORT_HOOKFAST = f"""import time
started = time.perf_counter()
import {", ".join(IMPORT_STDLIB)}
middle = time.perf_counter()
import hookfast
ended = time.perf_counter()
import os
print(ended - started, ended - middle, hookfast.BACKEND, os.path.exists(hookfast.__cached__ or ""))
"""

#: Times the same interpreter importing just those standard modules.
_IMPORT_STDLIB = f"""import time
started = time.perf_counter()
import {", ".join(IMPORT_STDLIB)}
print(time.perf_counter() - started)
"""


def _import_env(no_extensions: bool) -> dict[str, str]:
    env = _child_env("python" if no_extensions else "default")
    # Measured as after an install, from bytecode caches: the first (untimed) import writes them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure_import_time(repeat: int = 20, no_extensions: bool = False) -> dict[str, Any]:
    """Time ``import hookfast`` beyond the standard modules it needs, in fresh interpreters.

    Interpreters importing :data:`~hookfast.bench.targets.IMPORT_STDLIB` and then hookfast alternate
    with interpreters importing just those modules, ``repeat`` of each after one untimed import that
    writes the bytecode caches; ``perf_counter`` is read around the imports, inside the interpreter.

    The figure the import target limits is the time of ``import hookfast`` in the interpreters
    that imported those modules first: the difference between the two kinds of interpreter, read
    within one. The difference of the two kinds' minima is the same quantity read across
    interpreters; on a shared machine it moved from 0.9 to 12.4 ms between runs in which the first
    moved from 4.4 to 5.0 ms, so it is kept as a cross-check only.

    Returns:
        ``ms``: the minimum time of ``import hookfast`` after those modules; ``total_ms`` and
        ``stdlib_ms``: the minima of the two kinds of interpreter; ``difference_ms``: the first
        minus the second; ``backend``; ``bytecode_cached``: whether hookfast's bytecode cache
        existed; the samples.
    """
    env = _import_env(no_extensions)

    def run(code: str) -> list[str]:
        out = _run_child([sys.executable, "-c", code], env, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"timing `import hookfast` failed: {out.stderr.strip()}")
        return out.stdout.split()

    run(_IMPORT_HOOKFAST)  # writes the bytecode caches where it can
    totals: list[float] = []
    alone: list[float] = []
    stdlib: list[float] = []
    backend, cached = "?", "False"
    for _ in range(repeat):
        total, own, backend, cached = run(_IMPORT_HOOKFAST)
        totals.append(float(total) * 1e3)
        alone.append(float(own) * 1e3)
        stdlib.append(float(run(_IMPORT_STDLIB)[0]) * 1e3)
    return {
        "ms": min(alone),
        "median_ms": statistics.median(alone),
        "total_ms": min(totals),
        "stdlib_ms": min(stdlib),
        "difference_ms": min(totals) - min(stdlib),
        "backend": backend,
        "bytecode_cached": cached == "True",
        "samples_ms": alone,
        "samples_total_ms": totals,
        "samples_stdlib_ms": stdlib,
    }


def import_breakdown(top: int = 6, runs: int = 3) -> list[tuple[str, str, float]]:
    """Where ``import hookfast`` goes beyond the standard modules it needs (``-X importtime``).

    Returns:
        ``(module, imported by, cumulative ms)`` for the non-hookfast modules imported directly by a
        hookfast module (the minimum over ``runs`` fresh interpreters), plus each hookfast module's own
        self time, costliest first.
    """
    best: dict[tuple[str, str], float] = {}
    for _ in range(runs):
        out = _run_child(
            [sys.executable, "-X", "importtime", "-c", f"import {', '.join(IMPORT_STDLIB)}; import hookfast"],
            _import_env(no_extensions=False),
            capture_output=True,
            text=True,
        )
        out.check_returncode()
        # -X importtime prints children before their parent, one level of indentation deeper
        pending: dict[int, list[tuple[str, float]]] = {}
        for line in out.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative_us, raw_name = line[len("import time:") :].split("|")
            name = raw_name.strip()
            depth = (len(raw_name) - len(raw_name.lstrip()) - 1) // 2
            children = pending.pop(depth + 1, [])
            if name.split(".")[0] == "hookfast":
                entries = [(child, name, ms) for child, ms in children if child.split(".")[0] != "hookfast"]
                entries.append((f"{name} (self)", name, int(self_us) / 1e3))
                for child, parent, ms in entries:
                    best[child, parent] = min(ms, best.get((child, parent), ms))
            pending.setdefault(depth, []).append((name, int(cumulative_us) / 1e3))
    ranked = sorted(best.items(), key=lambda item: -item[1])[:top]
    return [(module, parent, ms) for (module, parent), ms in ranked]
