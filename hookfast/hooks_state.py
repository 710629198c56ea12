"""The global level of enable/disable (the path mirrors ``onetl.hooks.hooks_state``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from hookfast import _registry
from hookfast.logs import NOTICE, state_logger

__all__ = ["resume_all_hooks", "skip_all_hooks", "stop_all_hooks"]


def stop_all_hooks() -> None:
    """Stop every hook of every slot until :func:`resume_all_hooks` (global level)."""
    if _registry.is_globally_enabled():
        state_logger.log(NOTICE, "|Hooks| Stopping all hooks")
        _registry.set_globally_enabled(False)
    else:
        state_logger.log(NOTICE, "|Hooks| Hooks already stopped")


def resume_all_hooks() -> None:
    """Undo :func:`stop_all_hooks`; never resumes a class, slot or hook level."""
    if _registry.is_globally_enabled():
        state_logger.log(NOTICE, "|Hooks| Hooks are not stopped, nothing to resume")
    else:
        state_logger.log(NOTICE, "|Hooks| Resuming all hooks")
        _registry.set_globally_enabled(True)


@contextlib.contextmanager
def skip_all_hooks(*, local: bool = False) -> Iterator[None]:
    """Stop all hooks inside a ``with`` block or a decorated function (``@skip_all_hooks()``).

    Does nothing if hooks are already stopped; otherwise resumes them on exit, also on error.

    Args:
        local: skip only in the current thread and asyncio task (tasks it creates inherit it
            while the block runs, not after); other threads and tasks keep running their hooks.
    """
    if local:
        state_logger.log(NOTICE, "|Hooks| Skipping all hooks in this thread or task...")
        with _registry.skip_locally(everything=True):
            yield
        return
    if not _registry.is_globally_enabled():
        state_logger.log(NOTICE, "|Hooks| All hooks are disabled, nothing to skip")
        yield
        return
    state_logger.log(NOTICE, "|Hooks| Skipping all hooks...")
    _registry.set_globally_enabled(False)
    try:
        yield
    finally:
        state_logger.log(NOTICE, "|Hooks| Restoring all hooks...")
        _registry.set_globally_enabled(True)
