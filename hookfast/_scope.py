"""Scoped skips: the hooks that ``skip*(local=True)`` silences in one thread or asyncio task only.

A :class:`Scope` is the set of scoped skips in force in a context (``contextvars``: each thread
starts with none, a task inherits its creator's). The call path consults it only behind the gate
that scoped skips hold open, through :func:`scoped_calls`, so while no scoped skip is active
anywhere a call costs what it did before they existed. Written once; the twins and the async
call path call :func:`scoped_calls`.

A scope lasts as long as its ``with`` block. A task created inside the block (or a context
copied there) inherits it while the block runs; once the block has ended, that task behaves as
if the block had ended there too: what the block added no longer counts, and the skips of the
blocks still running (enclosing ones, the task's own) remain (:func:`resolve`). So what a call
skips never depends on whether something else (NOTICE logging, a ``trace()`` block, another
scoped skip) happens to hold the gate open.
"""

from __future__ import annotations

import contextvars

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["Scope", "current", "end", "in_force", "resolve", "scoped_calls", "set_builder"]


class Scope:
    """The scoped skips of one block, added up with those of the blocks it is nested in.

    Immutable but for :attr:`ended` and its caches.

    Attributes:
        everything: ``skip_all_hooks(local=True)`` is in force: no hook runs.
        declarations: slot declarations whose own hooks are skipped (slot level, and each
            declaration a class-level skip covered when it was entered).
        hooks: hooks skipped wherever they are bound (hook level).
    """

    __slots__ = (
        "added",
        "cache",
        "declarations",
        "ended",
        "everything",
        "hooks",
        "parent",
        "resolved",
        "resolved_at",
    )

    def __init__(
        self,
        everything: bool,
        declarations: frozenset[Any],
        hooks: frozenset[Any],
        parent: Scope | None = None,
        added: tuple[bool, frozenset[Any], frozenset[Any]] | None = None,
    ) -> None:
        self.everything = everything
        self.declarations = declarations
        self.hooks = hooks
        #: the scope in force where this one's block began; None for EMPTY
        self.parent = parent
        #: what this scope's own block skips, on top of :attr:`parent`
        self.added = (everything, declarations, hooks) if added is None else added
        #: this scope's block has ended: a context that still holds it no longer skips what it added
        self.ended = False
        #: what is in force for a context holding this scope (see :func:`resolve`), computed when
        #: :data:`_endings` was :attr:`resolved_at`
        self.resolved: Scope = self
        self.resolved_at = -1
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
            self.everything or everything,
            self.declarations | declarations,
            self.hooks | hooks,
            self,
            (everything, declarations, hooks),
        )


EMPTY = Scope(False, frozenset(), frozenset())


#: How many scoped-skip blocks have ended in the process: a scope resolved since is up to date.
_endings = 0


def end(scope: Scope) -> None:
    """Called when ``scope``'s block ends: contexts still holding it stop skipping what it added."""
    global _endings
    scope.ended = True
    _endings += 1  # after the flag: a resolution that missed the flag sees a newer count


def resolve(scope: Scope) -> Scope:
    """The skips of ``scope``'s chain whose blocks are still running (``scope`` itself if all are).

    A task or a copied context may outlive blocks it inherited: what those added no longer counts,
    whether they are the innermost or enclosing ones (the task's own skip, entered inside an
    inherited one, keeps only its own additions once the inherited block ends). Kept on the scope
    until the next block ends anywhere.
    """
    if scope.resolved_at == _endings:
        return scope.resolved
    endings = _endings
    running = []
    link: Scope | None = scope
    while link is not None and link is not EMPTY:
        if not link.ended:
            running.append(link)
        link = link.parent
    if len(running) == _chain_length(scope):
        resolved = scope  # every block still runs: this scope, with its warm cache
    else:
        resolved = EMPTY
        for link in reversed(running):
            resolved = resolved.adding(*link.added)
    scope.resolved, scope.resolved_at = resolved, endings
    return resolved


def _chain_length(scope: Scope) -> int:
    length = 0
    link: Scope | None = scope
    while link is not None and link is not EMPTY:
        length += 1
        link = link.parent
    return length


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
    """The scoped skips in force in this context: those of the blocks it holds that are still
    running (:data:`EMPTY` if none)."""
    return resolve(current.get())


def scoped_calls(dispatcher: Any, calls: tuple[Any, ...]) -> tuple[Any, ...]:
    """``calls`` (the dispatcher's tuple) without what this context's scoped skips silence."""
    scope = current.get()
    if scope is EMPTY:
        return calls
    scope = scope.resolved if scope.resolved_at == _endings else resolve(scope)
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
