"""Loggers, the NOTICE level and the per-call tracing messages (cold paths only)."""

from __future__ import annotations

import logging

from hookfast import _codegen
from hookfast._kinds import RESULT_NONE, RESULT_VALUE

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable


__all__ = ["NOTICE", "notice_enabled"]

NOTICE = 5
"""The log level (5) of the per-call tracing messages, below DEBUG so that ordinary debug logs stay
readable: ``logging.getLogger("hookfast").setLevel(hookfast.NOTICE)`` shows them."""
logging.addLevelName(NOTICE, "NOTICE")

slot_logger = logging.getLogger("hookfast.slot")
hook_logger = logging.getLogger("hookfast.hook")
state_logger = logging.getLogger("hookfast.hooks_state")


def _make_notice_check(logger: logging.Logger) -> Callable[[], bool]:
    # Logger.isEnabledFor costs a method call per slot call. Its answer is memoised in the
    # logger's private `_cache` dict, which logging clears in place whenever levels change, so
    # reading that dict is exact and far cheaper. `logger.disabled` is not part of the cache: a
    # disabled logger may make us build a message that Logger.log then drops, nothing worse.
    cache = getattr(logger, "_cache", None)
    if not isinstance(cache, dict):  # another logging implementation: pay the method call
        return lambda: logger.isEnabledFor(NOTICE)
    cache_get = cache.get
    is_enabled_for = logger.isEnabledFor

    def notice_enabled() -> bool:
        enabled = cache_get(NOTICE)
        if enabled is None:
            return is_enabled_for(NOTICE)
        return enabled  # type: ignore[no-any-return]

    return notice_enabled


#: True when per-call tracing of the ``hookfast.slot`` logger would be emitted.
notice_enabled = _make_notice_check(slot_logger)

#: The dict behind :func:`notice_enabled`, read directly by the compiled backend (``None`` if absent).
#: It is a dict subclass that tells generated code's gate when logging levels change.
slot_logger_cache: dict[int, bool] | None = _codegen.watch_logging(slot_logger, notice_enabled)


def display_name(obj: Any) -> str:
    """``'<module>.<qualname>'`` of a hook or callback, as onETL prints it."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    return f"{module}.{qualname}" if module else str(qualname)


def _notice(message: str, *args: Any) -> None:
    slot_logger.log(NOTICE, "|Hooks| " + message, *args)


# --- per-call tracing messages; sent by hookfast._tracer.CallTracer, and trace_super_call by the twins ---


def trace_super_call(slot: Any) -> None:
    if not notice_enabled():  # the twins' gate is also open while a hookfast.trace() block is
        return
    _notice("Skipping hooks for '%s' because method is called via super()", slot.function.__qualname__)


def trace_hooks_count(slot: Any, count: int) -> None:
    if count > 1:
        _notice("%s hooks registered for '%s.%s'", count, slot.owner.__qualname__, slot.name)


def trace_calling_hook(hook: Any, indent: int, number: int, count: int) -> None:
    _notice("%sCalling hook '%s' (%d of %d)", " " * indent, display_name(hook), number, count)


def trace_hook_result(indent: int, result_kind: int) -> None:
    if result_kind == RESULT_NONE:
        _notice("%sHook is finished with None result", " " * indent)
    elif result_kind == RESULT_VALUE:
        _notice("%sHook is finished with returning non-None result", " " * indent)
    else:
        _notice("%sThis is a context manager, entering...", " " * indent)


def trace_calling_original(slot: Any, indent: int) -> None:
    owner = slot.owner
    _notice(
        "%sCalling original method '%s.%s.%s'", " " * indent, owner.__module__, owner.__qualname__, slot.name
    )


def trace_original_result(indent: int, result: Any) -> None:
    _notice(
        "%sMethod call is finished with %s",
        " " * indent,
        "None result" if result is None else "non-None result",
    )


def trace_result_replaced(result: Any, hook: Any) -> None:
    _notice(
        "Method call result %s will be replaced with result of calling the hook '%s'",
        "(None)" if result is None else "(*NOT None*)",
        display_name(hook),
    )


def trace_process_result(indent: int, hook: Any) -> None:
    _notice(
        "%sPassing result to 'process_result' method of context manager '%s'",
        " " * indent,
        display_name(hook),
    )


def trace_result_modified(indent: int, result: Any) -> None:
    _notice(
        "%sMethod call result %s is modified by hook!",
        " " * indent,
        "(None)" if result is None else "(*NOT* None)",
    )


# --- errors, logged whatever the level of tracing ---


def log_hook_error(hook: Any) -> None:
    """Log the exception being handled as raised by ``hook`` (ERROR, with traceback)."""
    slot_logger.exception("|Hooks| Error while executing a hook '%s'", display_name(hook))


def log_process_result_error(hook: Any) -> None:
    """Log the exception being handled as raised by ``hook``'s ``process_result`` (ERROR, with traceback)."""
    slot_logger.exception(
        "|Hooks| Error while passing method call result to the hook '%s'", display_name(hook)
    )
