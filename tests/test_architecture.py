"""The layout rules of docs/architecture.md, checked on the source tree (backend-independent).

- The two twins of the call path define the same names in the same order (``scripts/check_twins.py``,
  also run by CI on its own), and the check does fail on drift.
- hookfast's modules import each other one way: no circle, counting imports made only for type
  checkers and imports inside functions.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "hookfast"
PYTHON_TWIN = PACKAGE / "_dispatch_py.py"
COMPILED_TWIN = PACKAGE / "_dispatch_c.pyx"

pytestmark = pytest.mark.skipif(
    not COMPILED_TWIN.exists() or not (ROOT / "scripts" / "check_twins.py").exists(),
    reason="needs hookfast's source tree (the .pyx and scripts/)",
)


@pytest.fixture(scope="module")
def check_twins() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_twins", ROOT / "scripts" / "check_twins.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_twins_define_the_same_names_in_the_same_order(check_twins: ModuleType) -> None:
    assert check_twins.compare(PYTHON_TWIN, COMPILED_TWIN) == []
    names = check_twins.definitions(PYTHON_TWIN)
    # the call path's landmarks, so an empty or truncated parse cannot pass
    for name in ("HookCall", "GeneratorContext.exit", "unwind", "call_with_hooks", "_position", "Dispatcher"):
        assert name in names
    assert check_twins.main([]) == 0


def test_the_twin_check_fails_on_drift(check_twins: ModuleType, tmp_path: Path) -> None:
    text = COMPILED_TWIN.read_text(encoding="utf-8")
    # the compiled twin grows a helper outside the fences, between two shared definitions
    drifted = tmp_path / "_dispatch_c.pyx"
    drifted.write_text(
        text.replace(
            "cdef bint unwind(", "cdef object _extra_helper(object x):\n    return x\n\n\ncdef bint unwind("
        ),
        encoding="utf-8",
    )
    diff = check_twins.compare(PYTHON_TWIN, drifted)
    assert "+_extra_helper" in diff
    assert check_twins.main([str(PYTHON_TWIN), str(drifted)]) == 1
    # two shared definitions swapped in the Python twin
    python_text = PYTHON_TWIN.read_text(encoding="utf-8")
    first = python_text.index("def _in_progress(")
    second = python_text.index("def _dispatcher_of(")
    third = python_text.index("def _position(")
    swapped = tmp_path / "_dispatch_py.py"
    swapped.write_text(
        python_text[:first] + python_text[second:third] + python_text[first:second] + python_text[third:],
        encoding="utf-8",
    )
    assert check_twins.compare(swapped, COMPILED_TWIN) != []


def test_the_twin_check_rejects_unbalanced_fences(check_twins: ModuleType, tmp_path: Path) -> None:
    broken = tmp_path / "_dispatch_py.py"
    text = PYTHON_TWIN.read_text(encoding="utf-8")
    broken.write_text(text.replace(check_twins.FENCE_END, "# (fence end removed)", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"opened again|never closed"):
        check_twins.definitions(broken)


def test_the_twin_check_finds_every_pair(check_twins: ModuleType, tmp_path: Path) -> None:
    package = tmp_path / "hookfast"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__", "*.pyd"))
    assert check_twins.twin_pairs(package) == [
        (package / "_dispatch_py.py", package / "_dispatch_c.pyx"),
        (package / "_runner_py.py", package / "_runner_c.pyx"),
    ]
    (package / "_dispatch_py.py").unlink()
    with pytest.raises(FileNotFoundError, match="no pure-Python twin"):
        check_twins.twin_pairs(package)


# --------------------------------------------------------------------------- the import graph

_PYX_IMPORT = re.compile(
    r"^\s*(?:from\s+(hookfast[\w.]*)\s+import\s+([\w, ]+)|import\s+(hookfast[\w.]*))", re.M
)


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in {".py", ".pyx"} and "__pycache__" not in path.parts:
            found[_module_name(path)] = path
    return found


def _target(module: str, imported_name: str | None, modules: dict[str, Path]) -> str:
    """``from module import imported_name`` imports a submodule when one has that name."""
    if imported_name is not None and f"{module}.{imported_name}" in modules:
        return f"{module}.{imported_name}"
    return module


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every hookfast module ``path`` imports, anywhere in it (type-checking blocks, functions)."""
    found: set[str] = set()
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".pyx":
        for from_module, names, plain in _PYX_IMPORT.findall(text):
            if plain:
                found.add(plain)
            for name in names.split(","):
                found.add(_target(from_module, name.strip(), modules))
    else:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "hookfast")
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "hookfast":
                found.update(_target(node.module, alias.name, modules) for alias in node.names)
    return {name for name in found if name in modules and name != _module_name(path)}


def _find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for neighbour in sorted(graph.get(node, ())):
            circle = visit(neighbour)
            if circle is not None:
                return circle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        circle = visit(start)
        if circle is not None:
            return circle
    return None


def test_the_import_graph_has_no_circle() -> None:
    modules = _modules()
    graph = {name: _imports(path, modules) for name, path in modules.items()}
    # the graph is really read: the registry is below the modules that mutate through it
    assert "hookfast._registry" in graph["hookfast.slot"]
    assert "hookfast._registry" in graph["hookfast.hook"]
    assert "hookfast._kinds" in graph["hookfast._dispatch_c"]
    assert _find_circle(graph) is None, " -> ".join(_find_circle(graph) or [])


def test_the_circle_finder_finds_a_circle() -> None:
    assert _find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_circle({"a": {"b"}, "b": set()}) is None


def test_the_registry_imports_neither_hook_nor_slot() -> None:
    modules = _modules()
    imported = _imports(modules["hookfast._registry"], modules)
    assert not imported & {"hookfast.hook", "hookfast.slot", "hookfast.support_hooks"}, imported


def test_interfaces_are_for_type_checkers_only() -> None:
    # hookfast._interfaces imports typing (~3 ms): nothing may import it at run time
    modules = _modules()
    for name, path in modules.items():
        if name == "hookfast._interfaces" or path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "hookfast._interfaces":
                pytest.fail(f"{name} imports hookfast._interfaces at run time (line {node.lineno})")


@pytest.mark.parametrize(
    ("function", "old", "new"),
    [
        ("_call_reached", "if not dispatcher.parents:", "if not dispatcher.parents and args:"),
        ("_sync_defaults", "    if source is None:\n        return\n", "    if source is None:\n        return\n    pass\n"),
        ("_enter", "enter(value)\n    return value", "enter(value)\n    logs.log_hook_error(value)\n    return value"),
        ("result_kind", "kind = RESULT_VALUE", "kind = RESULT_VALUE if result else RESULT_NONE"),
    ],
)
def test_the_twin_check_fails_on_a_body_changed_in_one_twin(
    check_twins: ModuleType, tmp_path: Path, function: str, old: str, new: str
) -> None:
    """A change of logic in one twin's function (a branch, a call, a message), names and order kept."""
    source = PYTHON_TWIN.read_text()
    start = source.index(f"\ndef {function}(")
    end = source.index("\n\n\n", start)
    body = source[start:end]
    if old not in body:
        pytest.skip(f"{function} no longer contains {old!r}")
    drifted = tmp_path / PYTHON_TWIN.name
    drifted.write_text(source[:start] + body.replace(old, new, 1) + source[end:])
    assert check_twins.compare(drifted, COMPILED_TWIN) != []


# --------------------------------------------------------------------------- the drawing of the layers

_DRAWN_MODULE = re.compile(r"(?<![\w/.])(\w+\.pyx?|bench/)(?![\w])")


def _drawn_rows() -> dict[str, int]:
    """The row of each module in docs/architecture.md's drawing of the layers (0 is the top)."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("## The layers") :]
    drawing = section[section.index("```\n") + 4 :]
    drawing = drawing[: drawing.index("```")]
    rows: dict[str, int] = {}
    row = -1
    for line in drawing.splitlines():
        names = _DRAWN_MODULE.findall(line)
        if not names:
            continue  # a line of description
        row += 1
        for name in names:
            module = "hookfast.bench" if name == "bench/" else f"hookfast.{name.rsplit('.', 1)[0]}"
            rows[module.replace("hookfast.__init__", "hookfast")] = row
    return rows


def _row_of(module: str, rows: dict[str, int]) -> int | None:
    if module.startswith("hookfast.bench."):
        module = "hookfast.bench"
    return rows.get(module)


def _upward_imports(rows: dict[str, int], modules: dict[str, Path]) -> list[str]:
    """The imports that go to a module drawn on the importer's row or above it."""
    wrong = []
    for name, path in modules.items():
        row = _row_of(name, rows)
        for imported in _imports(path, modules):
            below = _row_of(imported, rows)
            if name.startswith("hookfast.bench") and imported.startswith("hookfast.bench"):
                continue  # the report's own steps are one box of the drawing
            if row is None or below is None or below <= row:
                wrong.append(f"{name} (row {row}) imports {imported} (row {below})")
    return wrong


def test_the_drawing_of_the_layers_matches_the_imports() -> None:
    """docs/architecture.md draws every module, each below every module that imports it."""
    rows = _drawn_rows()
    assert rows["hookfast"] < rows["hookfast.slot"] < rows["hookfast._registry"] < rows["hookfast._dispatch"]
    modules = _modules()
    undrawn = sorted(name for name in modules if _row_of(name, rows) is None)
    assert not undrawn, f"docs/architecture.md does not draw {undrawn}"
    wrong = _upward_imports(rows, modules)
    assert not wrong, "docs/architecture.md draws these imports upwards:\n" + "\n".join(wrong)


def test_the_drawing_check_finds_an_upward_import() -> None:
    rows = _drawn_rows()
    modules = _modules()
    # logs.py imports _codegen.py: drawing it below (or beside) _codegen.py is wrong
    for misplaced in (rows["hookfast._codegen"], rows["hookfast._codegen"] + 1):
        wrong = _upward_imports({**rows, "hookfast.logs": misplaced}, modules)
        assert any(entry.startswith("hookfast.logs ") and "hookfast._codegen" in entry for entry in wrong)


RUNNER_PYTHON_TWIN = PACKAGE / "_runner_py.py"
RUNNER_COMPILED_TWIN = PACKAGE / "_runner_c.pyx"


def test_the_runner_twins_are_alike(check_twins: ModuleType) -> None:
    assert check_twins.compare(RUNNER_PYTHON_TWIN, RUNNER_COMPILED_TWIN) == []
    names = check_twins.definitions(RUNNER_PYTHON_TWIN)
    # the call path's landmarks, so an empty or truncated parse cannot pass
    for name in ("Plan.__init__", "Plan.decide", "_current", "_run", "_call_hook_vectorcall", "CallHook"):
        assert name in names


@pytest.mark.parametrize(
    ("twin", "old", "new"),
    [
        # the loop rebuilds no longer when the plan is older than the last change of a point
        (
            "python",
            "hook is not plan.positions[index].hook or plan.generation != _generation:",
            "hook is not plan.positions[index].hook:",
        ),
        # a position whose class changed renews through another helper
        (
            "python",
            "plan = call_hook.renew(runner, plan, fn_name, hooks, index)",
            "plan = call_hook.rebuild(runner, fn_name, hooks)",
        ),
        # the recent plan is taken without checking it is one of this runner's list
        ("python", "if type(found) is Plan and found.hooks_list is hooks:", "if type(found) is Plan:"),
        # decide() no longer records the forward witness
        ("python", "        self.witness_g[index] = forward_witness\n", ""),
        # the compiled twin skips the own-point check
        ("compiled", "or ((<Plan>found).own and not _current(<Plan>found, <list>hooks))):", "):"),
        # the compiled twin forgets a renewed position (a statement of the shared loop removed)
        (
            "compiled",
            "            renewed = index\n            continue  # renew ran",
            "            continue  # renew ran",
        ),
    ],
)
def test_the_twin_check_fails_on_a_runner_body_changed_in_one_twin(
    check_twins: ModuleType, tmp_path: Path, twin: str, old: str, new: str
) -> None:
    """The runner pair: a change of logic in one twin's function, names and order kept."""
    changed = RUNNER_PYTHON_TWIN if twin == "python" else RUNNER_COMPILED_TWIN
    source = changed.read_text(encoding="utf-8")
    assert source.count(old) == 1, old  # the case still describes the twin
    drifted = tmp_path / changed.name
    drifted.write_text(source.replace(old, new), encoding="utf-8")
    if twin == "python":
        assert check_twins.compare(RUNNER_PYTHON_TWIN, RUNNER_COMPILED_TWIN) == []
        assert check_twins.compare(drifted, RUNNER_COMPILED_TWIN) != []
    else:
        assert check_twins.compare(RUNNER_PYTHON_TWIN, drifted) != []


def test_the_skeleton_reads_a_statement_once_and_what_c_must_spell_as_python(check_twins: ModuleType) -> None:
    """How each twin wraps a statement, C's NULL, Py_TYPE and checked casts are not drift; logic is."""
    python = [
        "    found = _lookup(state, key)",
        "    if found is not None and type(found) is Plan and found.own:",
        "        return found.hooks_list",
    ]
    compiled = [
        "    found = _lookup(state, <PyObject*>key)",
        "    if (found is not NULL and <PyObject*>Py_TYPE(found) is <PyObject*>Plan",
        "            and (<Plan?>found).own):",
        "        return (<Plan>found).hooks_list",
    ]
    assert check_twins.skeleton(python, set()) == check_twins.skeleton(compiled, set())
    assert len(check_twins.skeleton(compiled, set())) == 3
    # the same statement, a condition dropped from its second line
    dropped = [*compiled[:2], "            ):", compiled[3]]
    assert check_twins.skeleton(python, set()) != check_twins.skeleton(dropped, set())
    # NULL is compared as None, not left out: a test against NULL is not a test against nothing
    negated = [compiled[0], compiled[1].replace("is not NULL", "is not"), *compiled[2:]]
    assert check_twins.skeleton(compiled, set()) != check_twins.skeleton(negated, set())
