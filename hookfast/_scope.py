"""Scoped skips: the hooks that ``skip*(local=True)`` silences in one thread or asyncio task only.

A :class:`Scope` is the set of scoped skips in force in a context (``contextvars``: each thread
starts with none, a task inherits its creator's). The call path consults it only behind the gate
that scoped skips hold open, through :func:`scoped_calls`, so while no scoped skip is active
anywhere a call costs what it did before they existed. Written once; the twins and the async
call path call :func:`scoped_calls`.

A scope lasts as long as its ``with`` block. A task created inside the block (or a context
copied there) inherits it while the block runs; once the block has ended, that task behaves as
if the block had ended there too: the scope falls back to the enclosing one still in force, if
any. So what a call skips never depends on whether something else (NOTICE logging, a ``trace()``
block, another scoped skip) happens to hold the gate open.
"""

from __future__ import annotations

import contextvars

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["Scope", "current", "in_force", "scoped_calls", "set_builder"]


class Scope:
    """The scoped skips in force in one context; immutable but for its cache.

    Attributes:
        everything: ``skip_all_hooks(local=True)`` is in force: no hook runs.
        declarations: slot declarations whose own hooks are skipped (slot level, and each
            declaration a class-level skip covered when it was entered).
        hooks: hooks skipped wherever they are bound (hook level).
    """

    __slots__ = ("cache", "declarations", "ended", "everything", "hooks", "parent")

    def __init__(
        self,
        everything: bool,
        declarations: frozenset[Any],
        hooks: frozenset[Any],
        parent: Scope | None = None,
    ) -> None:
        self.everything = everything
        self.declarations = declarations
        self.hooks = hooks
        #: the scope in force where this one's block began (what it falls back to); None for EMPTY
        self.parent = parent
        #: this scope's block has ended: a context that still holds it uses :attr:`parent`
        self.ended = False
        #: dispatcher -> (its calls tuple, the tuple with this scope applied); a state change makes
        #: a new calls tuple, which misses the cache
        self.cache: dict[Any, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}

    def adding(
        self,
        everything: bool = False,
        declarations: frozenset[Any] = frozenset(),
        hooks: frozenset[Any] = frozenset(),
    ) -> Scope:
        """This scope with more skipped (nested scoped skips add up)."""
        return Scope(
            self.everything or everything, self.declarations | declarations, self.hooks | hooks, self
        )


EMPTY = Scope(False, frozenset(), frozenset())

#: The scoped skips in force in this thread or task.
current: contextvars.ContextVar[Scope] = contextvars.ContextVar("hookfast_scoped_skips", default=EMPTY)

# The registry's function that builds a declaration's calls with a scope applied (set at its import:
# the registry sits above the call path, which must not import it).
_build: Callable[[Any, Scope], tuple[Any, ...]] | None = None


def set_builder(build: Callable[[Any, Scope], tuple[Any, ...]]) -> None:
    """Called once by the registry: how to build a declaration's hook calls under a scope."""
    global _build
    _build = build


def in_force() -> Scope:
    """The scoped skips in force in this context: its scope, or the nearest enclosing one whose
    block has not ended (:data:`EMPTY` if none)."""
    scope = current.get()
    while scope.ended:  # copied into a task or a context before its block ended
        assert scope.parent is not None  # only blocks end, and each has the scope it began in
        scope = scope.parent
    return scope


def scoped_calls(dispatcher: Any, calls: tuple[Any, ...]) -> tuple[Any, ...]:
    """``calls`` (the dispatcher's tuple) without what this context's scoped skips silence."""
    scope = current.get()
    if scope is EMPTY:
        return calls
    if scope.ended:
        scope = in_force()
        if scope is EMPTY:
            return calls
    cached = scope.cache.get(dispatcher)
    if cached is not None and cached[0] is calls:
        return cached[1]
    if scope.everything:
        filtered: tuple[Any, ...] = ()
    else:
        assert _build is not None
        filtered = _build(dispatcher.slot, scope)
    scope.cache[dispatcher] = (calls, filtered)
    return filtered
