"""Check that each compiled twin defines what its pure-Python twin defines, in the same order, alike.

Usage::

    python scripts/check_twins.py [PY_FILE PYX_FILE]

Without arguments, checks every ``hookfast/<name>_c.pyx`` against ``hookfast/<name>_py.py``. The
definitions compared are the module's functions and classes and the methods of its classes
(``def``, ``cdef``, ``cpdef``, ``async def``; a property counts as its method), in file order, and
the body of each: its *skeleton*, the sequence of its statements, each as its nesting depth, the
sorted set of the names it uses (keywords, variables, attributes, the functions it calls) and its
string literals. A statement spread over several lines counts once, however each twin wraps it. A
change to one twin's logic (a branch, a call of another helper, a message) without the same change
in the other fails the check; what only one twin can say (C declarations, casts, C API names, how a
call's arguments are passed on) does not count, and where C must spell a Python thing otherwise, it
reads as Python's: a ``NULL`` pointer (a look-up that found nothing) as ``None``, ``Py_TYPE(x)`` as
``type(x)``. Lines between ``# --- only in this twin`` and ``# --- end of only in this twin`` are
left out on both sides, at module level and inside a function: what one twin needs and the other
cannot have (the C API helpers, the C fast paths, the pure-Python closure dressing). Exits 1 with a
diff when the twins differ, so drift fails CI.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

FENCE_START = "# --- only in this twin"
FENCE_END = "# --- end of only in this twin"

# `def name(`, `async def name(`, `class Name`, and Cython's `cdef [inline] <type> name(`,
# `cpdef <type> name(`, `cdef class Name`: at column 0 (module) or 4 (class body).
_DEFINITION = re.compile(
    r"^(?P<indent>(?:    )?)"
    r"(?:"
    r"(?:async\s+)?def\s+(?P<function>\w+)\s*\("
    r"|(?:cdef\s+)?class\s+(?P<class>\w+)\s*[:(]"
    r"|c(?:p)?def\s+(?:inline\s+)?(?:[\w.]+[\s*]+)*(?P<cfunction>\w+)\s*\("
    r")"
)

#: the statements whose order and nesting make a body's logic
_KEYWORDS = frozenset(
    ("if", "elif", "else", "for", "while", "try", "except", "finally", "with", "return", "raise")
    + ("break", "continue", "del", "yield", "await", "assert")
)
_WORD = re.compile(r"[A-Za-z_]\w*")
_ANNOTATED = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)\s*:\s*[^=]+?(?:=\s*(?P<value>.+))?$")
#: ``<Type>``, ``<Type*>`` and (checked) ``<Type?>`` casts of the compiled twin
_CAST = re.compile(r"<\s*[A-Za-z_][\w.]*\s*[*?]*\s*>")
#: the C API and the compiled twin's raw C helpers
_C_API = re.compile(r"^(?:_?Py[A-Z_]\w*|hookfast_\w+|_vectorcall_or_null|_steal|_decref)$")
#: how each twin passes a call's arguments on: the caller's C array (compiled), or (args, kwargs)
_CONVENTION = frozenset(("nargsf", "kwnames", "kwargs", "cdef", "object", "const"))
#: what the compiled twin must spell in C for what the Python twin says: a look-up that found
#: nothing is a NULL pointer there (a borrowed reference), None here; a type read without taking a
#: reference is ``Py_TYPE(x)`` there (Cython cannot keep ``type(x)`` as a pointer), ``type(x)`` here
_EQUIVALENT = {"NULL": "None", "Py_TYPE": "type"}
_STRING = re.compile(r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
#: a Cython declaration of a local, ``cdef <type>[*] name`` with or without a value
_CDEF_LOCAL = re.compile(r"^cdef\s+(?:[\w.]+[\s*]+)+(?P<rest>\w+(?:\s*=.*)?)$")
_TRIPLE_QUOTES = ('"""', "'''")


def _lines_outside_fences(path: Path) -> list[tuple[int, str]]:
    """The file's lines with their numbers, fenced blocks left out.

    Raises:
        ValueError: a fence is opened twice, closed without being opened, or left open.
    """
    kept: list[tuple[int, str]] = []
    fenced_at: int | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(FENCE_END):
            if fenced_at is None:
                raise ValueError(f"{path}:{number}: {FENCE_END!r} without an opening fence")
            fenced_at = None
            continue
        if stripped.startswith(FENCE_START):
            if fenced_at is not None:
                raise ValueError(f"{path}:{number}: fence opened again (first at line {fenced_at})")
            fenced_at = number
            continue
        if fenced_at is None:
            kept.append((number, line))
    if fenced_at is not None:
        raise ValueError(f"{path}:{fenced_at}: fence never closed with {FENCE_END!r}")
    return kept


def _walk(path: Path) -> list[tuple[str, list[str]]]:
    """Each definition's name (methods as ``Class.method``) and the lines of its body, in order."""
    found: list[tuple[str, list[str]]] = []
    body: list[str] | None = None
    current_class: str | None = None
    in_signature = False
    for _, line in _lines_outside_fences(path):
        if in_signature:  # the parameters of a definition spread over lines: not its body
            in_signature = not line.split("  # ")[0].rstrip().endswith(":")
            continue
        at_module_level = bool(line) and not line[0].isspace() and not line.startswith(("#", ")"))
        if at_module_level:
            if not line.startswith("@"):
                current_class = None  # back at module level: a method can no longer follow
            body = None  # (a decorator belongs to the definition below it)
        match = _DEFINITION.match(line)
        if match is None:
            if body is not None:
                body.append(line)
            continue
        name = match.group("function") or match.group("class") or match.group("cfunction")
        if match.group("indent"):
            if current_class is None:
                if body is not None:
                    body.append(line)  # a nested definition: part of the body
                continue
            name = f"{current_class}.{name}"
        elif match.group("class"):
            current_class = name
        body = []
        found.append((name, body))
        in_signature = not line.split("  # ")[0].rstrip().endswith(":")
    return found


def _class_names(path: Path) -> list[str]:
    names = []
    for _, line in _lines_outside_fences(path):
        match = _DEFINITION.match(line)
        if match is not None and match.group("class") and not match.group("indent"):
            names.append(match.group("class"))
    return names


def definitions(path: Path) -> list[str]:
    """The definition names of ``path`` in order, methods as ``Class.method``, fences left out.

    Raises:
        ValueError: a fence is opened twice, closed without being opened, or left open.
    """
    return [name for name, _ in _walk(path)]


def _open_brackets(code: str) -> int:
    """How many brackets ``code`` leaves open (string literals left out)."""
    code = _STRING.sub(" ", code)
    return sum(code.count(bracket) for bracket in "([{") - sum(code.count(bracket) for bracket in ")]}")


def _statements(lines: list[str]) -> list[tuple[int, str]]:
    """The statements of a body, docstring and comments left out, each with its indentation.

    A statement spread over lines (open brackets, a trailing backslash) is one statement: how the
    twins wrap their lines (a cast makes the compiled twin's longer) does not count.
    """
    statements: list[tuple[int, str]] = []
    continued: tuple[int, str] | None = None
    docstring_end: str | None = None
    first_statement = True
    for line in lines:
        stripped = line.strip()
        if docstring_end is not None:
            if docstring_end in stripped:
                docstring_end = None
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if first_statement and stripped.startswith(_TRIPLE_QUOTES):
            first_statement = False
            quote = stripped[:3]
            if stripped.count(quote) < 2:
                docstring_end = quote
            continue
        first_statement = False
        code = stripped.split("  # ")[0].rstrip()
        if continued is not None:
            code = f"{continued[1]} {code}"
            indent = continued[0]
        else:
            indent = len(line) - len(line.lstrip())
        if code.endswith("\\"):
            continued = (indent, code[:-1].rstrip())
        elif _open_brackets(code) > 0:
            continued = (indent, code)
        else:
            continued = None
            statements.append((indent, code))
    if continued is not None:
        statements.append(continued)
    return statements


def skeleton(lines: list[str], twin_names: set[str]) -> list[str]:
    """What a body does, as both twins must write it (see the module docstring)."""
    tokens: list[str] = []
    base: int | None = None
    for indent, code in _statements(lines):
        if base is None:
            base = indent
        depth = max(0, (indent - base) // 4)
        if code.startswith("cdef "):
            declared = _CDEF_LOCAL.match(code)
            if declared is None or "=" not in declared.group("rest"):
                continue  # a declaration: what only the compiled twin says
            code = declared.group("rest")
        annotated = _ANNOTATED.match(code)
        if annotated is not None:  # ``name: annotation = value``: the annotation is Python's alone
            if annotated.group("value") is None:
                continue
            code = f"{annotated.group('name')} = {annotated.group('value')}"
        strings = _STRING.findall(code)
        words = _WORD.findall(_CAST.sub(" ", _STRING.sub(" ", code)))
        kept = {word for word in words if word not in _CONVENTION and not _C_API.match(word)}
        names = sorted({_EQUIVALENT.get(word, word) for word in kept | (set(words) & _EQUIVALENT.keys())})
        tokens.append(f"{depth} {' '.join(names)}")
        tokens += [f"{depth} string {literal}" for literal in strings]
    return tokens


def compare(python_twin: Path, compiled_twin: Path) -> list[str]:
    """A unified diff of the two twins' definitions and of their bodies' skeletons; empty when alike."""
    python_walk = _walk(python_twin)
    compiled_walk = _walk(compiled_twin)
    names_diff = list(
        difflib.unified_diff(
            [name for name, _ in python_walk],
            [name for name, _ in compiled_walk],
            fromfile=str(python_twin),
            tofile=str(compiled_twin),
            lineterm="",
        )
    )
    if names_diff:
        return names_diff
    twin_names = {name.split(".")[-1] for name, _ in python_walk}
    classes = {name for name in _class_names(python_twin)}
    diffs: list[str] = []
    for (name, python_body), (_, compiled_body) in zip(python_walk, compiled_walk):
        if name in classes:
            continue  # a class's own lines declare its fields, each twin its way; methods count
        diffs += difflib.unified_diff(
            skeleton(python_body, twin_names),
            skeleton(compiled_body, twin_names),
            fromfile=f"{python_twin.name}: {name}",
            tofile=f"{compiled_twin.name}: {name}",
            lineterm="",
        )
    return diffs


def twin_pairs(package: Path) -> list[tuple[Path, Path]]:
    """Every ``<name>_py.py`` / ``<name>_c.pyx`` pair in ``package``.

    Raises:
        FileNotFoundError: a ``.pyx`` has no pure-Python twin.
    """
    pairs = []
    for compiled in sorted(package.glob("*_c.pyx")):
        python = compiled.with_name(compiled.name[: -len("_c.pyx")] + "_py.py")
        if not python.exists():
            raise FileNotFoundError(f"{compiled} has no pure-Python twin {python.name}")
        pairs.append((python, compiled))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="PY_FILE PYX_FILE (default: every pair)")
    options = parser.parse_args(argv)
    if options.files and len(options.files) != 2:
        parser.error("give both twins, the .py first, or none")
    package = Path(__file__).resolve().parent.parent / "hookfast"
    pairs = [tuple(options.files)] if options.files else twin_pairs(package)
    failed = False
    for python, compiled in pairs:
        diff = compare(python, compiled)
        if diff:
            failed = True
            print(f"DRIFT: {compiled.name} and {python.name} differ (- the .py, + the .pyx):")
            print("\n".join(diff))
        else:
            print(f"OK: {python.name} and {compiled.name} define {len(definitions(python))} names alike")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
