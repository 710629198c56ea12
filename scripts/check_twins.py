"""Check that each compiled twin defines the same names, in the same order, as its pure-Python twin.

Usage::

    python scripts/check_twins.py [PY_FILE PYX_FILE]

Without arguments, checks every ``hookfast/<name>_c.pyx`` against ``hookfast/<name>_py.py``. The
definitions compared are the module's functions and classes and the methods of its classes
(``def``, ``cdef``, ``cpdef``, ``async def``; a property counts as its method), in file order.
Lines between ``# --- only in this twin`` and ``# --- end of only in this twin`` are left out on
both sides: what one twin needs and the other cannot have (the C API helpers, the pure-Python
closure dressing). Exits 1 with a diff of the two lists when they differ, so drift fails CI.
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


def definitions(path: Path) -> list[str]:
    """The definition names of ``path`` in order, methods as ``Class.method``, fences left out.

    Raises:
        ValueError: a fence is opened twice, closed without being opened, or left open.
    """
    names: list[str] = []
    current_class: str | None = None
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
        if line and not line[0].isspace() and not line.startswith(("#", "@", ")")):
            current_class = None  # back at module level: a method can no longer follow
        if fenced_at is not None:
            continue
        match = _DEFINITION.match(line)
        if match is None:
            continue
        name = match.group("function") or match.group("class") or match.group("cfunction")
        if match.group("indent"):
            if current_class is not None:
                names.append(f"{current_class}.{name}")
        elif match.group("class"):
            current_class = name
            names.append(name)
        else:
            names.append(name)
    if fenced_at is not None:
        raise ValueError(f"{path}:{fenced_at}: fence never closed with {FENCE_END!r}")
    return names


def compare(python_twin: Path, compiled_twin: Path) -> list[str]:
    """A unified diff of the two twins' definitions; empty when they match."""
    return list(
        difflib.unified_diff(
            definitions(python_twin),
            definitions(compiled_twin),
            fromfile=str(python_twin),
            tofile=str(compiled_twin),
            lineterm="",
        )
    )


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
            print(f"DRIFT: {compiled.name} does not define what {python.name} defines, in that order:")
            print("\n".join(diff))
        else:
            print(f"OK: {python.name} and {compiled.name} define {len(definitions(python))} names alike")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
