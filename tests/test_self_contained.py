"""The repository stands on its own: no tracked file cites a document that is not in it.

A reader has only this repository. Docs, docstrings, tests, scripts and program output therefore
cite what is in it (``docs/architecture.md``, ``tests/test_calling.py``, onETL's public "Hooks
design" document by name), never a specification, notes or examples kept elsewhere, a path outside
the checkout, or an issue number. And every repository path they cite exists.

The patterns are assembled from pieces so that this file does not cite what it forbids.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_SPEC = "SP" + "EC"
#: what cites something outside the repository, and what to do instead
OUTSIDE = [
    (re.compile(r"\b" + _SPEC + r"\b"), "a specification document: cite the page or test that says it"),
    (re.compile("PERF" + "_NOTES"), "performance notes: cite docs/performance.md"),
    (re.compile("ONETL" + "_BEHAVIOUR"), "notes on onETL: cite docs/migrating-from-onetl.md or a test"),
    (re.compile(r"\b(?:STYLE|TOOL" + r"CHAIN)\.md\b"), "a guide kept elsewhere"),
    (
        re.compile(r"(?<![.\w])se" + r"eds?\b", re.IGNORECASE),
        "examples kept elsewhere: cite the public source",
    ),
    (re.compile(r"\.\./sha" + r"red|/wo" + r"rk/"), "a path outside the checkout"),
    (re.compile(r"\bissues?\s*#?\d+", re.IGNORECASE), "an issue number: say what changed instead"),
]
#: a path inside the repository, cited as such
CITED_PATH = re.compile(
    r"(?<![\w/.-])((?:docs|tests|scripts|examples|benchmarks|hookfast|\.github|\.ci)/[\w./-]*\w"
    r"\.(?:md|py|pyx|pyi|h|sh|yml|toml|txt))\b"
)
#: generated or binary: not text anyone wrote
SKIPPED_SUFFIXES = {".c", ".so", ".pyd", ".png", ".whl", ".gz"}


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of hookfast")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    return [ROOT / name for name in listed if name and Path(name).suffix not in SKIPPED_SUFFIXES]


def outside_citations(name: str, text: str) -> list[str]:
    """Each line of ``text`` that cites something outside the repository, with what to do."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, advice in OUTSIDE:
            match = pattern.search(line)
            if match:
                found.append(f"{name}:{number}: {match.group(0)!r} ({advice}): {line.strip()[:100]}")
    return found


def test_no_tracked_file_cites_anything_outside_the_repository() -> None:
    files = tracked_files()
    assert len(files) > 50 and any(path.name == "README.md" for path in files)
    found = []
    for path in files:
        if not path.is_file():
            continue  # deleted in the working tree
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        found += outside_citations(path.relative_to(ROOT).as_posix(), text)
    assert found == [], "cite what is in the repository instead:\n" + "\n".join(found)


def test_every_repository_path_cited_exists() -> None:
    files = tracked_files()
    existing = {path.relative_to(ROOT).as_posix() for path in files}
    missing = []
    for path in files:
        if not path.is_file() or path.suffix not in {".md", ".py", ".pyx", ".pyi", ".h", ".yml", ".toml", ""}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for cited in CITED_PATH.findall(line):
                if cited not in existing:
                    missing.append(f"{path.relative_to(ROOT).as_posix()}:{number}: {cited}")
    assert missing == [], "these cited paths are not in the repository:\n" + "\n".join(missing)


def test_the_checks_find_what_they_forbid() -> None:
    cited = [
        "as " + _SPEC + " §8 says",
        "see " + "PERF" + "_NOTES.md",
        "ONETL" + "_BEHAVIOUR §7",
        "examples in se" + "eds/004.txt",
        "the se" + "ed's loop",
        "../sha" + "red/notes",
        "fixed in iss" + "ue 7",
        "(iss" + "ue #12)",
        "iss" + "ues 10 and 11",
    ]
    for line in cited:
        assert outside_citations("x", line), line
    for line in ("random.seed(1)", "PYTHONHASHSEED=0", "the specification of onETL", "tissue 3"):
        assert not outside_citations("x", line), line
    assert CITED_PATH.findall("see docs/architecture.md and tests/typing/check_slots.py.") == [
        "docs/architecture.md",
        "tests/typing/check_slots.py",
    ]
    assert CITED_PATH.findall("$GITHUB_WORKSPACE/.ci/x.txt, hookfast/*.pyx, hookfast/bench/") == []
