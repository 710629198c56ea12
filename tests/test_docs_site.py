"""The documentation site's pages match the code: an API reference entry for every public name, and
the README's commands, which .ci/run and the getting-started page repeat, kept in sync."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import hookfast
import hookfast.runner

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

pytestmark = pytest.mark.skipif(not (DOCS / "api.md").exists(), reason="needs hookfast's source tree (docs/)")


def documented_objects() -> dict[str, object]:
    """What each ``::: module.name`` directive of the API reference pages renders, by directive."""
    found: dict[str, object] = {}
    for page in sorted(DOCS.glob("api*.md")):
        for path in re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), flags=re.M):
            module, _, name = path.rpartition(".")
            found[path] = getattr(importlib.import_module(module), name)
    return found


@pytest.mark.parametrize("module", [hookfast, hookfast.runner], ids=lambda module: module.__name__)
def test_the_api_reference_documents_every_public_name(module: object) -> None:
    objects = documented_objects()
    names: list[str] = module.__all__  # type: ignore[attr-defined]
    assert names
    rendered = [(path.rpartition(".")[2], value) for path, value in objects.items()]
    missing = [
        name
        for name in names
        if not any(shown == name and value is getattr(module, name) for shown, value in rendered)
    ]
    assert missing == [], f"docs/api*.md has no '::: <module>.<name>' for {missing}"


def _fenced_bash(text: str) -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_the_readme_commands_are_the_ones_ci_and_the_docs_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Set up and run") :]
    section = section[: section.index("\n## ", 1)]
    bench, tests = _fenced_bash(section)
    assert bench.endswith(".venv/bin/hookfast-bench") and tests.endswith(".venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    function = ci[ci.index("readme_test_command() {") :]
    function = function[: function.index("\n}")]
    assert [line.strip() for line in function.splitlines()[1:] if not line.strip().startswith("#")] == [tests]
    started = _fenced_bash((DOCS / "getting-started.md").read_text(encoding="utf-8"))
    assert bench in started and tests in started
