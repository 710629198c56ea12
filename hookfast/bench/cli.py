"""``hookfast-bench`` (``python -m hookfast.bench``): the command line.

Every scenario is timed against every implementation in one interpreter (:mod:`~hookfast.bench.measure`:
one worker process per implementation), compared and checked against the project's targets
(:mod:`~hookfast.bench.targets`), printed (:mod:`~hookfast.bench.report`) and written to
``bench-results.json`` and ``bench-results.png`` in ``--output-dir`` (:mod:`~hookfast.bench.output`).
The interpreter is this one, or those given with ``--python`` (:mod:`~hookfast.bench.pythons`),
each measured on its own and reported side by side. The same command, with hidden flags, is a
worker process (``--worker``) and another interpreter's measurement (``--document-output``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hookfast.bench import scenarios

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["main"]


def _split(value: str | None, known: Sequence[str], what: str) -> list[str]:
    """The comma-separated subset of ``known`` in ``value`` (all if empty), in ``known``'s order."""
    if not value:
        return list(known)
    chosen = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in known]
    if unknown:
        raise SystemExit(f"hookfast.bench: unknown {what} {', '.join(unknown)}; known: {', '.join(known)}")
    return [item for item in known if item in chosen]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hookfast-bench",
        description="Time hookfast against plain methods, hand-written code, onETL 0.17, pluggy and "
        "mmcv's runner loop; check the project's targets (hookfast-bench --targets lists them).",
    )
    parser.add_argument(
        "--python",
        action="append",
        metavar="PATH",
        help="measure with this interpreter instead of the current one; repeat it for several (each "
        "needs hookfast with the bench extra installed): one report with a section per interpreter and "
        "a summary across them",
    )
    parser.add_argument(
        "--quick", action="store_true", help="few short samples: a smoke test, not a measurement"
    )
    parser.add_argument(
        "--implementations", help=f"comma-separated subset of {','.join(scenarios.IMPLEMENTATIONS)}"
    )
    parser.add_argument("--scenarios", help="comma-separated subset of the scenarios (default: all)")
    parser.add_argument(
        "--output-dir", type=Path, default=Path("."), help="where the json and png go (default: .)"
    )
    parser.add_argument("--samples", type=int, help="samples per case (default 15, --quick 3)")
    parser.add_argument("--sample-time", type=float, help="seconds per sample (default 0.02, --quick 0.002)")
    parser.add_argument(
        "--targets", action="store_true", help="print the project's targets table (Markdown) and exit"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="measure nothing: print the report of a saved bench-results.json and redraw its chart",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the results as the Markdown tables of docs/performance.md instead of the text report",
    )
    # Hidden: the parent runs one worker process per implementation (see hookfast.bench.collect),
    # and with --python, one measurement per interpreter (see hookfast.bench.pythons).
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--document-output", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hookfast-bench``; returns the exit code (1 if a case failed its check)."""
    args = _parser().parse_args(argv)
    if args.targets:
        from hookfast.bench.targets import render_markdown

        print(render_markdown())
        return 0
    samples = args.samples or (3 if args.quick else 15)
    sample_time = args.sample_time or (0.002 if args.quick else 0.02)
    scenario_names = _split(args.scenarios, scenarios.SCENARIOS, "scenario(s)")
    if args.worker:
        from hookfast.bench import worker

        result = worker.run_worker(args.worker, scenario_names, samples, sample_time)
        args.worker_output.write_text(json.dumps(result))
        return 0
    implementations = _split(args.implementations, scenarios.IMPLEMENTATIONS, "implementation(s)")
    if args.document_output:
        from hookfast.bench.measure import measure

        document = measure(implementations, scenario_names, samples, sample_time, args.quick)
        args.document_output.write_text(json.dumps(document))
        return 1 if document["errors"] else 0

    from hookfast.bench import output, report

    if args.from_json:
        results: dict[str, Any] = json.loads(args.from_json.read_text())
    else:
        results = output.results(
            _measure_all(args.python, implementations, scenario_names, samples, sample_time, args.quick)
        )
    print(report.format_markdown(results) if args.markdown else report.format_results(results))
    if args.from_json:
        print(output.write_chart_only(args.output_dir, results))
    else:
        print(output.write(args.output_dir, results))
    return 1 if any(document.get("errors") or "failed" in document for document in results["pythons"]) else 0


def _measure_all(
    pythons: list[str] | None,
    implementations: Sequence[str],
    scenario_names: Sequence[str],
    samples: int,
    sample_time: float,
    quick: bool,
) -> list[dict[str, Any]]:
    """One document per interpreter: this one, or each of ``pythons``, probed before any is measured."""
    if not pythons:
        from hookfast.bench.measure import measure

        return [measure(implementations, scenario_names, samples, sample_time, quick)]
    from hookfast.bench import pythons as others

    paths = [others.resolve(python) for python in pythons]
    probed = [others.probe(path) for path in paths]  # fail now, not after the first interpreter's run
    return [
        others.measure_in(path, found["python"], implementations, scenario_names, samples, sample_time, quick)
        for path, found in zip(paths, probed)
    ]
