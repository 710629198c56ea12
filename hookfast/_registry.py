"""Registration and state: which hooks each slot runs, kept precomputed and installed.

Every bind and every state change, at any of the four levels, recomputes the merged, filtered,
ordered tuple of hook calls of each affected slot declaration (the changed one and the declarations
of the same name below it in a class hierarchy) and installs it (``SlotDeclaration.install``): while some
hook can run, the class holds the backend's dispatcher and the slot function's code is a trampoline
to it; while none can, the class holds the original method and the function its original code. So a
slot call never walks the MRO, never checks a state flag and, while no hook can run, costs exactly
a plain method call, and a reference to the slot taken at any time runs the hooks active when it is
called.

Registration also decides, once, what ``super()`` delegation means for each declaration (its
``parents``: the other declarations of the name in its class's MRO); both backends apply that rule
on the call path.

State changes are rare and serialised by one lock; calls take no lock and read one tuple.

The registry imports neither ``hook`` nor ``slot`` (they import it): it sees declarations and hooks
through the small interfaces of ``hookfast._interfaces``.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterable, Iterator

from hookfast import _dispatch, _scope
from hookfast._kinds import SLOT_STATICMETHOD

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from hookfast._interfaces import Backend, BoundHook
    from hookfast._interfaces import Declaration as SlotDeclaration

    T = TypeVar("T")

_lock = threading.RLock()
_globally_enabled = True
# Nothing global refers to a class or a slot strongly, so a class with slots (and hooks bound to
# it) is collected like any other once unreferenced; the containers below are pruned as it goes.
_declarations_by_name: dict[str, weakref.WeakSet[SlotDeclaration]] = {}
#: registrations left before the next sweep of names whose every declaration was collected
_registrations_before_sweep = 16
#: the slots each class registered (its own declarations), whatever its namespace holds right now:
#: a ``mock.patch`` may have replaced the attribute, the slot is still the class's
_owned: weakref.WeakKeyDictionary[type, dict[str, weakref.ref[SlotDeclaration]]] = weakref.WeakKeyDictionary()
#: classes stopped at the class level, with the slot declarations that stop covers
_suspended_classes: weakref.WeakKeyDictionary[type, list[weakref.ref[SlotDeclaration]]] = (
    weakref.WeakKeyDictionary()
)


def is_globally_enabled() -> bool:
    return _globally_enabled


def registered_declaration_of(value: Any) -> SlotDeclaration | None:
    """The registered slot declaration marking a class attribute (function, classmethod, dispatcher...)."""
    target = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
    try:
        declaration = getattr(target, "__hooks__", None)
        name = declaration.name  # type: ignore[union-attr]
        registered = declaration in _declarations_by_name.get(name, ())
    except Exception:  # anything else carrying __hooks__ (a mock, an exotic __getattr__)
        return None
    return declaration if registered else None


def own_declaration(cls: type, name: str) -> SlotDeclaration | None:
    """The registered slot that ``cls`` itself declares as ``name``, if any.

    The slot ``@support_hooks`` registered for ``cls``, even while a ``mock.patch`` replaces the
    attribute; otherwise a slot whose own object ``cls`` holds: a class rebuilt from a decorated
    one (``@dataclass(slots=True)``, ``attrs``) holds the same objects and so declares the same
    slot. A ``functools.wraps`` copy of a slot function carries ``__hooks__`` but is not one of the
    slot's objects: not a declaration.
    """
    registered = _owned.get(cls)
    if registered is not None:
        reference = registered.get(name)
        declaration = reference() if reference is not None else None
        if declaration is not None and declaration.owner is cls:
            return declaration
    value = cls.__dict__.get(name)
    if value is None:
        return None
    declaration = registered_declaration_of(value)
    return declaration if declaration is not None and declaration.holds(value) else None


def declarations_in_mro(cls: type, name: str) -> list[SlotDeclaration]:
    """The registered slots of ``name`` that ``cls``'s MRO holds, most derived first, each once."""
    found: list[SlotDeclaration] = []
    for klass in cls.__mro__:
        declaration = own_declaration(klass, name)
        if declaration is not None and declaration not in found:
            found.append(declaration)
    return found


def visible_declarations(cls: type) -> list[SlotDeclaration]:
    """Every registered slot that ``cls`` resolves an attribute name to (declared or inherited)."""
    seen: set[str] = set()
    found = []
    for klass in cls.__mro__:
        for name in [*vars(klass), *_owned.get(klass, ())]:
            if name in seen:
                continue
            seen.add(name)
            declaration = own_declaration(klass, name)
            if declaration is not None:
                found.append(declaration)
    return found


def _live_declarations(name: str) -> list[SlotDeclaration]:
    return list(_declarations_by_name.get(name, ()))


def _sweep_names() -> None:
    """Forget the names whose every declaration was collected (amortised over registrations)."""
    global _registrations_before_sweep
    _registrations_before_sweep -= 1
    if _registrations_before_sweep > 0:
        return
    for name in [name for name, declarations in _declarations_by_name.items() if not declarations]:
        del _declarations_by_name[name]
    _registrations_before_sweep = max(16, len(_declarations_by_name))


def register(cls: type, name: str, value: Any, declaration: SlotDeclaration) -> bool:
    """Make ``declaration`` (found as ``cls.<name>``) a live slot of ``cls``.

    Returns False if it already is (``@support_hooks`` applied twice). On failure nothing is left
    registered, attached or swapped.

    Raises:
        TypeError: the same slot function is already registered under another class or name.
    """
    with _lock:
        if _unpickled:
            _adopt_unpickled()
        if declaration.owner is not None:
            if declaration.owner is cls and declaration.name == name:
                return False
            raise TypeError(
                f"'{cls.__qualname__}.{name}' is the slot "
                f"'{declaration.owner.__qualname__}.{declaration.name}' again: a @slot method belongs "
                "to one class and one name. Define a new method with @slot (it may call the other one) "
                "instead of assigning an existing slot."
            )
        backend: Backend = _dispatch.current
        try:
            declaration.attach(cls, name, value, backend)
            _owned.setdefault(cls, {})[name] = weakref.ref(declaration)
            _declarations_by_name.setdefault(name, weakref.WeakSet()).add(declaration)
            _update_hierarchy(declaration)
            # parents may already have hooks that this new declaration must run
            _recompute(declaration)
        except BaseException:
            unregister(declaration)
            raise
        _sweep_names()
    return True


#: slots unpickled in this process whose class was not complete yet (see :func:`adopt`)
_unpickled: list[SlotDeclaration] = []


def adopt(declaration: SlotDeclaration) -> None:
    """Register, later, a slot declaration unpickled in this process (pickled by value).

    Not now: the unpickler has not finished the slot's function (it sets the function's closure
    after the declaration), nor maybe its class. It is done at the next registration, binding or
    change of state in this process; until then the function runs the code it was pickled with,
    with the hooks it had.
    """
    with _lock:
        _unpickled.append(declaration)


def _adopt_unpickled() -> None:
    for declaration in list(_unpickled):
        owner = declaration.owner
        assert owner is not None
        current = owner.__dict__.get(declaration.name)
        if not declaration.holds(current):
            target = current.__func__ if isinstance(current, (classmethod, staticmethod)) else current
            if getattr(target, "__hooks__", None) is not declaration:
                continue  # the class is not complete yet
            # what stood for the slot in the class was pickled as a function of its own (the
            # compiled dispatcher looks like one): the slot's function takes its place again
            setattr(owner, declaration.name, declaration.original_value)
        _unpickled.remove(declaration)
        _owned.setdefault(owner, {})[declaration.name] = weakref.ref(declaration)
        _declarations_by_name.setdefault(declaration.name, weakref.WeakSet()).add(declaration)
        for bound in declaration.hooks:
            bound._slots.append(weakref.ref(declaration))
        _update_hierarchy(declaration)
        _recompute(declaration)


def unregister(declaration: SlotDeclaration) -> None:
    """Undo :func:`register`, also a partial one (used when ``@support_hooks`` fails half-way)."""
    with _lock:
        owner = declaration.owner
        if owner is None:
            return
        name = declaration.name
        current = owner.__dict__.get(name)
        if current is not declaration.original_value and declaration.holds(current):
            # a metaclass refusing the assignment refused the swap before it too: nothing to undo
            with contextlib.suppress(Exception):
                setattr(owner, name, declaration.original_value)
        registered = _owned.get(owner)
        if registered is not None and registered.get(name, lambda: None)() is declaration:
            del registered[name]
            if not registered:
                del _owned[owner]
        declarations = _declarations_by_name.get(name)
        if declarations is not None:
            declarations.discard(declaration)
            if not declarations:
                del _declarations_by_name[name]
        subclass_declarations = [other for other in _live_declarations(name) if declaration in other.parents]
        declaration.detach()
        for other in subclass_declarations:
            _update_hierarchy(other)


def _update_hierarchy(declaration: SlotDeclaration) -> None:
    """Record ``declaration``'s place among the declarations of its name (the ``super()`` rule).

    Its ``parents`` are the other declarations its class's MRO holds; a call of one of them while
    a call of ``declaration`` is in progress on the same receiver is a delegation, and so is a call
    of one of them on a receiver whose class resolves the name to ``declaration``. Both backends
    apply this on the call path; it is decided here, once. Declarations already registered below
    this one (``@support_hooks`` applied to a base late) are updated too.
    """
    owner = declaration.owner
    assert owner is not None
    name = declaration.name
    parents = [other for other in declarations_in_mro(owner, name) if other is not declaration]
    declaration.parents = frozenset(parents)
    _set_dispatcher_hierarchy(declaration)
    for parent in parents:
        if not parent.has_children:
            parent.has_children = True
            _set_dispatcher_hierarchy(parent)
    for subclass in _subclasses(owner):
        other = own_declaration(subclass, name)
        if other is not None and other is not declaration and declaration not in other.parents:
            _update_hierarchy(other)


def _subclasses(cls: type) -> list[type]:
    """Every live subclass of ``cls``, each once (empty for a class just created: the usual case)."""
    found: dict[type, None] = {}
    pending = [cls]
    while pending:
        subclass: type
        for subclass in type.__subclasses__(pending.pop()):
            if subclass not in found:
                found[subclass] = None
                pending.append(subclass)
    return list(found)


def _set_dispatcher_hierarchy(declaration: SlotDeclaration) -> None:
    parents = frozenset(parent.dispatcher for parent in declaration.parents)
    has_children = declaration.has_children
    # a static method has no receiver: super() cannot reach it, every call runs its hooks
    in_hierarchy = declaration.kind != SLOT_STATICMETHOD and bool(parents or has_children)
    dispatcher = declaration.dispatcher
    changed = dispatcher.in_hierarchy != in_hierarchy
    dispatcher.set_hierarchy(parents, has_children, in_hierarchy)
    if changed:
        # generated code applies the super() rule only where it can matter: write it again
        _recompute(declaration)


def _affected(declarations: Iterable[SlotDeclaration]) -> list[SlotDeclaration]:
    """The given declarations and every declaration of the same name below them in a hierarchy."""
    result: dict[SlotDeclaration, None] = {}
    for changed in declarations:
        if changed.owner is None:
            continue
        result[changed] = None
        if changed.has_children:
            for candidate in _live_declarations(changed.name):
                if changed in candidate.parents:
                    result[candidate] = None
    return list(result)


def _all_declarations() -> list[SlotDeclaration]:
    return [
        declaration
        for declarations in list(_declarations_by_name.values())
        for declaration in list(declarations)
    ]


def collect_active_hooks(
    declaration: SlotDeclaration, scope: _scope.Scope = _scope.EMPTY
) -> list[tuple[int, int, int, BoundHook]]:
    """Active hooks of a call of ``declaration``, unordered, as (priority, depth, position, hook).

    Walks the MRO of the declaring class from the root down; each class contributes the enabled
    hooks bound to its own declaration of that name, unless that declaration is suspended. A
    ``scope`` (scoped skips) switches off more, the same way.
    """
    if not _globally_enabled or scope.everything:
        return []
    entries = []
    owner = declaration.owner
    assert owner is not None
    for depth, klass in enumerate(reversed(owner.__mro__)):
        own = own_declaration(klass, declaration.name)
        if own is None or own.suspended or own.suspended_by or own in scope.declarations:
            continue
        for position, bound in enumerate(own.hooks):
            if bound._enabled and bound not in scope.hooks:
                entries.append((bound._priority, depth, position, bound))
    return entries


def in_call_order(entries: list[tuple[int, int, int, T]]) -> tuple[T, ...]:
    """The last items of ``(priority, depth, position, item)`` entries, in the order a call runs them.

    By priority, then depth of the hook's class in the MRO (base first), then bind order.
    """
    return tuple(entry[3] for entry in sorted(entries, key=lambda entry: entry[:3]))


def _hook_calls(declaration: SlotDeclaration, scope: _scope.Scope) -> tuple[Any, ...]:
    """The backend's hook calls of a call of ``declaration`` now, in call order."""
    backend = declaration.backend
    assert backend is not None, "hook calls of an unregistered slot"
    method_name = declaration.method_name
    return in_call_order(
        [
            (
                priority,
                depth,
                position,
                backend.HookCall(bound, bound.callback, method_name if bound.wants_method_name() else None),
            )
            for priority, depth, position, bound in collect_active_hooks(declaration, scope)
        ]
    )


def _scoped_hook_calls(declaration: SlotDeclaration, scope: _scope.Scope) -> tuple[Any, ...]:
    with _lock:  # a consistent view of the states, as a recompute has
        return _hook_calls(declaration, scope)


_scope.set_builder(_scoped_hook_calls)


@contextlib.contextmanager
def skip_locally(
    everything: bool = False,
    declarations: frozenset[SlotDeclaration] = frozenset(),
    hooks: frozenset[BoundHook] = frozenset(),
) -> Iterator[None]:
    """Skip hooks in this thread or asyncio task only, inside the block (the scoped skips).

    Nests with itself (the scopes add up) and with the process-wide states (they apply on top);
    restored on exit, whatever ends the block (an exception, a cancellation). Tasks and contexts
    copied inside the block skip with it while it runs, not after it (see ``_scope``).
    """
    # on the scope this context holds, ended blocks included: if the block of one of them ends
    # while this one runs, resolving the chain drops what that block added
    scope = _scope.current.get().adding(everything, frozenset(declarations), frozenset(hooks))
    try:
        with _dispatch.gated(_scope.current, scope):
            yield
    finally:
        _scope.end(scope)


def _recompute(declaration: SlotDeclaration) -> None:
    """Rebuild one declaration's tuple of hook calls from the current states, and install it."""
    calls = _hook_calls(declaration, _scope.EMPTY)
    # The dispatcher's tuple is set first: a call already past the attribute look-up or inside the
    # trampoline sees either the old or the new tuple, never a missing one.
    declaration.dispatcher.calls = calls
    declaration.install(calls)


def recompute_affected(declarations: Iterable[SlotDeclaration]) -> None:
    """:func:`_recompute` the given declarations and the declarations of their names below them."""
    with _lock:
        if _unpickled:
            _adopt_unpickled()
        for declaration in _affected(declarations):
            _recompute(declaration)


def bind(declaration: SlotDeclaration, bound: BoundHook) -> None:
    with _lock:
        if _unpickled:
            _adopt_unpickled()
        # inspect the callback now, outside any call, so a call never runs inspect
        bound.wants_method_name()
        declaration.hooks.append(bound)
        _prune_dead(bound._slots)
        bound._slots.append(weakref.ref(declaration))
        try:
            recompute_affected([declaration])
        except BaseException:
            declaration.hooks.pop()
            bound._slots.pop()
            recompute_affected([declaration])
            raise


def unbind(declaration: SlotDeclaration, bound: BoundHook) -> None:
    """Remove every binding of ``bound`` to ``declaration``; the caller checked there is one."""
    with _lock:
        saved_hooks, saved_slots = list(declaration.hooks), list(bound._slots)
        declaration.hooks[:] = [other for other in declaration.hooks if other is not bound]
        bound._slots[:] = [reference for reference in bound._slots if reference() not in (declaration, None)]
        try:
            recompute_affected([declaration])
        except BaseException:
            declaration.hooks[:], bound._slots[:] = saved_hooks, saved_slots
            recompute_affected([declaration])
            raise


def collect_bound_hooks(
    declaration: SlotDeclaration, scope: _scope.Scope = _scope.EMPTY
) -> list[tuple[int, int, int, tuple[BoundHook, type, str | None]]]:
    """Every hook bound along the MRO to ``declaration``'s name, active or not, unordered.

    As (priority, depth, position, (hook, class bound on, silencing level or None)), the levels
    checked in the order global, class, slot, hook, then ``"local"`` (what ``scope``, the scoped
    skips of a context, silences): what :func:`collect_active_hooks` leaves out with that scope.
    """
    entries = []
    owner = declaration.owner
    assert owner is not None
    for depth, klass in enumerate(reversed(owner.__mro__)):
        own = own_declaration(klass, declaration.name)
        if own is None:
            continue
        for position, bound in enumerate(own.hooks):
            if not _globally_enabled:
                level: str | None = "global"
            elif own.suspended_by:
                level = "class"
            elif own.suspended:
                level = "slot"
            elif not bound._enabled:
                level = "hook"
            elif scope.everything or own in scope.declarations or bound in scope.hooks:
                level = "local"
            else:
                level = None
            entries.append((bound._priority, depth, position, (bound, klass, level)))
    return entries


def live_declarations() -> list[SlotDeclaration]:
    """Every registered slot declaration whose class is alive."""
    with _lock:
        if _unpickled:
            _adopt_unpickled()
        return _all_declarations()


def _prune_dead(references: list[weakref.ref[SlotDeclaration]]) -> None:
    """Drop references to collected declarations once they could make up half of ``references``."""
    count = len(references)
    if count >= 8 and count & (count - 1) == 0:  # at powers of two: amortised O(1) per bind
        references[:] = [reference for reference in references if reference() is not None]


def _live(references: Iterable[weakref.ref[SlotDeclaration]]) -> list[SlotDeclaration]:
    return [
        declaration for declaration in (reference() for reference in references) if declaration is not None
    ]


def set_hook_enabled(bound: BoundHook, enabled: bool) -> None:
    with _lock:
        if bound._enabled is enabled:
            return
        bound._enabled = enabled
        recompute_affected(_live(bound._slots))


def set_hook_priority(bound: BoundHook, priority: int) -> None:
    with _lock:
        bound._priority = priority
        recompute_affected(_live(bound._slots))


def set_suspended(declaration: SlotDeclaration, suspended: bool) -> None:
    with _lock:
        if declaration.suspended is suspended:
            return
        declaration.suspended = suspended
        recompute_affected([declaration])


def is_class_suspended(cls: type) -> bool:
    return cls in _suspended_classes


def set_class_suspended(cls: type, suspended: bool) -> None:
    """The class level: stop (or resume) every slot visible on ``cls``, independently of the slot level."""
    with _lock:
        if _unpickled:
            _adopt_unpickled()
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
        recompute_affected(covered)


def set_globally_enabled(enabled: bool) -> None:
    global _globally_enabled
    with _lock:
        if _unpickled:
            _adopt_unpickled()
        if _globally_enabled is enabled:
            return
        _globally_enabled = enabled
        for declaration in _all_declarations():
            _recompute(declaration)
