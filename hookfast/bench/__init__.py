"""The benchmark report, ``hookfast-bench`` (or ``python -m hookfast.bench``), and its scenarios.

- :mod:`~hookfast.bench.targets`: the project's performance targets, one table (the report checks
  it, ``docs/performance.md`` shows it);
- :mod:`~hookfast.bench.scenarios`: the scenarios, built as timeable cases for every
  implementation (with :mod:`~hookfast.bench.cases`, :mod:`~hookfast.bench.receivers` and
  :mod:`~hookfast.bench.builders`; the async and runner scenarios' cases in
  :mod:`~hookfast.bench.async_cases` and :mod:`~hookfast.bench.runner_cases`); also used by
  ``benchmarks/`` and ``scripts/``;
- :mod:`~hookfast.bench.worker`: times one implementation's cases in its own process;
- :mod:`~hookfast.bench.collect`: runs the workers, times ``import hookfast``;
- :mod:`~hookfast.bench.compare`: the ratios, and the targets checked against them;
- :mod:`~hookfast.bench.measure`: one interpreter's measurement as one document;
- :mod:`~hookfast.bench.pythons`: the same in other interpreters (``--python``);
- :mod:`~hookfast.bench.report` and :mod:`~hookfast.bench.output`: the printed report, the
  Markdown tables, the JSON and the chart;
- :mod:`~hookfast.bench.cli`: the command line and :func:`main`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``hookfast-bench`` (see :func:`hookfast.bench.cli.main`)."""
    # Imported on demand: ``hookfast.bench.scenarios`` alone (benchmarks/, scripts/) needs no CLI,
    # subprocess or report machinery.
    from hookfast.bench.cli import main as run

    return run(argv)
