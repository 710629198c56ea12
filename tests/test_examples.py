"""The scripts in ``examples/`` run as written, in a fresh interpreter.

Each script picks its dispatch backend at import, from the environment it inherits (as a user's
program does), not from the ``backend`` fixture: so these tests run once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(script: Path) -> subprocess.CompletedProcess[str]:
    # the same hookfast as this test process
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    return subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_examples_tldr_script_runs() -> None:
    result = run_example(EXAMPLES / "tldr.py")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 2"
    assert lines[1].startswith("MyClass.method returned None; hookfast backend: ")


def test_examples_priorities_script_runs() -> None:
    script = EXAMPLES / "priorities.py"
    result = run_example(script)
    assert result.returncode == 0, result.stderr
    # the script documents its expected output in '# > ' comment lines
    expected = [line[4:] for line in script.read_text().splitlines() if line.startswith("# > ")]
    assert expected
    assert result.stdout.splitlines() == expected


def test_examples_training_loop_script_runs() -> None:
    """The mmcv-style runner example: mmcv's OptimizerHook fits y = 2x; output as documented."""
    script = EXAMPLES / "training_loop.py"
    result = run_example(script)
    assert result.returncode == 0, result.stderr
    expected = [line[4:] for line in script.read_text().splitlines() if line.startswith("# > ")]
    assert expected[-1] == "final weight 2.000"
    # the hook table's lines end in padding, which the '# > ' comments cannot keep
    assert [line.rstrip() for line in result.stdout.splitlines()] == expected
