"""``@hook``, :class:`Hook` and :class:`HookPriority` (the path mirrors ``onetl.hooks.hook``)."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from enum import Enum

from hookfast import _registry
from hookfast.logs import NOTICE, display_name, hook_logger

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable, Generic, TypeVar, overload

    from typing_extensions import ParamSpec

    from hookfast._interfaces import Declaration

    T = TypeVar("T")
    P = ParamSpec("P")

    class _GenericHook(Generic[P, T]):
        """What type checkers see as the base of :class:`Hook`: the callback's parameters and result."""

else:
    T = P = None

    def overload(function: object) -> object:
        # typing.overload only matters to type checkers; the last definition wins at run time
        return function

    class _GenericHook:
        """Lets ``Hook[[int], None]`` subscript at run time without importing typing."""

        def __class_getitem__(cls, item: object) -> type:
            return cls


__all__ = ["Hook", "HookPriority", "hook"]


class HookPriority(int, Enum):
    """Order of hooks within one slot call; hooks of equal priority run in class, then bind order."""

    FIRST = -1
    "Runs before every NORMAL and LAST hook."
    NORMAL = 0
    "The default: after FIRST hooks, before LAST hooks."
    LAST = 1
    "Runs after every FIRST and NORMAL hook; its returned value wins the result replacement."

    def __str__(self) -> str:
        # Python 3.11 changed str() of int-mixin enums; logs must read 'HookPriority.NORMAL' everywhere.
        return f"{type(self).__name__}.{self.name}"


def _to_priority(priority: Any, callback: Any) -> HookPriority:
    try:
        return HookPriority(priority)
    except ValueError:
        raise ValueError(
            f"{priority!r} is not a valid HookPriority for hook {display_name(callback)!r}: "
            "use HookPriority.FIRST, HookPriority.NORMAL or HookPriority.LAST (or -1, 0, 1)"
        ) from None


_WRAPPER_ASSIGNMENTS = ("__module__", "__name__", "__qualname__", "__doc__")
_reserved_names: frozenset[str] | None = None


def _hook_names() -> frozenset[str]:
    """Names a :class:`Hook` defines itself (computed once, when the first hook is made)."""
    global _reserved_names
    if _reserved_names is None:
        _reserved_names = frozenset(dir(Hook))
    return _reserved_names


class Hook(_GenericHook[P, T]):
    """A callback bound (or ready to be bound) to slots, with its own on/off state and priority.

    Calling the hook calls the callback. The hook carries the callback's ``__name__``,
    ``__qualname__``, ``__module__``, ``__doc__`` and ``__wrapped__``. Unlike onETL's dataclass, a hook
    compares and hashes by identity, so hooks can be kept in sets.

    Args:
        callback: a function, a generator function, a context-manager class or any callable.
        enabled: whether the hook runs; see :meth:`enable`, :meth:`disable`, :meth:`skip`.
        priority: a :class:`HookPriority` or its value.
    """

    def __init__(
        self,
        callback: Callable[P, T],
        enabled: bool = True,
        priority: HookPriority | int = HookPriority.NORMAL,
    ) -> None:
        if isinstance(callback, Hook):
            raise TypeError(
                f"@hook decorator can be applied only once: {display_name(callback)!r} is already a Hook"
            )
        if not callable(callback):
            raise TypeError(
                f"@hook needs a callable (function, generator function or class), got {callback!r}"
            )
        self._callback = callback
        #: a HookPriority, typed as the int the registry sorts by
        self._priority: int = _to_priority(priority, callback)
        self._enabled = bool(enabled)
        #: slot declarations this hook is bound to, in bind order (with repeats); weak, so that a
        #: hook kept alive does not keep the classes it was bound to alive
        self._slots: list[weakref.ref[Declaration]] = []
        self._wants_method_name: bool | None = None
        for attribute in _WRAPPER_ASSIGNMENTS:
            try:
                value = getattr(callback, attribute)
            except AttributeError:
                continue
            setattr(self, attribute, value)
        # As functools.wraps (onETL): the callback's attributes, for a class its namespace, become
        # the hook's, so `Ctx.entered += 1` inside a context-manager class decorated with @hook
        # still finds `entered`. Except what the hook itself defines: `enabled`, `priority`,
        # `callback` and the rest keep meaning the hook's own.
        reserved = _hook_names()
        for key, value in getattr(callback, "__dict__", {}).items():
            if key not in self.__dict__ and key not in reserved:
                self.__dict__[key] = value
        self.__wrapped__ = callback

    def __getstate__(self) -> dict[str, Any]:
        # Pickled by value (cloudpickle ships a script's hooks to other processes): without the
        # slots it is bound to, which the unpickled slots bind it to again.
        state = dict(self.__dict__)
        state["_slots"] = []
        return state

    @property
    def callback(self) -> Callable[P, T]:
        """The wrapped callable."""
        return self._callback

    @property
    def enabled(self) -> bool:
        """Whether the hook-level switch is on; assigning to it is :meth:`enable` / :meth:`disable`."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        _registry.set_hook_enabled(self, bool(value))

    @property
    def priority(self) -> HookPriority:
        """The hook's priority; assigning re-orders every slot the hook is bound to."""
        return HookPriority(self._priority)

    @priority.setter
    def priority(self, value: HookPriority | int) -> None:
        _registry.set_hook_priority(self, _to_priority(value, self._callback))

    @property
    def slots(self) -> tuple[Any, ...]:
        """The slots this hook is bound to, as ``Cls.method`` objects, in bind order."""
        live = [declaration for declaration in (ref() for ref in self._slots) if declaration is not None]
        return tuple(declaration.slot_object for declaration in dict.fromkeys(live))

    def wants_method_name(self) -> bool:
        """Whether the callback declares a parameter named ``method_name`` (inspected once)."""
        if self._wants_method_name is None:
            import inspect

            try:
                parameters = inspect.signature(self._callback).parameters
            except (TypeError, ValueError):
                parameters = {}  # type: ignore[assignment]
            self._wants_method_name = "method_name" in parameters
        return self._wants_method_name

    def enable(self) -> None:
        """Turn the hook on (level 4). Never resumes another level."""
        if self._enabled:
            hook_logger.log(NOTICE, "|Hooks| Hook '%s' already enabled", display_name(self._callback))
        else:
            hook_logger.log(NOTICE, "|Hooks| Enable hook '%s'", display_name(self._callback))
            _registry.set_hook_enabled(self, True)

    def disable(self) -> None:
        """Turn the hook off (level 4) for every slot it is bound to."""
        if self._enabled:
            hook_logger.log(NOTICE, "|Hooks| Disable hook '%s'", display_name(self._callback))
            _registry.set_hook_enabled(self, False)
        else:
            hook_logger.log(NOTICE, "|Hooks| Hook '%s' already disabled", display_name(self._callback))

    @contextlib.contextmanager
    def skip(self, *, local: bool = False) -> Iterator[None]:
        """Disable the hook inside a ``with`` block or a decorated function (``@h.skip()``).

        Does nothing if the hook is already disabled; otherwise re-enables it on exit, also when
        the block raises.

        Args:
            local: skip only in the current thread and asyncio task (tasks it creates inherit
                it while the block runs, not after); other threads and tasks keep running the
                hooks. Nests with itself and with the process-wide states, and is restored however
                the block ends.
        """
        if local:
            hook_logger.log(
                NOTICE, "|Hooks| Skipping hook '%s' in this thread or task", display_name(self._callback)
            )
            with _registry.skip_locally(hooks=frozenset((self,))):
                yield
            return
        if not self._enabled:
            hook_logger.log(
                NOTICE, "|Hooks| Hook '%s' already disabled, nothing to skip", display_name(self._callback)
            )
            yield
            return
        hook_logger.log(NOTICE, "|Hooks| Skipping hook '%s' ...", display_name(self._callback))
        _registry.set_hook_enabled(self, False)
        try:
            yield
        finally:
            hook_logger.log(NOTICE, "|Hooks| Restoring hook '%s' ...", display_name(self._callback))
            _registry.set_hook_enabled(self, True)

    def __call__(self, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._callback(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Hook(callback={self._callback!r}, enabled={self._enabled!r}, priority={self._priority!r})"


@overload
def hook(
    callback: Callable[P, T], *, enabled: bool = ..., priority: HookPriority | int = ...
) -> Hook[P, T]: ...


@overload
def hook(  # noqa: F811
    callback: None = None, *, enabled: bool = ..., priority: HookPriority | int = ...
) -> Callable[[Callable[P, T]], Hook[P, T]]: ...


def hook(  # noqa: F811
    callback: Callable[P, T] | None = None,
    *,
    enabled: bool = True,
    priority: HookPriority | int = HookPriority.NORMAL,
) -> Hook[P, T] | Callable[[Callable[P, T]], Hook[P, T]]:
    """Turn a function, generator function or context-manager class into a :class:`Hook`.

    Usable bare (``@hook``) or with options (``@hook(priority=HookPriority.FIRST, enabled=False)``).

    Args:
        callback: the callable to wrap; omitted when options are given.
        enabled: initial state of the hook-level switch.
        priority: :class:`HookPriority` member or its int value.

    Returns:
        The hook, or a decorator that makes one.

    Raises:
        TypeError: ``callback`` is already a hook, or is not callable.
        ValueError: ``priority`` is not a valid :class:`HookPriority`.
    """

    def decorate(function: Callable[P, T]) -> Hook[P, T]:
        return Hook(function, enabled=enabled, priority=priority)

    if callback is None:
        return decorate
    return decorate(callback)
