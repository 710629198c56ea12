"""The benchmark report, smoke-tested as users run it: the installed console script, from the project root."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hookfast
from hookfast import _dispatch

ROOT = Path(__file__).resolve().parent.parent


def _console_script() -> str:
    script = shutil.which("hookfast-bench", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the hookfast-bench console script is not installed next to this interpreter")
    return script


def test_report_measures_the_installed_backends_from_the_project_root(tmp_path: Path) -> None:
    # From the project root, `python -m` children would import the uncompiled source tree: the
    # report must still measure the package this interpreter imports, compiled backend included.
    completed = subprocess.run(
        [
            _console_script(),
            "--quick",
            "--scenarios",
            "one_hook",
            "--implementations",
            "plain,hand,python,cython",
            "--output-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        env={key: value for key, value in os.environ.items() if key != "HOOKFAST_NO_EXTENSIONS"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    document = json.loads((tmp_path / "bench-results.json").read_text())
    assert Path(document["hookfast"]["file"]).resolve() == Path(hookfast.__file__).resolve()
    row = document["table"]["one_hook"]
    assert "python" in json.dumps(row)
    for worker in document["workers"].values():
        assert Path(worker["hookfast_file"]).resolve() == Path(hookfast.__file__).resolve()
    if "cython" in _dispatch.available():
        assert document["workers"]["cython"]["hookfast_backend"] == "cython"
        assert document["workers"]["cython"]["results"]["one_hook"]["cython"]["ns"] > 0
