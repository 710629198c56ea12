"""The code under measurement: the hook callbacks, and the classes (receivers) they are bound to.

Every implementation builds the same classes through :func:`receiver`, with its own ``slot`` and
``support_hooks`` decorators (or none, for the baselines). The hooks are module level, so every case
shares their code objects, which :meth:`hookfast.bench.cases.Case.check` counts.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import CodeType
    from typing import Any, Callable

    Decorator = Callable[[Any], Any]

__all__ = ["SHAPES", "Receiver", "callbacks", "expected_runs", "identity", "method_runs", "receiver"]


# --- the hooks: empty, so that what is measured is the dispatch ---


def _function_hook_1(receiver: Any, x: int) -> None:
    return None


def _function_hook_2(receiver: Any, x: int) -> None:
    return None


def _function_hook_3(receiver: Any, x: int) -> None:
    return None


def _generator_hook(receiver: Any, x: int) -> Iterator[None]:
    yield


class _ContextHook:
    """A context-manager class hook: constructed with the slot's arguments, entered, exited."""

    __slots__ = ()

    def __init__(self, receiver: Any, x: int) -> None:
        pass

    def __enter__(self) -> _ContextHook:
        return self

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        return None


_FUNCTION_HOOKS = (_function_hook_1, _function_hook_2, _function_hook_3)


def callbacks(kinds: tuple[str, ...]) -> list[tuple[str, Any]]:
    """``(kind, callback)`` for each hook kind, function hooks taken in order."""
    functions = iter(_FUNCTION_HOOKS)
    found: list[tuple[str, Any]] = []
    for kind in kinds:
        if kind == "function":
            found.append((kind, next(functions)))
        elif kind == "generator":
            found.append((kind, _generator_hook))
        else:
            found.append((kind, _ContextHook))
    return found


def expected_runs(kinds: tuple[str, ...]) -> dict[str, tuple[CodeType, int]]:
    """What one call runs, per hook: label -> (code, number of 'call' profile events)."""
    runs: dict[str, tuple[CodeType, int]] = {}
    for kind, callback in callbacks(kinds):
        if kind == "function":
            runs[callback.__name__] = (callback.__code__, 1)
        elif kind == "generator":
            runs["_generator_hook"] = (_generator_hook.__code__, 2)  # started, then resumed once
        else:
            for method in ("__init__", "__enter__", "__exit__"):
                runs[f"_ContextHook.{method}"] = (getattr(_ContextHook, method).__code__, 1)
    return runs


# --- the receivers: one factory per shape, used with and without hooks ---


@dataclass
class Receiver:
    """The classes of one shape, built with one implementation's decorators, no hook bound yet.

    Attributes:
        name: the receiver's name in the statement (what hand-written hooks are called with).
        call: the slot call in the statement.
        classes: the classes to bind hooks on (one per level for ``deep``).
        namespace: the names the statement uses.
        codes: label -> code object of each method body the call runs.
        expected: what the call returns.
    """

    name: str
    call: str
    classes: tuple[Any, ...]
    namespace: dict[str, Any]
    codes: dict[str, CodeType]
    expected: int


def identity(value: Any) -> Any:
    """A decorator doing nothing: the ``slot`` and ``support_hooks`` of the baselines."""
    return value


def _noting(codes: dict[str, CodeType], label: str) -> Decorator:
    """A decorator recording a function's code object under ``label`` (for ``Case.must_run``)."""

    def note(function: Any) -> Any:
        codes[label] = function.__code__
        return function

    return note


def _method(slot: Decorator, support: Decorator) -> Receiver:
    codes: dict[str, CodeType] = {}

    @support
    class Calculator:
        @slot
        @_noting(codes, "method")
        def m(self, x: int) -> int:
            return x + 1

    return Receiver("obj", "obj.m(1)", (Calculator,), {"obj": Calculator()}, codes, 2)


def _held(slot: Decorator, support: Decorator) -> Receiver:
    plain = _method(slot, support)
    # Taken now, before any hook is bound: a callback kept since start-up.
    held = plain.namespace["obj"].m
    return Receiver("obj", "held(1)", plain.classes, {**plain.namespace, "held": held}, plain.codes, 2)


def _classmethod(slot: Decorator, support: Decorator) -> Receiver:
    codes: dict[str, CodeType] = {}

    @support
    class Calculator:
        @slot
        @classmethod
        @_noting(codes, "method")
        def m(cls, x: int) -> int:
            return x + 2

    return Receiver("cls", "cls.m(1)", (Calculator,), {"cls": Calculator}, codes, 3)


def _deep(slot: Decorator, support: Decorator) -> Receiver:
    codes: dict[str, CodeType] = {}

    @support
    class Base:
        @slot
        @_noting(codes, "Base.m")
        def m(self, x: int) -> int:
            return x + 1

    class Mid(Base):  # inherits the slot (@support_hooks on a class without @slot is an error)
        pass

    @support
    class Leaf(Mid):
        @slot
        @_noting(codes, "Leaf.m")
        def m(self, x: int) -> int:
            return super().m(x)  # type: ignore[no-any-return]

    return Receiver("obj", "obj.m(1)", (Base, Mid, Leaf), {"obj": Leaf()}, codes, 2)


#: Receiver shape -> factory taking the ``slot`` and ``support_hooks`` decorators.
SHAPES: dict[str, Callable[[Decorator, Decorator], Receiver]] = {
    "method": _method,
    "classmethod": _classmethod,
    "deep": _deep,
    "held": _held,
}


def receiver(shape: str, slot: Decorator, support: Decorator) -> Receiver:
    """Build the classes of ``shape`` with these decorators (no hook bound yet)."""
    return SHAPES[shape](slot, support)


def method_runs(codes: dict[str, CodeType]) -> dict[str, tuple[CodeType, int]]:
    """``Case.must_run`` entries for the method bodies: each runs once per call."""
    return {label: (code, 1) for label, code in codes.items()}
