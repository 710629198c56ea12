"""The interfaces between hookfast's layers, for type checkers only (nothing imports this at run time).

The layers depend one way, downwards: docs/architecture.md draws them, and
tests/test_architecture.py checks that drawing against the imports. The registry mutates
declarations and hooks without importing the modules that define them: it sees them through
:class:`Declaration` and :class:`BoundHook`. The thin layer sees a dispatch backend through
:class:`Backend`, which both twins satisfy (``_dispatch.py`` checks it for ``mypy --strict``;
``mypy.stubtest`` checks the compiled twin's stub against the module in CI).
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, Protocol

__all__ = [
    "Backend",
    "BoundHook",
    "CallHook",
    "Declaration",
    "Dispatcher",
    "HookCall",
    "RunnerBackend",
]


class HookCall(Protocol):
    """One active hook of one slot, ready to call (built by the registry, read on the call path)."""

    @property
    def hook(self) -> Any: ...
    @property
    def callback(self) -> Callable[..., Any]: ...
    @property
    def method_name(self) -> str | None: ...


class Dispatcher(Protocol):
    """The call machinery of one slot declaration (one per registered declaration)."""

    #: the hooks the next call runs, in order; the registry replaces the tuple when it changes
    calls: tuple[Any, ...]

    @property
    def callable(self) -> Callable[..., Any]:
        """What the class holds (wrapped like the original) and the trampoline calls."""

    @property
    def function(self) -> Callable[..., Any]:
        """The method body: a private copy of the slot's function."""

    def set_class_values(self, original_value: object, active_value: object) -> None:
        """The two objects the class can hold for this slot (plain, and dispatching)."""

    def set_hierarchy(self, parents: frozenset[Any], has_children: bool, in_hierarchy: bool) -> None:
        """Where the slot stands among the declarations of its name (decided by the registry)."""

    @property
    def in_hierarchy(self) -> bool:
        """Whether other declarations of the slot's name share a class hierarchy with it."""


class Backend(Protocol):
    """A dispatch backend module: ``hookfast._dispatch_c`` or ``hookfast._dispatch_py``."""

    @property
    def BACKEND(self) -> str: ...  # a module constant seen through a protocol
    @property
    def set_gate(self) -> Callable[[bool], None]:
        """Hold the call path's gate open (while some ``trace()`` block or scoped skip is active)."""

    @property
    def HookCall(self) -> Callable[[Any, Callable[..., Any], str | None], HookCall]: ...
    @property
    def Dispatcher(self) -> Callable[[Any], Dispatcher]: ...
    @property
    def SETS_CLOSURES(self) -> bool:
        """Whether :attr:`install_code` can give a function a closure of another size."""

    @property
    def install_code(self) -> Callable[[Any, Any, tuple[Any, ...] | None], None]:
        """Give a Python function another code object (and closure, where the backend can)."""

    @property
    def dispatch_async(self) -> Callable[[Any, tuple[Any, ...], dict[str, Any]], Any]:
        """The general path of an async slot call (a coroutine function)."""

    @property
    def generated_code_helpers(self) -> Callable[[], dict[str, Any]]:
        """What generated code calls, by the names of its markers (``hookfast._codegen``)."""


class CallHook(Protocol):
    """The ``call_hook`` of the runners of one class (``hookfast.runner``)."""

    @property
    def callable(self) -> Callable[..., None]:
        """What the runner class holds as ``call_hook``."""


class RunnerBackend(Protocol):
    """A runner twin module: ``hookfast._runner_c`` or ``hookfast._runner_py``."""

    @property
    def BACKEND(self) -> str: ...  # a module constant seen through a protocol
    @property
    def CallHook(self) -> Callable[[Any], CallHook]:
        """``CallHook(builder)``, with ``hookfast.runner``'s ``_Builder`` for its slow paths."""

    @property
    def Plan(self) -> Callable[..., Any]:
        """What a runner calls at one point, position by position of its hook list."""

    @property
    def points_changed(self) -> Callable[[], None]:
        """A point attribute of some hook was set or deleted: plans built before are rebuilt."""


class BoundHook(Protocol):
    """What the registry reads and switches on a :class:`hookfast.Hook`."""

    _enabled: bool
    _priority: int
    #: the declarations the hook is bound to, in bind order (with repeats)
    _slots: list[weakref.ref[Declaration]]

    @property
    def callback(self) -> Callable[..., Any]: ...

    def wants_method_name(self) -> bool: ...


class Declaration(Protocol):
    """What the registry reads and mutates on a :class:`hookfast.slot.SlotDeclaration`."""

    owner: type | None
    name: str
    kind: str
    method_name: str
    hooks: list[Any]
    suspended: bool
    suspended_by: weakref.WeakSet[type]
    parents: frozenset[Declaration]
    has_children: bool
    original_value: Any
    dispatcher: Dispatcher
    backend: Backend | None

    @property
    def slot_object(self) -> Any: ...

    def attach(self, owner: type, name: str, value: Any, backend: Backend) -> None: ...

    def detach(self) -> None: ...

    def holds(self, value: object) -> bool: ...

    def install(self, calls: tuple[Any, ...]) -> None: ...

    def __hash__(self) -> int: ...
