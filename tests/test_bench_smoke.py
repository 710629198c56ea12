"""The benchmark report, smoke-tested as users run it (the installed console script, from the project
root), and the targets table it checks: rendered into the docs, per-version limits, tolerances."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest

import hookfast
from hookfast import _dispatch
from hookfast.bench import cli, compare, scenarios
from hookfast.bench.targets import EVERY_SCENARIO, FOR_THE_RECORD, IMPORT, TARGETS, Limit, render_markdown

ROOT = Path(__file__).resolve().parent.parent
PYTHON = (sys.version_info[0], sys.version_info[1])


def _console_script() -> str:
    script = shutil.which("hookfast-bench", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the hookfast-bench console script is not installed next to this interpreter")
    return script


def _run(*arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    # From the project root, `python -m` children would import the uncompiled source tree: the
    # report must still measure the package this interpreter imports, compiled backend included.
    return subprocess.run(
        [_console_script(), *arguments],
        cwd=ROOT,
        env={key: value for key, value in os.environ.items() if key != "HOOKFAST_NO_EXTENSIONS"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _assert_chart(chart: Path, stdout: str) -> None:
    if importlib.util.find_spec("matplotlib") is None:
        # the test extra leaves matplotlib out: the report says there is no chart instead of failing
        assert not chart.exists()
        assert "matplotlib is not importable, so no chart" in stdout
    else:
        assert chart.stat().st_size > 0


def test_report_measures_the_installed_backends_from_the_project_root(tmp_path: Path) -> None:
    completed = _run(
        "--quick",
        "--scenarios",
        "one_hook",
        "--implementations",
        "plain,hand,python,cython",
        "--output-dir",
        str(tmp_path),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [document] = json.loads((tmp_path / "bench-results.json").read_text())["pythons"]
    assert document["python"] == platform.python_version()
    assert Path(document["hookfast"]["file"]).resolve() == Path(hookfast.__file__).resolve()
    row = document["table"]["one_hook"]
    assert row["ns"]["python"] > 0
    for worker in document["workers"].values():
        assert Path(worker["hookfast_file"]).resolve() == Path(hookfast.__file__).resolve()
    if "cython" in _dispatch.available():
        assert document["workers"]["cython"]["hookfast_backend"] == "cython"
        assert document["workers"]["cython"]["results"]["one_hook"]["cython"]["ns"] > 0
    # one_hook's own target, the compiled-vs-pure-Python one, and the import target (onETL's: n/a)
    checked = {check["target"] for check in document["targets"] if check["verdict"] != "n/a"}
    assert checked == {"one_hook", "compiled_not_slower", "import"}
    import_time = document["import_time"]["default"]
    assert 0 < import_time["ms"] < import_time["total_ms"]
    assert import_time["difference_ms"] == pytest.approx(import_time["total_ms"] - import_time["stdlib_ms"])
    _assert_chart(tmp_path / "bench-results.png", completed.stdout)
    assert f"targets on CPython {platform.python_version()}" in completed.stdout


def test_python_option_reports_each_interpreter_and_a_summary(tmp_path: Path) -> None:
    # The current interpreter twice: two measurements in other processes, one report across them.
    completed = _run(
        "--quick",
        "--python",
        sys.executable,
        "--python",
        sys.executable,
        "--scenarios",
        "no_hooks,one_hook",
        "--implementations",
        "plain,hand,python,cython",
        "--output-dir",
        str(tmp_path),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "bench-results.json").read_text())
    version = platform.python_version()
    assert [document["label"] for document in results["pythons"]] == [version, f"{version} (2)"]
    for document in results["pythons"]:
        assert Path(document["executable"]).resolve() == Path(sys.executable).resolve()
        assert set(document["table"]) == {"no_hooks", "one_hook"}
        assert any(check["target"] == "no_hook" for check in document["targets"])
    assert [target["key"] for target in results["targets_table"]] == [target.key for target in TARGETS]
    assert f"===== CPython {version} ({sys.executable}) =====" in completed.stdout
    assert "===== across Pythons" in completed.stdout
    summary = completed.stdout.split("===== across Pythons")[1]
    assert re.search(rf"one_hook\s.*{re.escape(version)}", summary) is None  # versions are columns
    assert re.search(r"\n2\s+one_hook\s+one_hook\s+cy/hand\s", summary)

    # The saved JSON renders again without measuring: text, Markdown for the docs, the chart.
    redrawn = tmp_path / "redrawn"
    markdown = _run(
        "--from-json", str(tmp_path / "bench-results.json"), "--markdown", "--output-dir", str(redrawn)
    )
    assert markdown.returncode == 0, markdown.stdout + markdown.stderr
    assert f"| # | scenario | figure | {version} | {version} (2) |" in markdown.stdout
    _assert_chart(redrawn / "bench-results.png", markdown.stdout)


def test_python_option_refuses_an_interpreter_without_hookfast(tmp_path: Path) -> None:
    venv.create(tmp_path / "bare", with_pip=False)
    bare = tmp_path / "bare" / ("Scripts" if os.name == "nt" else "bin") / "python"
    completed = _run("--quick", "--python", str(bare), "--output-dir", str(tmp_path), timeout=60)
    assert completed.returncode != 0
    assert f"--python {bare} cannot run the benchmark" in completed.stderr
    assert "install hookfast with the bench extra there" in completed.stderr
    assert not (tmp_path / "bench-results.json").exists()

    missing = _run("--python", str(tmp_path / "nowhere" / "python"), timeout=60)
    assert missing.returncode != 0
    assert "no such interpreter" in missing.stderr


def test_docs_show_exactly_the_targets_table(capsys: pytest.CaptureFixture[str]) -> None:
    rendered = render_markdown()
    assert rendered in (ROOT / "docs" / "performance.md").read_text()
    assert cli.main(["--targets"]) == 0
    assert capsys.readouterr().out == rendered + "\n"
    for number, target in enumerate(TARGETS, 1):
        assert f"\n| {number} | {target.what} |" in rendered


def test_targets_name_real_scenarios_and_every_scenario_is_covered() -> None:
    named = {name for target in TARGETS for name in target.scenarios if name != IMPORT}
    assert named <= set(scenarios.SCENARIOS)
    targeted = {
        name for target in TARGETS if target.key != "compiled_not_slower" for name in target.scenarios
    }
    assert set(scenarios.SCENARIOS) - targeted == set(FOR_THE_RECORD)
    assert [target.key for target in TARGETS if target.scenarios == EVERY_SCENARIO] == ["compiled_not_slower"]
    assert len({target.key for target in TARGETS}) == len(TARGETS)


# assembled from pieces, so that this file does not cite what it forbids
_OUTSIDE_CITATION = re.compile(
    "SP" + r"EC|\N{SECTION SIGN}|[Ii]ssues? \d|PERF" + r"_NOTES|\bse" + r"eds?\b"
)


def test_bench_text_cites_nothing_outside_the_repository() -> None:
    sources = [path.read_text() for path in (ROOT / "hookfast" / "bench").glob("*.py")]
    for text in [*sources, render_markdown()]:
        assert _OUTSIDE_CITATION.search(text) is None


def test_per_version_limits() -> None:
    one_hook = next(target for target in TARGETS if target.key == "one_hook")
    limits = [one_hook.limit_for(version) for version in ((3, 9), (3, 11), (3, 12), (3, 14))]
    assert limits == [1.4, 1.4, 1.6, 1.6]
    assert one_hook.passes(1.5, (3, 11)) is False
    assert one_hook.passes(1.5, (3, 12)) is True
    assert Limit(2.0, oldest=(3, 10), newest=(3, 11)).applies_to((3, 12)) is False


def _entry(*samples: float) -> dict[str, Any]:
    return {"ns": min(samples), "samples": list(samples)}


def _row(cython: float, python: float, hand: float, plain: float = 30.0) -> dict[str, Any]:
    """A comparison table as :func:`hookfast.bench.compare.compare` makes it (one process each)."""
    workers = {
        name: {"results": {"one_hook": {"plain": _entry(plain), "hand": _entry(hand), name: _entry(ns)}}}
        for name, ns in (("cython", cython), ("python", python))
    }
    return compare.compare(workers, ["one_hook"])


def test_ratios_pair_the_samples_of_each_round() -> None:
    # A quiet moment caught by the plain method's first sample only, the rest of the run under one
    # load for both sides: the ratio of the minima (62/32) would say 1.94, the rounds say 1.0.
    results = {"one_hook": {"plain": _entry(32, 63, 63, 63, 64), "cython": _entry(63, 63, 62, 64, 64)}}
    table = compare.compare({"cython": {"results": results}}, ["one_hook"])
    assert table["one_hook"]["ns"]["cython"] == 62
    assert table["one_hook"]["to_plain"]["cython"] == pytest.approx(1.0)
    assert compare.figure(table["one_hook"], "cython/plain") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("python", "cython", "verdicts"),
    [
        ((3, 11), 75.0, {"one_hook": "PASS", "compiled_not_slower": "PASS"}),
        ((3, 11), 90.0, {"one_hook": "FAIL", "compiled_not_slower": "PASS"}),  # 1.5x > 1.4x
        ((3, 12), 90.0, {"one_hook": "PASS", "compiled_not_slower": "PASS"}),  # 1.5x <= 1.6x
        ((3, 12), 300.0, {"one_hook": "FAIL", "compiled_not_slower": "FAIL"}),  # py/cy 0.93 < 0.95
        ((3, 12), 290.0, {"one_hook": "FAIL", "compiled_not_slower": "PASS"}),  # py/cy 0.96: noise
    ],
)
def test_targets_are_checked_per_version_with_the_stated_tolerance(
    python: tuple[int, int], cython: float, verdicts: dict[str, str]
) -> None:
    table = _row(cython=cython, python=280.0, hand=60.0)
    checks = compare.evaluate_targets(table, import_ms=None, python=python)
    measured = [check for check in checks if check["scenario"] == "one_hook" and check["verdict"] != "n/a"]
    assert {check["target"]: check["verdict"] for check in measured} == verdicts
    [imported] = [check for check in checks if check["scenario"] == IMPORT]
    assert imported["verdict"] == "n/a"
    passing = compare.evaluate_targets(table, import_ms=2.5, python=python)
    assert [check["verdict"] for check in passing if check["scenario"] == IMPORT] == ["PASS"]


def test_unbound_scenario_runs_no_hook_and_costs_the_plain_method() -> None:
    for backend in _dispatch.available():
        case = scenarios.build("unbound", backend)
        counts = case.check()  # the two unbound hooks must not run
        assert set(counts) >= {"_function_hook_1", "_function_hook_2"}
        assert counts["_function_hook_1"] == counts["_function_hook_2"] == 0
    assert scenarios.get("unbound").hooked is False
    with pytest.raises(scenarios.Unavailable):
        scenarios.build("unbound", "pluggy")
