"""``hookfast-bench`` (``python -m hookfast.bench``): the command line, then collect -> compare -> report.

Every SPEC §8 scenario is timed against every implementation (:mod:`~hookfast.bench.collect`, one
worker process each), compared and checked against the targets (:mod:`~hookfast.bench.compare`),
printed (:mod:`~hookfast.bench.report`) and written to ``bench-results.json`` and
``bench-results.png`` in ``--output-dir`` (:mod:`~hookfast.bench.output`). The same command, with
the hidden ``--worker`` flag, is the worker process itself.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hookfast.bench import collect, compare, output, report, scenarios, worker

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

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
        prog="python -m hookfast.bench",
        description="Time hookfast against plain methods, hand-written code, onETL 0.17 and pluggy; "
        "check SPEC §8's targets.",
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
    # The parent runs one worker process per implementation with these (see hookfast.bench.collect).
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", type=Path, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hookfast-bench``; returns the exit code (1 if a case failed its check)."""
    args = _parser().parse_args(argv)
    samples = args.samples or (3 if args.quick else 15)
    sample_time = args.sample_time or (0.002 if args.quick else 0.02)
    scenario_names = _split(args.scenarios, scenarios.SCENARIOS, "scenario(s)")
    if args.worker:
        result = worker.run_worker(args.worker, scenario_names, samples, sample_time)
        args.worker_output.write_text(json.dumps(result))
        return 0

    implementations = _split(args.implementations, scenarios.IMPLEMENTATIONS, "implementation(s)")
    versions = report.versions()
    header = report.header(versions, samples, sample_time, args.quick)
    print("\n".join(header), flush=True)

    measured = collect.collect(implementations, scenario_names, samples, sample_time)
    table = compare.compare(measured.workers, scenario_names)
    checks = compare.evaluate_targets(table, measured.import_time["ms"])
    print(report.format_measurements(measured), end="\n\n")
    print(report.format_report(table, checks, implementations))
    if measured.import_time["ms"] > compare.IMPORT_LIMIT_MS:
        # Only now, after the tables: it takes three more interpreters, and only explains a FAIL.
        measured.breakdown = collect.import_breakdown()
        print(report.format_breakdown(measured.breakdown))
    if measured.errors:
        print(report.format_errors(measured.errors))

    settings = {"samples": samples, "sample_time": sample_time, "quick": args.quick}
    document = output.document(header, versions, settings, measured, table, checks)
    print(output.write(args.output_dir, document, table, implementations))
    return 1 if measured.errors else 0
