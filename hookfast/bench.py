"""``python -m hookfast.bench``: time every SPEC §8 scenario against every implementation, check the targets.

Each implementation runs in its own subprocess (``--worker``), the pure-Python backend with
``HOOKFAST_NO_EXTENSIONS=1``. Every worker also times ``plain`` (the bare method) and ``hand`` (the same
calls written by hand), so ratios to them never cross a process; ratios between implementations
(python/cython, onETL/cython, pluggy/cython) divide each side by its own process's ``plain`` first.

Timing is timeit-style: each case's statement runs inline in a compiled loop, calibrated to about
``--sample-time`` per sample; samples of all the worker's cases are interleaved round by round, and the
minimum is kept. The scenarios come from ``hookfast._bench_scenarios``, shared with
the pytest-benchmark suite in ``benchmarks/``. Results go to ``bench-results.json`` and
``bench-results.png`` in ``--output-dir``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["main"]

IMPLEMENTATIONS = ("plain", "hand", "python", "cython", "onetl", "pluggy")
BASELINES = ("plain", "hand")
#: The implementation each worker is named after and runs in its own process, in run order.
WORKERS = ("cython", "python", "onetl", "pluggy")

_SHORT = {
    "plain": "plain",
    "hand": "hand",
    "python": "py",
    "cython": "cy",
    "onetl": "onETL",
    "pluggy": "pluggy",
}


# --- the shared scenarios ---


def load_scenarios() -> ModuleType:
    """The scenario definitions shared with ``benchmarks/test_bench_dispatch.py``."""
    from hookfast import _bench_scenarios

    return _bench_scenarios


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- worker: time the cases of one implementation (plus the baselines) in this process ---


def _calibrate(timer: timeit.Timer, sample_time: float) -> int:
    """Loop count making one sample last about ``sample_time`` seconds (timeit.autorange, scaled)."""
    loops = 1
    while True:
        elapsed = timer.timeit(loops)
        if elapsed >= sample_time / 5:
            return max(1, round(loops * sample_time / elapsed))
        loops *= 10 if elapsed < sample_time / 50 else 2


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

    scenarios = load_scenarios()
    tag = f"[{implementation}]"
    implementations = [*BASELINES, *([implementation] if implementation != "baseline" else [])]
    results: dict[str, dict[str, Any]] = {}
    timers: dict[tuple[str, str], timeit.Timer] = {}
    for scenario in scenario_names:
        results[scenario] = {}
        for name in reversed(implementations):  # the worker's own implementation first
            try:
                case = scenarios.build(scenario, name)
                case.check()
            except scenarios.Unavailable as reason:
                results[scenario][name] = {"unavailable": str(reason)}
                if name == implementation and implementation not in ("python", "cython"):
                    break  # no baselines needed in this process (the cython/python workers have them)
                continue
            except Exception as error:
                results[scenario][name] = {"error": f"{type(error).__name__}: {error}"}
                _progress(f"{tag} ERROR {scenario}/{name}: {type(error).__name__}: {error}")
                continue
            timers[scenario, name] = timeit.Timer(case.stmt, globals=case.namespace)
    timers["_loop", "empty"] = timeit.Timer("result = None")

    started = time.perf_counter()
    loops = {key: _calibrate(timer, sample_time) for key, timer in timers.items()}
    _progress(f"{tag} calibrated {len(timers)} cases in {time.perf_counter() - started:.1f} s")
    measured: dict[tuple[str, str], list[float]] = {key: [] for key in timers}
    order = list(timers)
    rng = random.Random(0)
    for number in range(1, samples + 1):
        rng.shuffle(order)  # interleaved, in a different order every round
        for key in order:
            measured[key].append(timers[key].timeit(loops[key]) / loops[key] * 1e9)
        if number == samples or number % 5 == 0:
            _progress(f"{tag} sample {number}/{samples} ({time.perf_counter() - started:.1f} s)")

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


# --- parent: run the workers, compare, report ---


def _child_env(implementation: str) -> dict[str, str]:
    env = dict(os.environ)
    # The children must import the same hookfast as this process: put its parent directory first on
    # PYTHONPATH, and start them from an empty directory (see _run_child).
    root = str(Path(__file__).resolve().parent.parent)
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


def measure_import_time(repeat: int = 10, no_extensions: bool = False) -> dict[str, Any]:
    """Time ``import hookfast`` in fresh interpreters (perf_counter around the import); keep the minimum."""
    code = (
        "import time; t = time.perf_counter(); import hookfast; t = time.perf_counter() - t; "
        "print(t, hookfast.BACKEND)"
    )
    env = _child_env("python" if no_extensions else "default")
    times: list[float] = []
    backend = "?"
    for _ in range(repeat):
        out = _run_child([sys.executable, "-c", code], env, capture_output=True, text=True)
        out.check_returncode()
        seconds, backend = out.stdout.split()
        times.append(float(seconds) * 1e3)
    return {"ms": min(times), "median_ms": statistics.median(times), "samples_ms": times, "backend": backend}


def import_breakdown(top: int = 6, runs: int = 3) -> list[tuple[str, str, float]]:
    """Where ``import hookfast`` goes (``-X importtime``): the costliest modules hookfast imports itself.

    Returns:
        ``(module, imported by, cumulative ms)`` for the non-hookfast modules imported directly by a
        hookfast module (the minimum over ``runs`` fresh interpreters), plus each hookfast module's own
        self time, costliest first.
    """
    best: dict[tuple[str, str], float] = {}
    for _ in range(runs):
        out = _run_child(
            [sys.executable, "-X", "importtime", "-c", "import hookfast"],
            _child_env("default"),
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


def _ns(worker: dict[str, Any] | None, scenario: str, name: str) -> float | None:
    if worker is None or "results" not in worker:
        return None
    entry = worker["results"].get(scenario, {}).get(name, {})
    value = entry.get("ns")
    return float(value) if value is not None else None


def compare(workers: dict[str, dict[str, Any]], scenario_names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per scenario: ns/call per implementation and the ratios the report prints.

    ``plain``/``hand`` ns are those of the reference worker (cython, else the first that ran).
    ``X/plain`` and ``X/hand`` use X's own process; ``X/cython`` divides ``X/plain`` by ``cython/plain``.
    """
    table: dict[str, dict[str, Any]] = {}
    for scenario in scenario_names:
        reference = next(
            (
                workers[name]
                for name in (*WORKERS, "baseline")
                if name in workers and _ns(workers[name], scenario, "plain") is not None
            ),
            None,
        )
        ns: dict[str, float | None] = {
            "plain": _ns(reference, scenario, "plain"),
            "hand": _ns(reference, scenario, "hand"),
        }
        to_plain: dict[str, float | None] = {}
        to_hand: dict[str, float | None] = {}
        for name in WORKERS:
            worker = workers.get(name)
            value = _ns(worker, scenario, name)
            ns[name] = value
            plain, hand = _ns(worker, scenario, "plain"), _ns(worker, scenario, "hand")
            to_plain[name] = value / plain if value is not None and plain else None
            to_hand[name] = value / hand if value is not None and hand else None
        versus_cython: dict[str, float | None] = {}
        for name in ("python", "onetl", "pluggy"):
            mine, cython = to_plain.get(name), to_plain.get("cython")
            versus_cython[name] = mine / cython if mine is not None and cython else None
        table[scenario] = {"ns": ns, "to_plain": to_plain, "to_hand": to_hand, "vs_cython": versus_cython}
    return table


#: hooked scenarios without a SPEC §8 target of their own (the cross-implementation ones still apply)
UNTARGETED = ("held_one_hook",)


def evaluate_targets(
    table: dict[str, dict[str, Any]], hooked: Sequence[str], import_ms: float | None
) -> list[dict[str, Any]]:
    """Check SPEC §8 against the measured ratios; one entry per target x scenario.

    The plain/hand-written targets apply to the compiled backend (the pure-Python one if it is all
    there is); the cross-implementation ones are "X is Nx slower than cython".
    """
    checks: list[dict[str, Any]] = []
    have_cython = any(row["ns"].get("cython") is not None for row in table.values())
    backend = "cython" if have_cython else "python"

    def add(target: str, scenario: str, value: float | None, limit: float, at_most: bool) -> None:
        if value is None:
            verdict = "n/a"
        else:
            verdict = "PASS" if (value <= limit if at_most else value >= limit) else "FAIL"
        checks.append(
            {"target": target, "scenario": scenario, "value": value, "limit": limit, "verdict": verdict}
        )

    for scenario, row in table.items():
        if scenario in ("no_hooks", "disabled", "suspended"):
            add(f"{scenario}, {backend} <= 1.02x plain", scenario, row["to_plain"].get(backend), 1.02, True)
        elif scenario == "five_hooks":
            add(f"5 hooks, {backend} <= 1.3x hand", scenario, row["to_hand"].get(backend), 1.3, True)
            add("5 hooks, pluggy >= 5x slower", scenario, row["vs_cython"].get("pluggy"), 5.0, False)
        elif scenario in UNTARGETED:
            pass  # measured for the record: SPEC §8 sets no target for it
        elif scenario in hooked:
            add(f"1 hook, {backend} <= 1.5x hand", scenario, row["to_hand"].get(backend), 1.5, True)
        add("onETL >= 200x slower", scenario, row["vs_cython"].get("onetl"), 200.0, False)
        if scenario in hooked:
            add("python >= 3x slower than cython", scenario, row["vs_cython"].get("python"), 3.0, False)
    add("import hookfast <= 10 ms", "-", import_ms, 10.0, True)
    return checks


def _fmt_ns(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _fmt_ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}x" if value >= 100 else f"{value:.2f}x"


def _render(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(header), *(len(row[column]) for row in rows)) for column, header in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        )
    return "\n".join(lines)


def format_report(
    table: dict[str, dict[str, Any]], checks: list[dict[str, Any]], implementations: Sequence[str]
) -> str:
    """The two tables (ns/call, ratios with SPEC §8 verdicts) and the list of targets."""
    shown = _shown(table, implementations)
    ns_rows = [
        [scenario, *(_fmt_ns(row["ns"].get(name)) for name in shown)] for scenario, row in table.items()
    ]
    parts = ["ns/call (minimum over samples; plain/hand from the reference process)"]
    parts.append(_render(["scenario", *shown], ns_rows))

    ratio_columns: list[tuple[str, str, str]] = []
    for name in ("cython", "python"):
        if name in shown:
            ratio_columns += [
                (f"{_SHORT[name]}/plain", "to_plain", name),
                (f"{_SHORT[name]}/hand", "to_hand", name),
            ]
    for name in ("python", "onetl", "pluggy"):
        if name in shown and "cython" in shown:
            ratio_columns.append((f"{_SHORT[name]}/cy", "vs_cython", name))
    ratio_rows = []
    for scenario, row in table.items():
        verdicts = [check for check in checks if check["scenario"] == scenario and check["verdict"] != "n/a"]
        failed = [check for check in verdicts if check["verdict"] == "FAIL"]
        spec = (
            "-" if not verdicts else ("PASS" if not failed else "FAIL " + ",".join(_tag(c) for c in failed))
        )
        ratio_rows.append(
            [scenario, *(_fmt_ratio(row[kind].get(name)) for _, kind, name in ratio_columns), spec]
        )
    parts += ["", "ratios (X/cy: slowdown relative to cython, each side normalised by its own plain)"]
    parts.append(_render(["scenario", *(title for title, _, _ in ratio_columns), "SPEC §8"], ratio_rows))

    parts += ["", "SPEC §8 targets"]
    target_rows = [
        [
            c["verdict"],
            c["target"],
            c["scenario"],
            _fmt_ratio(c["value"])
            if c["scenario"] != "-"
            else (f"{c['value']:.1f} ms" if c["value"] is not None else "n/a"),
            str(c["limit"]),
        ]
        for c in checks
    ]
    parts.append(_render(["result", "target", "scenario", "measured", "limit"], target_rows))
    counted = [c for c in checks if c["verdict"] != "n/a"]
    passed = sum(c["verdict"] == "PASS" for c in counted)
    parts.append(f"\n{passed}/{len(counted)} targets pass ({len(checks) - len(counted)} n/a)")
    return "\n".join(parts)


def _shown(table: dict[str, dict[str, Any]], implementations: Sequence[str]) -> list[str]:
    """The requested implementations, minus onETL/pluggy when they did not run at all (not installed)."""
    return [
        name
        for name in IMPLEMENTATIONS
        if name in implementations
        and (
            name in ("plain", "hand", "python", "cython")
            or any(row["ns"].get(name) for row in table.values())
        )
    ]


def _tag(check: dict[str, Any]) -> str:
    target: str = check["target"]
    if "onETL" in target:
        return "onETL"
    if "pluggy" in target:
        return "pluggy"
    if "python >=" in target:
        return "py/cy"
    return "hand" if "hand" in target else "plain"


def write_chart(
    table: dict[str, dict[str, Any]], implementations: Sequence[str], path: Path, title: str
) -> bool:
    """Grouped bar chart of ns/call, log scale (matplotlib, Agg). Returns False if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    shown = _shown(table, implementations)
    scenario_names = list(table)
    width = 0.8 / max(1, len(shown))
    figure, axes = plt.subplots(figsize=(max(8.0, 1.9 * len(scenario_names)), 6.0), dpi=110)
    colors = {
        "plain": "#9e9e9e",
        "hand": "#616161",
        "python": "#4c9be8",
        "cython": "#1a5fb4",
        "onetl": "#e66100",
        "pluggy": "#2ec27e",
    }
    for index, name in enumerate(shown):
        xs, heights = [], []
        for position, scenario in enumerate(scenario_names):
            value = table[scenario]["ns"].get(name)
            if value is not None:
                xs.append(position + (index - (len(shown) - 1) / 2) * width)
                heights.append(value)
        bars = axes.bar(xs, heights, width=width, label=name, color=colors.get(name))
        for bar, value in zip(bars, heights):
            axes.annotate(
                _fmt_ns(value),
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
    axes.legend(ncol=len(shown), loc="upper left", fontsize=8)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True


def _versions() -> dict[str, str | None]:
    from importlib import metadata

    found: dict[str, str | None] = {}
    for distribution in ("onetl", "pluggy", "matplotlib", "Cython"):
        try:
            found[distribution] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            found[distribution] = None
    return found


def _split(value: str | None, known: Sequence[str], what: str) -> list[str]:
    if not value:
        return list(known)
    chosen = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in known]
    if unknown:
        raise SystemExit(f"hookfast.bench: unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return [item for item in known if item in chosen]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hookfast.bench",
        description="Time hookfast against plain methods, hand-written code, onETL 0.17 and pluggy; "
        "check SPEC §8's targets.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="few short samples: a smoke test, not a measurement"
    )
    parser.add_argument("--implementations", help=f"comma-separated subset of {','.join(IMPLEMENTATIONS)}")
    parser.add_argument("--scenarios", help="comma-separated subset of the scenarios (default: all)")
    parser.add_argument(
        "--output-dir", type=Path, default=Path("."), help="where the json and png go (default: .)"
    )
    parser.add_argument("--samples", type=int, help="samples per case (default 15, --quick 3)")
    parser.add_argument("--sample-time", type=float, help="seconds per sample (default 0.02, --quick 0.002)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m hookfast.bench``; returns the exit code (1 if a case failed its check)."""
    args = _parser().parse_args(argv)
    samples = args.samples or (3 if args.quick else 15)
    sample_time = args.sample_time or (0.002 if args.quick else 0.02)
    scenarios = load_scenarios()
    scenario_names = _split(args.scenarios, scenarios.SCENARIOS, "scenario(s)")

    if args.worker:
        result = run_worker(args.worker, scenario_names, samples, sample_time)
        args.worker_output.write_text(json.dumps(result))
        return 0

    import hookfast

    implementations = _split(args.implementations, IMPLEMENTATIONS, "implementation(s)")
    versions = _versions()
    header = [
        f"hookfast {hookfast.__version__}: BACKEND={hookfast.BACKEND}, imported from {hookfast.__file__}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}, "
        f"{os.cpu_count()} CPUs",
        "onETL {onetl}, pluggy {pluggy}, matplotlib {matplotlib}, Cython {Cython}".format(
            **{key: value or "not installed" for key, value in versions.items()}
        ),
        f"{samples} samples of ~{sample_time * 1e3:g} ms per case, interleaved; minimum kept"
        + (" (--quick: not a measurement)" if args.quick else ""),
    ]
    print("\n".join(header), flush=True)

    worker_names = [name for name in WORKERS if name in implementations] or ["baseline"]
    workers: dict[str, dict[str, Any]] = {}
    for number, name in enumerate(worker_names, 1):
        _progress(f"worker {number}/{len(worker_names)}: {name}")
        worker = _run_worker_process(name, scenario_names, samples, sample_time)
        workers[name] = worker
        if "failed" in worker:
            _progress(f"worker {name} failed: {worker['failed']}")
            continue
        if Path(worker["hookfast_file"]).resolve() != Path(hookfast.__file__).resolve():
            # a worker measuring another hookfast (e.g. an uncompiled source tree) would be a lie
            raise SystemExit(
                f"hookfast.bench: the {name} worker imported {worker['hookfast_file']}, "
                f"not {hookfast.__file__}; refusing to compare different installations"
            )
        if name != "baseline":
            reasons = {
                entry["unavailable"]
                for entry in (worker["results"][s].get(name, {}) for s in scenario_names)
                if "unavailable" in entry
            }
            missing = [s for s in scenario_names if "ns" not in worker["results"][s].get(name, {})]
            if reasons and len(missing) == len(scenario_names):
                print(f"note: {name} skipped: {'; '.join(sorted(reasons))}", flush=True)

    errors = [
        f"{name}: {scenario}/{impl}: {entry['error']}"
        for name, worker in workers.items()
        for scenario, per_impl in worker.get("results", {}).items()
        for impl, entry in per_impl.items()
        if "error" in entry
    ]
    errors += [f"{name}: {worker['failed']}" for name, worker in workers.items() if "failed" in worker]

    _progress("timing `import hookfast` in fresh interpreters (10 runs)")
    import_time = measure_import_time()
    import_time_python = measure_import_time(no_extensions=True)
    loop_overheads = {
        name: round(worker["loop_overhead_ns"], 1)
        for name, worker in workers.items()
        if "loop_overhead_ns" in worker
    }
    table = compare(workers, scenario_names)
    checks = evaluate_targets(table, scenarios.HOOKED_SCENARIOS, import_time["ms"])
    print(f"timing-loop overhead per iteration (included everywhere, not subtracted): {loop_overheads} ns")
    print(
        f"import hookfast: {import_time['ms']:.1f} ms (backend {import_time['backend']}), "
        f"{import_time_python['ms']:.1f} ms with HOOKFAST_NO_EXTENSIONS=1; min of 10 fresh interpreters"
    )
    print()
    print(format_report(table, checks, implementations))
    breakdown = None
    if import_time["ms"] > 10.0:
        breakdown = import_breakdown()
        print(
            "import hookfast is over 10 ms; costliest imports (-X importtime, cumulative, min of 3): "
            + ", ".join(
                f"{name} {ms:.1f} ms" + ("" if name.endswith("(self)") else f" (by {parent})")
                for name, parent, ms in breakdown
            )
        )
    if errors:
        print("\nCORRECTNESS CHECK FAILURES (those cases were not timed):\n  " + "\n  ".join(errors))

    output_dir: Path = args.output_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "bench-results.json"
    document = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "header": header,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "hookfast": {"version": hookfast.__version__, "backend": hookfast.BACKEND, "file": hookfast.__file__},
        "versions": versions,
        "settings": {"samples": samples, "sample_time": sample_time, "quick": args.quick},
        "scenarios": {name: scenarios.describe(name) for name in scenario_names},
        "import_time": {"default": import_time, "no_extensions": import_time_python, "breakdown": breakdown},
        "table": table,
        "targets": checks,
        "errors": errors,
        "workers": workers,
    }
    json_path.write_text(json.dumps(document, indent=2))
    png_path = output_dir / "bench-results.png"
    title = (
        f"hookfast {hookfast.__version__} dispatch, ns/call (min of {samples}), "
        f"Python {platform.python_version()}"
    )
    if write_chart(table, implementations, png_path, title):
        print(f"\nwrote {json_path} and {png_path}")
    else:
        print(f"\nwrote {json_path}; matplotlib is not importable, so no chart")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
