"""``@support_hooks`` and the class level of enable/disable (path mirrors ``onetl.hooks.support_hooks``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import partial

from hookfast import _registry
from hookfast.logs import NOTICE, slot_logger
from hookfast.slot import SlotDeclaration, declaration_of

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    C = TypeVar("C", bound=type)

__all__ = ["resume_hooks", "skip_hooks", "support_hooks", "suspend_hooks"]

_MISSING = object()


def suspend_hooks(cls: type) -> None:
    """Stop every slot visible on ``cls``, declared or inherited (class level), until :func:`resume_hooks`."""
    _registry.set_class_suspended(cls, True)


def resume_hooks(cls: type) -> None:
    """Undo :func:`suspend_hooks` for ``cls``; never resumes another level."""
    _registry.set_class_suspended(cls, False)


@contextlib.contextmanager
def skip_hooks(cls: type, *, local: bool = False) -> Iterator[None]:
    """Stop every slot visible on ``cls`` in a ``with`` block or a decorated function (``@Cls.skip_hooks()``).

    Does nothing if the class level is already stopped; otherwise resumes it on exit, also on error.

    Args:
        local: skip only in the current thread and asyncio task (tasks it creates inherit it
            while the block runs, not after); the slots covered are those visible on ``cls`` when
            the block starts.
    """
    if local:
        slot_logger.log(
            NOTICE, "|Hooks| Disabling hooks of class '%s' in this thread or task", cls.__qualname__
        )
        with _registry.skip_locally(declarations=frozenset(_registry.visible_declarations(cls))):
            yield
        return
    if _registry.is_class_suspended(cls):
        slot_logger.log(
            NOTICE, "|Hooks| Hooks of class '%s' already disabled, nothing to skip", cls.__qualname__
        )
        yield
        return
    slot_logger.log(NOTICE, "|Hooks| Disabling hooks of class '%s'", cls.__qualname__)
    _registry.set_class_suspended(cls, True)
    try:
        yield
    finally:
        _registry.set_class_suspended(cls, False)


def _copy_of_a_registered_slot(value: Any, declaration: SlotDeclaration) -> bool:
    """Whether ``value`` is a decorator's wrapper of a slot that some class already registered.

    ``functools.wraps(Base.m)`` (or ``m = retry(Base.m)``) in a subclass copies the slot's
    attributes, its marker included, onto the wrapper. Such an attribute is a plain override of
    ``Base.m``, with or without ``@support_hooks`` on the subclass: the hooks run when its call
    reaches ``Base.m``. (The slot's own objects assigned elsewhere stay an error: see
    ``_registry.register``.)
    """
    return (
        declaration.owner is not None
        and not declaration.holds(value)
        and declaration.wrappers_of(value) != []
    )


def support_hooks(cls: C) -> C:
    """Make every ``@slot`` method declared in ``cls`` dispatch to its hooks.

    Adds ``cls.suspend_hooks()``, ``cls.resume_hooks()`` and ``cls.skip_hooks()``. Applying it twice
    is harmless.

    On failure nothing is left changed: no slot registered, no function or class attribute touched.

    Raises:
        SyntaxError: ``cls`` declares no ``@slot`` method of its own.
        TypeError: a slot method of another class was assigned into ``cls``.
    """
    if not isinstance(cls, type):
        raise TypeError(f"@support_hooks decorates classes, got {cls!r}")
    found = [
        (name, value, declaration)
        for name, value in list(vars(cls).items())
        if (declaration := declaration_of(value)) is not None
        and not _copy_of_a_registered_slot(value, declaration)
    ]
    if not found:
        raise SyntaxError(
            "@support_hooks can be used only with @slot decorator on some of class methods: "
            f"class {cls.__qualname__!r} declares none (inherited slots need no @support_hooks; "
            "a decorator placed above @slot must use functools.wraps)"
        )
    class_level: dict[str, Callable[..., Any]] = {
        "skip_hooks": skip_hooks,
        "suspend_hooks": suspend_hooks,
        "resume_hooks": resume_hooks,
    }
    saved = {attribute: cls.__dict__.get(attribute, _MISSING) for attribute in class_level}
    registered: list[Any] = []
    try:
        for name, value, declaration in found:
            if _registry.register(cls, name, value, declaration):
                registered.append(declaration)
        for attribute, function in class_level.items():
            setattr(cls, attribute, partial(function, cls))
    except BaseException:
        # leave no trace: a failing @support_hooks is as if it had not been applied
        for declaration in reversed(registered):
            _registry.unregister(declaration)
        for attribute, value in saved.items():
            with contextlib.suppress(Exception):  # the metaclass that refused may refuse again
                if value is _MISSING:
                    if attribute in cls.__dict__:
                        delattr(cls, attribute)
                elif cls.__dict__.get(attribute) is not value:
                    setattr(cls, attribute, value)
        raise
    return cls
