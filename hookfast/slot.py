"""``@slot`` and the slot declaration behind every ``Cls.method`` (the path mirrors ``onetl.hooks.slot``)."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from types import ModuleType

from hookfast import _registry
from hookfast.hook import Hook
from hookfast.logs import NOTICE, display_name, slot_logger

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar, overload

    F = TypeVar("F")
    H = TypeVar("H", bound=Hook[Any])
else:
    from hookfast.hook import overload

__all__ = ["SlotDeclaration", "slot"]


def _callable_inside(method: Any) -> Any:
    # onETL's rule: unwrap one __wrapped__ level (classmethod/staticmethod have it since 3.10,
    # functools.wraps decorators too), then __func__.
    original = getattr(method, "__wrapped__", method)
    return getattr(original, "__func__", original)


class SlotDeclaration:
    """One ``@slot`` method of one class: its hooks, its slot-level switch and its dispatcher.

    Reachable as ``Cls.method.__hooks__``. Iterating it gives the hooks bound to this declaration
    in bind order (onETL's ``HookCollection`` did the same).
    """

    def __init__(self, method: Any) -> None:
        #: the class whose ``@support_hooks`` registered it; None until then
        self.owner: type | None = None
        self.name: str = getattr(_callable_inside(method), "__name__", "")
        self.kind: str = ""
        #: the underlying callable, called with all the slot's arguments (receiver first)
        self.function: Callable[..., Any] = (
            method.__func__ if isinstance(method, (classmethod, staticmethod)) else method
        )
        #: what the class holds while no hook can run (the decorated object itself)
        self.original_value: Any = method
        #: what the class holds while some hook can run (the dispatcher, wrapped like the original)
        self.active_value: Any = None
        self.backend: ModuleType | None = None
        self.dispatcher: Any = None
        self.hooks: list[Hook[Any]] = []
        #: the slot-level switch (level 3)
        self.suspended = False
        #: classes whose class-level switch (level 2) covers this slot
        self.suspended_by: weakref.WeakSet[type] = weakref.WeakSet()

    def attach(self, owner: type, name: str, value: Any, backend: ModuleType) -> None:
        """Called once by the registry when ``@support_hooks`` registers the slot."""
        self.owner = owner
        self.name = name
        self.original_value = value
        if isinstance(value, classmethod):
            self.kind = "classmethod"
        elif isinstance(value, staticmethod) or not hasattr(type(value), "__get__"):
            # a plain callable object in a class (no __get__) is called without the instance
            self.kind = "staticmethod"
        else:
            self.kind = "method"
        function = self.function
        function.bind = self.bind  # type: ignore[attr-defined]
        function.suspend_hooks = self.suspend_hooks  # type: ignore[attr-defined]
        function.resume_hooks = self.resume_hooks  # type: ignore[attr-defined]
        function.skip_hooks = self.skip_hooks  # type: ignore[attr-defined]
        self.backend = backend
        self.dispatcher = backend.Dispatcher(self)
        self.active_value = self.dispatcher.active_value

    def detach(self) -> None:
        """Undo :meth:`attach` (the registry rolls back a failed ``@support_hooks``)."""
        for attribute in ("bind", "suspend_hooks", "resume_hooks", "skip_hooks"):
            self.function.__dict__.pop(attribute, None)
        self.owner = None
        self.kind = ""
        self.active_value = self.backend = self.dispatcher = None

    @property
    def qualname(self) -> str:
        """``'Class.method'`` as written where the slot is defined."""
        return getattr(self.function, "__qualname__", self.name)

    @property
    def slot_object(self) -> Any:
        """What ``Cls.method`` gives for this slot right now."""
        return getattr(self.owner, self.name) if self.owner is not None else self.original_value

    @overload
    def bind(self, hook: None = None) -> Callable[[H], H]: ...

    @overload
    def bind(self, hook: H) -> H: ...  # noqa: F811 - typing.overload without importing typing

    def bind(self, hook: Any = None) -> Any:  # noqa: F811 - typing.overload without importing typing
        """Bind a hook to this slot; usable as ``@Cls.method.bind``, ``.bind(h)`` or ``.bind()(h)``.

        Returns the hook itself, so binds stack. Binding takes effect from the next call.

        Raises:
            TypeError: ``hook`` is not a :class:`Hook` (apply ``@hook`` first).
        """
        if hook is None:
            return self.bind
        if not isinstance(hook, Hook):
            raise TypeError(
                f"@{self.qualname}.bind decorator can be used only on top function marked with @hook, "
                f"got {hook!r}: write @{self.qualname}.bind above @hook"
            )
        _registry.bind(self, hook)
        slot_logger.debug(
            "|Hooks| Registered hook '%s' for '%s' (enabled=%r, priority=%s)",
            display_name(hook),
            self.qualname,
            hook.enabled,
            hook.priority,
        )
        return hook

    def suspend_hooks(self) -> None:
        """Stop every hook of this slot declaration (level 3) until :meth:`resume_hooks`."""
        _registry.set_suspended(self, True)

    def resume_hooks(self) -> None:
        """Undo :meth:`suspend_hooks`; never resumes another level."""
        _registry.set_suspended(self, False)

    @contextlib.contextmanager
    def skip_hooks(self) -> Iterator[None]:
        """Suspend this slot's hooks inside a ``with`` block or a decorated function (``@...skip_hooks()``).

        Does nothing if the slot is already suspended; otherwise resumes it on exit, also when the
        block raises.
        """
        if self.suspended:
            slot_logger.log(NOTICE, "|Hooks| Hooks already disabled, nothing to skip")
            yield
            return
        slot_logger.log(NOTICE, "|Hooks| Disabling hooks")
        _registry.set_suspended(self, True)
        try:
            yield
        finally:
            _registry.set_suspended(self, False)

    @property
    def active(self) -> list[Hook[Any]]:
        """This declaration's own enabled hooks, none while suspended (``HookCollection.active``)."""
        return [] if self.suspended or self.suspended_by else [bound for bound in self.hooks if bound.enabled]

    def merged_hooks(self) -> tuple[Hook[Any], ...]:
        """The hooks a call of this slot runs now, in order, across the MRO and all four levels."""
        if self.backend is None:
            return ()
        ordered: tuple[Hook[Any], ...] = self.backend.collect(_registry.collect_active_hooks(self))
        return ordered

    # onETL's HookCollection names, so code that used ``Cls.method.__hooks__`` keeps working.
    add = bind
    stop = suspend_hooks
    resume = resume_hooks
    skip = skip_hooks

    def __iter__(self) -> Iterator[Hook[Any]]:
        return iter(list(self.hooks))

    def __len__(self) -> int:
        return len(self.hooks)

    def __repr__(self) -> str:
        state = "suspended" if self.suspended else "active"
        return f"<hookfast slot {self.qualname!r} ({state}, {len(self.hooks)} hooks)>"


def slot(method: F) -> F:
    """Mark a method as a slot that hooks can be bound to; place it above ``@classmethod``/``@staticmethod``.

    The method is returned unchanged, only marked: ``@support_hooks`` on the class makes it
    dispatch. Dunder methods (``__init__``) are allowed, other names starting with ``_`` are not.

    Raises:
        SyntaxError: the method is already a slot.
        TypeError: the object is not callable (for example a ``property``).
        ValueError: the method is private.
    """
    if _registry.declaration_of(method) is not None:
        raise SyntaxError(
            "Cannot place @slot hook twice on the same method: "
            f"{getattr(_callable_inside(method), '__qualname__', method)!r}"
        )
    original = _callable_inside(method)
    if not callable(original):
        raise TypeError(
            f"@slot decorator could be applied to only to methods of class, got {type(original)}: "
            "use it on a function, or above @classmethod / @staticmethod"
        )
    name = getattr(original, "__name__", "")
    if name.startswith("_") and not name.endswith("__"):
        raise ValueError(
            f"@slot decorator could be applied to public methods only, got '{name}': "
            "rename the method or call it from a public slot"
        )
    declaration = SlotDeclaration(method)
    try:
        declaration.function.__hooks__ = declaration  # type: ignore[attr-defined]
    except (AttributeError, TypeError):
        raise TypeError(
            f"@slot cannot mark {method!r}: it does not accept attributes; wrap it in a plain function"
        ) from None
    return method


def get_declaration(method: Any) -> SlotDeclaration | None:
    """The declaration of a slot given as ``Cls.method`` (any of its forms), or None."""
    return _registry.declaration_of(getattr(method, "__func__", method))
