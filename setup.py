"""Build hookfast: compile hookfast/*.pyx when possible, otherwise install pure Python.

All metadata lives in pyproject.toml; this file only decides about the Cython extensions.

Environment variables (any non-empty value counts as set, except where "=1" is shown):
  HOOKFAST_NO_EXTENSIONS      build no extension at all (pure-Python install)
  HOOKFAST_REQUIRE_EXTENSION  make any Cython/C build failure fatal instead of falling back
  HOOKFAST_ANNOTATE=1         also write Cython's annotated HTML next to each .pyx
  HOOKFAST_CYTHON_TRACE=1     build with line tracing, for coverage of the .pyx
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

PACKAGE = "hookfast"
HERE = Path(__file__).resolve().parent
MODE_STAMP = Path("build") / "cython-mode.txt"

NO_EXTENSIONS = bool(os.environ.get("HOOKFAST_NO_EXTENSIONS"))
REQUIRE_EXTENSION = bool(os.environ.get("HOOKFAST_REQUIRE_EXTENSION"))
ANNOTATE = os.environ.get("HOOKFAST_ANNOTATE") == "1"
TRACE = os.environ.get("HOOKFAST_CYTHON_TRACE") == "1"

TRACE_MACROS = [("CYTHON_TRACE", "1"), ("CYTHON_TRACE_NOGIL", "1"), ("CYTHON_USE_SYS_MONITORING", "0")]
TRACE_DIRECTIVES = {"linetrace": True, "profile": True, "binding": True}


def say(message: str) -> None:
    print(f"hookfast setup.py: {message}", file=sys.stderr, flush=True)


def warn_pure_python(reason: str) -> None:
    bar = "*" * 78
    lines = [
        bar,
        f"WARNING: {reason}",
        "hookfast is being installed WITHOUT its Cython extension: the pure-Python backend",
        "behaves the same, only slower. Set HOOKFAST_REQUIRE_EXTENSION=1 to make this an error.",
        bar,
    ]
    say("\n" + "\n".join(lines))


def mode_changed(mode: str) -> bool:
    """True when the last cythonize ran in another mode (the generated .c must then be redone)."""
    try:
        return MODE_STAMP.read_text().strip() != mode
    except OSError:
        return True


def headers_of(source: Path) -> list[str]:
    """The package's own headers a ``.pyx`` includes (``cdef extern from "<name>.h"``)."""
    names = re.findall(r'^cdef extern from "([\w.]+\.h)"', source.read_text(), flags=re.MULTILINE)
    return [path.as_posix() for path in (source.parent / name for name in names) if path.exists()]


def extensions() -> list[Extension]:
    """The extensions to build: one ``hookfast.<stem>`` per ``hookfast/<stem>.pyx``, or none."""
    sources = sorted(Path(PACKAGE).glob("*.pyx"))
    if not sources:
        return []
    if NO_EXTENSIONS:
        say("HOOKFAST_NO_EXTENSIONS is set: installing the pure-Python backend only.")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        if REQUIRE_EXTENSION:
            raise RuntimeError("HOOKFAST_REQUIRE_EXTENSION is set but Cython is not installed") from None
        warn_pure_python("Cython is not installed.")
        return []

    macros = TRACE_MACROS if TRACE else []
    directives: dict[str, object] = {"language_level": 3, **(TRACE_DIRECTIVES if TRACE else {})}
    mode = "trace" if TRACE else "release"
    modules = [
        Extension(
            f"{PACKAGE}.{src.stem}",
            [src.as_posix()],
            define_macros=list(macros),
            # the raw C the .pyx includes (``cdef extern from "<name>.h"``): a change rebuilds
            depends=headers_of(src),
        )
        for src in sources
    ]
    force = mode_changed(mode) or ANNOTATE
    try:
        built = cythonize(modules, compiler_directives=directives, annotate=ANNOTATE, force=force)
    except Exception as exc:
        if REQUIRE_EXTENSION:
            raise
        warn_pure_python(f"cythonize failed ({type(exc).__name__}: {exc})")
        return []
    MODE_STAMP.parent.mkdir(parents=True, exist_ok=True)
    MODE_STAMP.write_text(mode + "\n")
    for ext in built:
        # cythonize() drops optional=True, so set it on what it returns.
        ext.optional = not REQUIRE_EXTENSION
    return built


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python on any failure unless the extension is required."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            if REQUIRE_EXTENSION:
                raise  # setuptools reports it and pip exits non-zero
            warn_pure_python(f"the C extension build could not run ({type(exc).__name__}: {exc})")

    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":
            for ext in self.extensions:
                ext.extra_compile_args = [*ext.extra_compile_args, "-O3"]
        super().build_extensions()

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._fallback(f"building {ext.name} failed", exc)

    def _fallback(self, what: str, exc: Exception) -> None:
        if REQUIRE_EXTENSION:
            say(f"ERROR: {what} and HOOKFAST_REQUIRE_EXTENSION is set.")
            raise exc
        warn_pure_python(f"{what} ({type(exc).__name__}: {exc})")


os.chdir(HERE)  # globs and the mode stamp are relative to the project root
setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
