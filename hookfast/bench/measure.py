"""One interpreter's measurement as one JSON-able document: collect -> compare -> check the targets.

``hookfast-bench`` makes one document per Python it measures: in this process for the interpreter
running it, through ``PYTHON -m hookfast.bench --document-output FILE`` for the others (see
:mod:`hookfast.bench.pythons`). :mod:`hookfast.bench.report` and :mod:`hookfast.bench.output`
render and write documents; they never measure.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys

import hookfast
from hookfast.bench import collect, compare, scenarios
from hookfast.bench.worker import progress

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["FORMAT", "header", "measure", "versions"]

#: The document's format; a report across Pythons needs the same one from every interpreter.
FORMAT = 2


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
    """The lines that say what was measured, where, and how (printed first, stored in the document)."""
    return [
        f"hookfast {hookfast.__version__}: BACKEND={hookfast.BACKEND}, imported from {hookfast.__file__}",
        f"Python {platform.python_version()} ({platform.python_implementation()}, {sys.executable}) "
        f"on {platform.platform()}, {os.cpu_count()} CPUs",
        "onETL {onetl}, pluggy {pluggy}, matplotlib {matplotlib}, Cython {Cython}".format(
            **{key: value or "not installed" for key, value in found.items()}
        ),
        f"{samples} samples of ~{sample_time * 1e3:g} ms per case, a scenario's cases back to back in each "
        "round; ns/call: the minimum, ratios: the median of the rounds' ratios"
        + (" (--quick: not a measurement)" if quick else ""),
    ]


def measure(
    implementations: Sequence[str],
    scenario_names: Sequence[str],
    samples: int,
    sample_time: float,
    quick: bool,
) -> dict[str, Any]:
    """Measure this interpreter: every scenario x implementation, ``import hookfast``, the targets.

    Returns:
        The document: ``format``, ``date``, ``header``, ``python`` (version string),
        ``python_version`` ([major, minor]), ``executable``, ``platform``, ``hookfast`` (version,
        backend, file), ``versions`` (optional distributions), ``settings``, ``scenarios`` (name ->
        description), ``import_time``, ``table`` (see :func:`hookfast.bench.compare.compare`),
        ``targets`` (see :func:`hookfast.bench.compare.evaluate_targets`), ``errors``, ``notes``
        and ``workers`` (every raw sample).
    """
    found = versions()
    lines = header(found, samples, sample_time, quick)
    progress("\n".join(lines))
    measured = collect.collect(
        implementations, scenario_names, samples, sample_time, import_repeat=3 if quick else 20
    )
    table = compare.compare(measured.workers, scenario_names)
    python = (sys.version_info[0], sys.version_info[1])
    checks = compare.evaluate_targets(table, measured.import_time["ms"], python)
    if any(check["figure"] == "import_ms" and check["verdict"] == "FAIL" for check in checks):
        # Only then: three more interpreters, and it only explains a FAIL.
        measured.breakdown = collect.import_breakdown()
    return {
        "format": FORMAT,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "header": lines,
        "python": platform.python_version(),
        "python_version": list(python),
        "executable": sys.executable,
        "platform": platform.platform(),
        "hookfast": {"version": hookfast.__version__, "backend": hookfast.BACKEND, "file": hookfast.__file__},
        "versions": found,
        "settings": {
            "samples": samples,
            "sample_time": sample_time,
            "quick": quick,
            "implementations": list(implementations),
        },
        "scenarios": {name: scenarios.describe(name) for name in table},
        "import_time": {
            "default": measured.import_time,
            "no_extensions": measured.import_time_python,
            "breakdown": measured.breakdown,
        },
        "loop_overheads": measured.loop_overheads,
        "table": table,
        "targets": checks,
        "errors": measured.errors,
        "notes": measured.notes,
        "workers": measured.workers,
    }
