"""``hookfast-bench --python PATH``: measure other interpreters, each with its own installed hookfast.

Each interpreter runs ``PATH -m hookfast.bench --document-output FILE`` with the same settings, from
an empty directory (so a source checkout in the working directory is not what it imports), and
writes its document (see :mod:`hookfast.bench.measure`). Before anything is measured, every
interpreter is probed: a missing hookfast, a missing bench module or a document format other than
this one's stops the run with a message saying how to install it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hookfast.bench.measure import FORMAT
from hookfast.bench.worker import progress

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

__all__ = ["measure_in", "probe", "resolve"]

#: Run by each interpreter before the measurement: what it would measure.
_PROBE = """import json, platform, sys
import hookfast
from hookfast.bench import measure
print(json.dumps({"python": platform.python_version(), "executable": sys.executable,
                  "hookfast": hookfast.__version__, "file": hookfast.__file__, "format": measure.FORMAT}))
"""


def resolve(python: str) -> str:
    """The interpreter ``python`` names (a path, or a command found on PATH), as an absolute path.

    Symbolic links are kept: a venv's ``bin/python`` links to its base interpreter, which does not
    see the venv's packages.
    """
    found = python if os.sep in python else shutil.which(python)
    if found is None or not Path(found).is_file():
        raise SystemExit(f"hookfast.bench: --python {python}: no such interpreter")
    return os.path.abspath(found)  # the measurements run from another directory


def _run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="hookfast-bench-cwd-") as neutral:
        return subprocess.run(command, cwd=neutral, check=False, text=True, **options)


def probe(python: str) -> dict[str, Any]:
    """What ``python`` has installed: its version, hookfast's version and file, the document format.

    Raises:
        SystemExit: hookfast or its bench module cannot be imported there, or the format differs.
    """
    completed = _run([python, "-c", _PROBE], capture_output=True)
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(
            f"hookfast.bench: --python {python} cannot run the benchmark ({last}); install hookfast with "
            f"the bench extra there: {python} -m pip install '.[bench]' (from a checkout)"
        )
    found: dict[str, Any] = json.loads(completed.stdout)
    if found["format"] != FORMAT:
        raise SystemExit(
            f"hookfast.bench: --python {python} has hookfast {found['hookfast']} ({found['file']}), whose "
            f"benchmark documents are format {found['format']}, not {FORMAT}; install the same hookfast there"
        )
    return found


def measure_in(
    python: str,
    version: str,
    implementations: Sequence[str],
    scenario_names: Sequence[str],
    samples: int,
    sample_time: float,
    quick: bool,
) -> dict[str, Any]:
    """Measure with interpreter ``python`` (CPython ``version``); its document, or one saying it failed.

    Returns:
        The interpreter's document (see :func:`hookfast.bench.measure.measure`), or ``{"python":
        version, "executable": python, "failed": reason}`` if it wrote none.
    """
    with tempfile.TemporaryDirectory(prefix="hookfast-bench-") as directory:
        output = Path(directory) / "document.json"
        command = [
            python,
            "-m",
            "hookfast.bench",
            "--document-output",
            str(output),
            "--implementations",
            ",".join(implementations),
            "--scenarios",
            ",".join(scenario_names),
            "--samples",
            str(samples),
            "--sample-time",
            str(sample_time),
            *(["--quick"] if quick else []),
        ]
        progress(f"measuring with {python}")
        # It prints nothing but progress, and its workers' progress: all of it to our stderr.
        completed = _run(command, stdout=sys.stderr)
        if not output.is_file():
            return {"python": version, "executable": python, "failed": f"exited with {completed.returncode}"}
        document: dict[str, Any] = json.loads(output.read_text())
        return document
