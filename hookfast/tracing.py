"""``hookfast.trace()``: record which hooks each slot call runs, how it ended and how long it took.

For tests ("the audit hook ran, then the method raised") and for profiling (which hook is slow)::

    with hookfast.trace() as calls:
        service.run(1)
    [call] = calls
    assert [run.name for run in call.hooks] == ["myapp.hooks.audit"]
    assert call.hooks[0].outcome == "returned"

Records are kept for the slot calls made in the current thread or asyncio task (tasks created inside
the block inherit it, as ``contextvars`` do, while the block runs: a call they make after it has
ended is not recorded), and only for calls that run at least one hook: a slot
with no hook to run, or a ``super()`` call that runs none, costs what a plain method call costs and
leaves no record. Blocks nest: each records what runs inside it.

Outside every ``trace()`` block a slot call costs what it cost before tracing existed: the call
path checks one flag (the compiled backend) or nothing (pure Python, which swaps a function). While
some block is active in some thread, hooked calls elsewhere pay one context-variable read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hookfast import _dispatch
from hookfast._tracer import Recording, TracedCall, TracedHook, recorders

__all__ = ["TracedCall", "TracedHook", "trace"]


@contextlib.contextmanager
def trace() -> Iterator[list[TracedCall]]:
    """Record the slot calls that run hooks in this thread or task while the block runs.

    Tasks created inside the block (and contexts copied there) record into it while it runs; a
    call made there after the block has ended records nothing into it (into an enclosing block
    still running, if any).

    Yields:
        The list that receives one :class:`TracedCall` per slot call, in the order the calls
            started (an inner call made by a hook or a method comes after the outer one). Each
            has the hooks that ran (:class:`TracedHook`: the hook, its kind, its outcome, its
            duration), what the method did, and how the call ended. The list stays readable
            after the block.

    Examples:
        >>> import hookfast
        >>> @hookfast.support_hooks
        ... class Service:
        ...     @hookfast.slot
        ...     def run(self, amount):
        ...         return amount * 2
        >>> @Service.run.bind
        ... @hookfast.hook
        ... def audit(service, amount):
        ...     pass
        >>> with hookfast.trace() as calls:
        ...     Service().run(1)
        2
        >>> [(run.hook is audit, run.outcome) for run in calls[0].hooks]
        [(True, 'returned')]
    """
    # ended blocks a copied context still holds record nothing: leave them out
    outer = tuple(recording for recording in recorders.get() if recording.active)
    recording = Recording(outer)
    try:
        with _dispatch.gated(recorders, (*outer, recording)):
            yield recording.records
    finally:
        recording.active = False


# Shown as hookfast's own in help() and reprs; defined in the low layer that the twins import.
TracedCall.__module__ = TracedHook.__module__ = __name__
