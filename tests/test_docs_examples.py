"""Every ```python example of README.md and docs/ runs, and prints what the page says it prints.

How a page marks its examples (the pages follow these rules; ``test_the_pages_mark_their_examples``
checks the marks themselves):

- Each ```python block runs in a fresh interpreter, as the ``__main__`` module of a script would
  (top-level ``await`` included: the block then runs in ``asyncio.run``). A block that imports
  hookfast runs once per backend, with the backend chosen by the environment as a user's program
  chooses it (``HOOKFAST_NO_EXTENSIONS``); others run once.
- What it prints is checked: each ``# prints: <line>`` comment is one expected line of output, in
  order, or a ```text title="Output"`` block right after the example holds the whole output. A
  block with neither must print nothing. ``...`` in an expected line matches anything (timings,
  addresses), as doctest's ELLIPSIS does; trailing spaces are ignored.
- ``<!-- continue -->`` on the line before a block runs it after the page's previous example, in
  the same namespace (a page that builds one example step by step); each block's output is
  checked on its own.
- ``<!-- skip: <reason> -->`` on the line before a block leaves it out. ``SKIPPED`` below lists
  every such block by page and reason, so that a skip is a decision, not an accident.

The docstring examples that the API reference pages show are doctests, run by
``test_the_api_reference_docstring_examples_run`` on both backends.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Every example left out, as (page, reason): a new skip must be added here on purpose.
SKIPPED = [
    (
        "docs/onetl-bridge.md",
        "needs an FTP server: tests/test_onetl_bridge.py runs this download against a local one",
    ),
    ("docs/typing.md", "a type checker's view: tests/typing/ holds the same checks, run by mypy and pyright"),
]

#: Pages that must keep at least one example that runs (a parse that finds nothing cannot pass).
PAGES_WITH_EXAMPLES = [
    "README.md",
    "docs/index.md",
    "docs/getting-started.md",
    "docs/slots-and-hooks.md",
    "docs/priorities.md",
    "docs/generator-hooks.md",
    "docs/states.md",
    "docs/plugins.md",
    "docs/onetl-bridge.md",
    "docs/runner.md",
    "docs/async.md",
    "docs/typing.md",
    "docs/introspection.md",
    "docs/tracing.md",
    "docs/migrating-from-onetl.md",
    "docs/migrating-from-mmcv.md",
]

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_MARK = re.compile(r"^<!--\s*(?P<kind>[a-z]+)(?::\s*(?P<reason>.*?))?\s*-->$")
_PRINTS = re.compile(r"#\s*prints:\s?(?P<line>.*)$")
_LOOSE_PRINTS = re.compile(r"#\s*prints\b(?!:)")
_OUTPUT_INFO = re.compile(r'^text\b.*\btitle="Output"')


@dataclass
class Block:
    """One fenced block of a page."""

    page: str
    line: int  # of the opening fence, from 1
    info: str
    source: str
    mark: str | None = None  # "skip" or "continue"
    reason: str | None = None
    output: str | None = None  # the ```text title="Output" block right after it
    end: int = 0  # the index of its closing fence's line


@dataclass
class Chain:
    """Examples that run together: one block and the blocks that continue it."""

    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.blocks[0].page}:{self.blocks[0].line}"

    @property
    def uses(self) -> str:
        return "\n".join(block.source for block in self.blocks)


def pages() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [path for path in found if path.exists()]


def fenced_blocks(path: Path) -> tuple[list[Block], list[str]]:
    """The fenced blocks of a page with their marks, and the problems found in the marks."""
    page = path.relative_to(ROOT).as_posix()
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    problems: list[str] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        indent, fence, info = match["indent"], match["fence"], match["info"].strip()
        body = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end].lstrip())
            end += 1
        block = Block(page, index + 1, info, "\n".join(body) + "\n", end=end)
        before = index - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        mark = _MARK.match(lines[before].strip()) if before >= 0 else None
        if mark is not None:
            block.mark, block.reason = mark["kind"], mark["reason"]
            if block.mark not in ("skip", "continue"):
                problems.append(f"{page}:{before + 1}: unknown mark {block.mark!r}")
            elif block.mark == "skip" and not block.reason:
                problems.append(f"{page}:{before + 1}: a skip must say why: <!-- skip: reason -->")
            elif info.split(" ")[0] != "python":
                problems.append(f"{page}:{before + 1}: a {block.mark!r} mark before a {info!r} block")
        right_after_example = (
            bool(blocks)
            and blocks[-1].info == "python"
            and all(not line.strip() for line in lines[blocks[-1].end + 1 : index])
        )
        if right_after_example and _OUTPUT_INFO.match(info):
            blocks[-1].output = block.source
        blocks.append(block)
        index = end + 1
    for block in blocks:
        if block.info.split(" ")[0] == "python" and block.info != "python":
            problems.append(f"{block.page}:{block.line}: write the fence as ```python only")
        if _OUTPUT_INFO.match(block.info) and not any(other.output is block.source for other in blocks):
            problems.append(f"{block.page}:{block.line}: an Output block that follows no python example")
    return blocks, problems


def collect() -> tuple[list[Chain], list[Block], list[str]]:
    """The chains to run, the skipped blocks, and the problems with the pages' marks."""
    chains: list[Chain] = []
    skipped: list[Block] = []
    problems: list[str] = []
    for path in pages():
        blocks, found = fenced_blocks(path)
        problems += found
        previous: Chain | None = None
        for block in blocks:
            if block.info != "python":
                continue
            for number, line in enumerate(block.source.splitlines(), start=block.line + 1):
                if _LOOSE_PRINTS.search(line):
                    problems.append(f"{block.page}:{number}: write '# prints: <line>' (checked) for output")
            if _PRINTS.search(block.source) and block.output is not None:
                problems.append(f"{block.page}:{block.line}: '# prints:' comments and an Output block")
            if block.mark == "skip":
                skipped.append(block)
                previous = None
            elif block.mark == "continue":
                if previous is None:
                    problems.append(f"{block.page}:{block.line}: nothing to continue (no example before)")
                else:
                    previous.blocks.append(block)
            else:
                previous = Chain([block])
                chains.append(previous)
    return chains, skipped, problems


CHAINS, SKIPPED_BLOCKS, PROBLEMS = collect()
WITH_HOOKFAST = [chain for chain in CHAINS if "hookfast" in chain.uses]
WITHOUT_HOOKFAST = [chain for chain in CHAINS if "hookfast" not in chain.uses]


def expected_output(block: Block) -> str:
    if block.output is not None:
        return block.output
    return "".join(match["line"] + "\n" for match in map(_PRINTS.search, block.source.splitlines()) if match)


def matches(expected: str, got: str) -> bool:
    def normal(text: str) -> str:
        return "".join(line.rstrip() + "\n" for line in text.splitlines())

    checker = doctest.OutputChecker()
    return checker.check_output(normal(expected), normal(got), doctest.ELLIPSIS)


HARNESS = textwrap.dedent(
    """
    import ast, asyncio, contextlib, io, json, sys, traceback, types

    blocks, report = json.load(sys.stdin), sys.argv[1]
    main = types.ModuleType("__main__")  # the blocks' module, as a script's: pickle finds its names
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    results = []
    for block in blocks:
        out = io.StringIO()
        error = None
        try:
            code = compile(block["source"], block["name"], "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
            with contextlib.redirect_stdout(out):
                coroutine = eval(code, main.__dict__)
                if coroutine is not None:
                    asyncio.run(coroutine)
        except BaseException:
            error = traceback.format_exc()
        results.append({"stdout": out.getvalue(), "error": error})
        if error:
            break
    hookfast = sys.modules.get("hookfast")
    with open(report, "w", encoding="utf-8") as stream:
        json.dump({"results": results, "backend": getattr(hookfast, "BACKEND", None)}, stream)
    """
)


def run_chain(chain: Chain, backend: str | None, tmp_path: Path) -> None:
    if "onetl" in chain.uses:
        if sys.version_info < (3, 10):
            pytest.skip("onETL 0.17 needs Python 3.10+")
        if importlib.util.find_spec("onetl") is None:
            pytest.fail("onetl is not installed: install the test extra (pip install '.[test]')")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    environment["ONETL_PLUGINS_ENABLED"] = "false"  # whatever else is installed
    if backend == "python":
        environment.pop("HOOKFAST_REQUIRE_EXTENSION", None)
        environment["HOOKFAST_NO_EXTENSIONS"] = "1"
    elif backend == "cython":
        environment.pop("HOOKFAST_NO_EXTENSIONS", None)
        environment["HOOKFAST_REQUIRE_EXTENSION"] = "1"  # never a silent pure-Python run
    report = tmp_path / "report.json"
    blocks = [{"source": block.source, "name": f"{block.page}:{block.line}"} for block in chain.blocks]
    completed = subprocess.run(
        [sys.executable, "-c", HARNESS, str(report)],
        input=json.dumps(blocks),
        cwd=tmp_path,  # examples may write files; and the installed hookfast, not the source tree
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0 and report.exists(), completed.stderr
    outcome = json.loads(report.read_text(encoding="utf-8"))
    if backend is not None:
        assert outcome["backend"] == backend
    for block, result in zip(chain.blocks, outcome["results"]):
        where = f"{block.page}:{block.line}"
        assert result["error"] is None, f"{where} raised:\n{result['error']}"
        expected = expected_output(block)
        assert matches(expected, result["stdout"]), (
            f"{where} printed:\n{result['stdout']}\nthe page says:\n{expected}"
        )
    assert len(outcome["results"]) == len(chain.blocks)


@pytest.mark.parametrize("chain", WITH_HOOKFAST, ids=[chain.name for chain in WITH_HOOKFAST])
def test_example(chain: Chain, backend: str, tmp_path: Path) -> None:
    run_chain(chain, backend, tmp_path)


@pytest.mark.parametrize("chain", WITHOUT_HOOKFAST, ids=[chain.name for chain in WITHOUT_HOOKFAST])
def test_example_without_hookfast(chain: Chain, tmp_path: Path) -> None:
    run_chain(chain, None, tmp_path)


def test_the_pages_mark_their_examples() -> None:
    assert PROBLEMS == []


def test_the_skipped_examples_are_the_listed_ones() -> None:
    found = sorted((block.page, block.reason) for block in SKIPPED_BLOCKS)
    assert found == sorted(SKIPPED)


def test_every_page_keeps_examples_that_run() -> None:
    run = {block.page for chain in CHAINS for block in chain.blocks}
    assert [page for page in PAGES_WITH_EXAMPLES if page not in run] == []
    assert sum(len(chain.blocks) for chain in CHAINS) >= 40


def test_the_checks_of_output_can_fail() -> None:
    assert matches("1 2\n", "1 2   \n")
    assert matches("took ... µs\n", "took 4.1 µs\n")
    assert not matches("1 2\n", "1 3\n")
    assert not matches("", "something\n")
    block = Block("page.md", 1, "python", 'print(1)  # prints: 1\nprint("a b")  # prints: a b\n')
    assert expected_output(block) == "1\na b\n"


def test_a_page_with_a_bad_mark_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text(
        "<!-- skip -->\n```python\npass\n```\n\n<!-- continue -->\n```bash\nls\n```\n"
        "```python\nprint(1)  # prints 1\n```\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    _, problems = fenced_blocks(page)
    assert any("a skip must say why" in problem for problem in problems)
    assert any("a 'continue' mark before a 'bash' block" in problem for problem in problems)


# --------------------------------------------------------------------------- docstrings on the API pages


def api_modules() -> list[str]:
    """The modules whose objects the API reference pages render (``::: module.name``)."""
    modules = set()
    for page in sorted((ROOT / "docs").glob("api*.md")):
        for path in re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), flags=re.M):
            module, _, _ = path.rpartition(".")
            modules.add(module)
    return sorted(modules)


def test_the_api_reference_docstring_examples_run(backend: str) -> None:
    modules = api_modules()
    assert "hookfast.tracing" in modules and "hookfast.runner" in modules
    attempted = 0
    for name in modules:
        module = importlib.import_module(name)
        for test in doctest.DocTestFinder().find(module):
            assert "+SKIP" not in test.docstring, f"{test.name}: a docstring example that does not run"
            report = io.StringIO()
            result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=report.write)
            assert result.failed == 0, report.getvalue()
            attempted += result.attempted
    assert attempted >= 5
