"""Registration and state: which hooks each slot runs, kept precomputed and installed.

Every bind and every state change, at any of the four levels, recomputes the merged, filtered,
ordered hook tuple of each affected slot declaration (the changed one and the declarations of the
same name in its subclasses) and installs in the owner class either the backend's dispatcher (some
hook can run) or the original method (none can). So a slot call never walks the MRO, never checks
a state flag and, while no hook can run, costs exactly a plain method call.

State changes are rare and serialised by one lock; calls take no lock and read one tuple.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from types import ModuleType

from hookfast import _dispatch

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

    from hookfast.hook import Hook, HookPriority
    from hookfast.slot import SlotDeclaration

_lock = threading.RLock()
_globally_enabled = True
_declarations_by_name: dict[str, weakref.WeakSet[SlotDeclaration]] = {}
#: classes stopped at the class level, with the slot declarations that stop covers
# Nothing global refers to a class or a slot strongly, so a class with slots (and hooks bound to
# it) is collected like any other once unreferenced.
_suspended_classes: weakref.WeakKeyDictionary[type, list[weakref.ref[SlotDeclaration]]] = (
    weakref.WeakKeyDictionary()
)


def is_globally_enabled() -> bool:
    return _globally_enabled


def declaration_of(value: Any) -> SlotDeclaration | None:
    """The slot declaration marking a class attribute (function, classmethod, staticmethod, dispatcher)."""
    from hookfast.slot import SlotDeclaration

    target = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
    try:
        declaration = getattr(target, "__hooks__", None)
    except Exception:  # exotic objects whose __getattr__ raises anything
        return None
    return declaration if type(declaration) is SlotDeclaration else None


def own_declaration(cls: type, name: str) -> SlotDeclaration | None:
    """The slot that ``cls`` itself declares as ``name`` (registered by ``@support_hooks``), if any."""
    declaration = declaration_of(cls.__dict__.get(name))
    return declaration if declaration is not None and declaration.owner is cls else None


def visible_declarations(cls: type) -> list[SlotDeclaration]:
    """Every registered slot that ``cls`` resolves an attribute name to (declared or inherited)."""
    seen: set[str] = set()
    found = []
    for klass in cls.__mro__:
        for name in vars(klass):
            if name in seen:
                continue
            seen.add(name)
            declaration = own_declaration(klass, name)
            if declaration is not None:
                found.append(declaration)
    return found


def register(cls: type, name: str, value: Any, declaration: SlotDeclaration) -> bool:
    """Make ``declaration`` (found as ``cls.<name>``) a live slot of ``cls``.

    Returns False if it already is (``@support_hooks`` applied twice).

    Raises:
        TypeError: the same slot function is already registered under another class or name.
    """
    with _lock:
        if declaration.owner is not None:
            if declaration.owner is cls and declaration.name == name:
                return False
            raise TypeError(
                f"'{cls.__qualname__}.{name}' is the slot "
                f"'{declaration.owner.__qualname__}.{declaration.name}' again: a @slot method belongs "
                "to one class and one name. Define a new method with @slot (it may call the other one) "
                "instead of assigning an existing slot."
            )
        backend: ModuleType = _dispatch.current
        declaration.attach(cls, name, value, backend)
        _declarations_by_name.setdefault(name, weakref.WeakSet()).add(declaration)
        # parents may already have hooks that this new declaration must run
        _refresh(declaration)
    return True


def unregister(declaration: SlotDeclaration) -> None:
    """Undo :func:`register` (used when ``@support_hooks`` fails half-way)."""
    with _lock:
        owner = declaration.owner
        if owner is None:
            return
        if owner.__dict__.get(declaration.name) is not declaration.original_value:
            setattr(owner, declaration.name, declaration.original_value)
        _declarations_by_name.get(declaration.name, weakref.WeakSet()).discard(declaration)
        declaration.detach()


def _affected(declarations: Iterable[SlotDeclaration]) -> list[SlotDeclaration]:
    """The given declarations and every declaration of the same name in their subclasses."""
    result: dict[SlotDeclaration, None] = {}
    for changed in declarations:
        owner = changed.owner
        if owner is None:
            continue
        for candidate in tuple(_declarations_by_name.get(changed.name, ())):
            if candidate.owner is not None and owner in candidate.owner.__mro__:
                result[candidate] = None
    return list(result)


def _all_declarations() -> list[SlotDeclaration]:
    return [
        declaration for declarations in _declarations_by_name.values() for declaration in tuple(declarations)
    ]


def collect_active_hooks(declaration: SlotDeclaration) -> list[tuple[HookPriority, int, int, Hook[Any]]]:
    """Active hooks of a call of ``declaration``, unordered, as (priority, depth, position, hook).

    Walks the MRO of the declaring class from the root down; each class contributes the enabled
    hooks bound to its own declaration of that name, unless that declaration is suspended.
    """
    if not _globally_enabled:
        return []
    entries = []
    owner = declaration.owner
    assert owner is not None
    for depth, klass in enumerate(reversed(owner.__mro__)):
        own = own_declaration(klass, declaration.name)
        if own is None or own.suspended or own.suspended_by:
            continue
        for position, bound in enumerate(own.hooks):
            if bound._enabled:
                entries.append((bound._priority, depth, position, bound))
    return entries


def _refresh(declaration: SlotDeclaration) -> None:
    backend = declaration.backend
    assert backend is not None, "refresh of an unregistered slot"
    method_name = declaration.function.__name__
    entries = [
        (
            priority,
            depth,
            position,
            backend.HookCall(bound, bound.callback, method_name if bound.wants_method_name() else None),
        )
        for priority, depth, position, bound in collect_active_hooks(declaration)
    ]
    hooks = backend.collect(entries)
    declaration.dispatcher.hooks = hooks
    owner = declaration.owner
    assert owner is not None
    target = declaration.active_value if hooks else declaration.original_value
    # The dispatcher's tuple is set first: a call already past the attribute look-up sees either
    # the old or the new tuple, never a missing one.
    if owner.__dict__.get(declaration.name) is not target:
        setattr(owner, declaration.name, target)


def refresh(declarations: Iterable[SlotDeclaration]) -> None:
    with _lock:
        for declaration in _affected(declarations):
            _refresh(declaration)


def bind(declaration: SlotDeclaration, bound: Hook[Any]) -> None:
    with _lock:
        declaration.hooks.append(bound)
        bound._slots.append(weakref.ref(declaration))
        # inspect the callback now, outside any call, so a call never runs inspect
        bound.wants_method_name()
        refresh([declaration])


def _live(references: Iterable[weakref.ref[SlotDeclaration]]) -> list[SlotDeclaration]:
    return [
        declaration for declaration in (reference() for reference in references) if declaration is not None
    ]


def set_hook_enabled(bound: Hook[Any], enabled: bool) -> None:
    with _lock:
        if bound._enabled is enabled:
            return
        bound._enabled = enabled
        refresh(_live(bound._slots))


def set_hook_priority(bound: Hook[Any], priority: HookPriority) -> None:
    with _lock:
        bound._priority = priority
        refresh(_live(bound._slots))


def set_suspended(declaration: SlotDeclaration, suspended: bool) -> None:
    with _lock:
        if declaration.suspended is suspended:
            return
        declaration.suspended = suspended
        refresh([declaration])


def is_class_suspended(cls: type) -> bool:
    return cls in _suspended_classes


def set_class_suspended(cls: type, suspended: bool) -> None:
    """The class level: stop (or resume) every slot visible on ``cls``, independently of the slot level."""
    with _lock:
        if suspended:
            if cls in _suspended_classes:
                return
            covered = visible_declarations(cls)
            _suspended_classes[cls] = [weakref.ref(declaration) for declaration in covered]
            for declaration in covered:
                declaration.suspended_by.add(cls)
        else:
            if cls not in _suspended_classes:
                return
            covered = _live(_suspended_classes.pop(cls))
            for declaration in covered:
                declaration.suspended_by.discard(cls)
        refresh(covered)


def set_globally_enabled(enabled: bool) -> None:
    global _globally_enabled
    with _lock:
        if _globally_enabled is enabled:
            return
        _globally_enabled = enabled
        for declaration in _all_declarations():
            _refresh(declaration)
