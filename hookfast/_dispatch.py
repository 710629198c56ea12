"""The one place that chooses the dispatch backend: compiled ``_dispatch_c`` or pure-Python ``_dispatch_py``.

``HOOKFAST_NO_EXTENSIONS`` (any non-empty value) forces pure Python. ``HOOKFAST_REQUIRE_EXTENSION``
(any non-empty value) makes a missing or broken compiled module an import error instead of a silent
fallback, which is what CI and wheel tests set.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import threading
from collections.abc import Iterator
from types import ModuleType

from hookfast import _codegen

__all__ = [
    "BACKEND",
    "available",
    "backend",
    "close_gate",
    "current",
    "gate_is_open",
    "gated",
    "open_gate",
    "runner_backend",
    "use",
    "using",
]

_NO_EXTENSIONS = bool(os.environ.get("HOOKFAST_NO_EXTENSIONS"))
_REQUIRE_EXTENSION = bool(os.environ.get("HOOKFAST_REQUIRE_EXTENSION"))

_compiled: ModuleType | None = None
_compiled_error: BaseException | None = None

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeVar

    from hookfast import _dispatch_c, _dispatch_py, _runner_c, _runner_py
    from hookfast import _dispatch_py as backend  # type checkers see one truth: the Python twin
    from hookfast._interfaces import Backend, RunnerBackend

    T = TypeVar("T")

    # mypy --strict checks here that both twins of each pair (the compiled one through its stub)
    # satisfy the interface the thin layer uses.
    _python_twin: Backend = _dispatch_py
    _compiled_twin: Backend = _dispatch_c
    _python_runner_twin: RunnerBackend = _runner_py
    _compiled_runner_twin: RunnerBackend = _runner_c
elif _NO_EXTENSIONS or sys.implementation.name != "cpython":
    if _REQUIRE_EXTENSION:
        raise ImportError(
            "hookfast: HOOKFAST_REQUIRE_EXTENSION is set, but HOOKFAST_NO_EXTENSIONS (or a non-CPython "
            "interpreter) forbids the compiled backend; unset one of them"
        )
    from hookfast import _dispatch_py as backend
else:
    try:
        from hookfast import _dispatch_c as _compiled
    except ImportError as error:
        if _REQUIRE_EXTENSION:
            raise ImportError(
                "hookfast: HOOKFAST_REQUIRE_EXTENSION is set, but the compiled backend hookfast._dispatch_c "
                f"cannot be imported ({error}); reinstall hookfast from a wheel, or build it with a C "
                "compiler and Cython available"
            ) from error
        _compiled_error = error
        from hookfast import _dispatch_py as backend
    else:
        backend = _compiled

BACKEND: str = backend.BACKEND
"""``"cython"`` or ``"python"``: the dispatch backend chosen when hookfast was imported (the compiled
one unless ``HOOKFAST_NO_EXTENSIONS`` is set, the extension was not built, or the interpreter is not
CPython)."""

#: The backend that slots registered from now on use; tests switch it with :func:`using`.
current: Backend = backend


def available() -> dict[str, Backend]:
    """The importable backends by name (the compiled one only if it was built and not forbidden)."""
    from hookfast import _dispatch_py  # imported on demand: the compiled backend does not need it

    backends: dict[str, Backend] = {"python": _dispatch_py}
    if _compiled is not None:
        backends["cython"] = _compiled
    return backends


def use(name: str) -> str:
    """Make slots registered from now on use backend ``name``; returns the previous backend's name.

    For the package's own tests, benchmarks and scripts (prefer :func:`using`): slots already
    registered keep the backend they were built with.

    Raises:
        ValueError: ``name`` is not one of :func:`available`.
    """
    global current
    backends = available()
    if name not in backends:
        reason = f" ({_compiled_error})" if _compiled_error is not None else ""
        raise ValueError(f"hookfast backend {name!r} is not available{reason}; available: {sorted(backends)}")
    previous: str = current.BACKEND
    current = backends[name]
    return previous


#: serialises the gate's moves (the async call path takes it to read the gate when imported)
gate_lock = threading.Lock()
_gate_holders = 0  # trace() blocks and scoped skips active in the whole process


def open_gate() -> None:
    """Send hooked calls through the gate of the call path's slow lane (tracing, scoped skips).

    Counted: the gate closes again when every :func:`open_gate` has had its :func:`close_gate`.
    Every backend's gate moves, since slots of both may be alive.
    """
    global _gate_holders
    with gate_lock:
        _gate_holders += 1
        if _gate_holders == 1:
            _set_gates(True)


def close_gate() -> None:
    """Undo one :func:`open_gate`."""
    global _gate_holders
    with gate_lock:
        _gate_holders -= 1
        if _gate_holders == 0:
            _set_gates(False)


@contextlib.contextmanager
def gated(variable: contextvars.ContextVar[T], value: T) -> Iterator[None]:
    """Within the block, ``variable`` is ``value`` in this context and the gate is held open.

    What ``trace()`` blocks and scoped skips have in common: the call path reads ``variable`` behind
    the gate. Restored however the block ends; if it ends in another context than it began in
    (a generator-based block resumed elsewhere), the variable is set back to its earlier value.
    """
    previous = variable.get()
    open_gate()
    try:
        token = variable.set(value)
        try:
            yield
        finally:
            try:
                variable.reset(token)
            except ValueError:
                variable.set(previous)
    finally:
        close_gate()


def gate_is_open() -> bool:
    """Whether some ``trace()`` block or scoped skip holds the gate open now."""
    return _gate_holders > 0


def _set_gates(open_: bool) -> None:
    for module in available().values():
        module.set_gate(open_)
    # generated code reads one gate for both backends
    _codegen.set_gate_holders(_gate_holders)


def runner_backend() -> RunnerBackend:
    """The runner twin (``_runner_c`` or ``_runner_py``) of the backend :data:`current` now."""
    if current.BACKEND == "cython":
        from hookfast import _runner_c

        return _runner_c
    from hookfast import _runner_py

    return _runner_py


@contextlib.contextmanager
def using(name: str) -> Iterator[Backend]:
    """Within the block, slots registered use backend ``name`` (see :func:`use`); yields that module."""
    previous = use(name)
    try:
        yield current
    finally:
        use(previous)
