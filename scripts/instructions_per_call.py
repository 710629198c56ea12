"""Instructions per call of benchmark scenarios, counted by callgrind: a repeatable figure on a noisy machine.

Usage::

    python scripts/instructions_per_call.py [--calls 50000] [--implementations cython,python] [SCENARIO ...]

For each scenario and implementation (``hookfast.bench.scenarios``), runs this interpreter twice
under ``valgrind --tool=callgrind``: once building the case and calling it ``--calls`` times, once
building it only, and prints the difference divided by ``--calls``. Wall-clock timings vary by 15%
and more between runs here; these counts vary by a few instructions, so a before/after comparison
of the dispatch code is exact (time is not: a cache miss costs more than an instruction). Needs
valgrind (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys

# Run in the child: build one case, call it N times.
_CHILD = """
import sys
from hookfast.bench import scenarios
case = scenarios.build(sys.argv[1], sys.argv[2])
call = case.func
for _ in range(int(sys.argv[3])):
    call()
"""


def _collected(scenario: str, implementation: str, calls: int) -> int:
    completed = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            _CHILD,
            scenario,
            implementation,
            str(calls),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONHASHSEED="0"),
        cwd=os.path.expanduser("~"),  # import the installed hookfast, not a source tree
    )
    match = re.search(r"Collected : (\d+)", completed.stderr)
    if match is None:
        raise RuntimeError(f"no callgrind total in:\n{completed.stderr}")
    return int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    from hookfast.bench import scenarios

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help=f"default: all of {', '.join(scenarios.SCENARIOS)}")
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--implementations", default="plain,cython,python")
    options = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 2
    implementations = options.implementations.split(",")
    print(f"{'scenario':<22}" + "".join(f"{name:>10}" for name in implementations))
    # a case is built in this process too, to skip the implementations a scenario does not have
    for scenario in options.scenarios or scenarios.SCENARIOS:
        row = []
        for implementation in implementations:
            try:
                scenarios.build(scenario, implementation)
            except scenarios.Unavailable:  # e.g. "plain" for a runner scenario
                row.append(f"{'-':>10}")
                continue
            per_call = (
                _collected(scenario, implementation, options.calls) - _collected(scenario, implementation, 0)
            ) // options.calls
            row.append(f"{per_call:>10,}")
        print(f"{scenario:<22}" + "".join(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
