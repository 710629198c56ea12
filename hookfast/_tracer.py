"""What a traced slot call tells: NOTICE log messages and :func:`hookfast.trace` records (cold path).

Both dispatch twins call a tracer's methods, and only when one exists for the call: while neither
NOTICE logging of ``hookfast.slot`` nor a ``hookfast.trace()`` block is active anywhere, the twins'
gate is the logger check they always made, and no tracer is looked for. Written once, here.

The events, in the order the twins send them for one call::

    started → (calling_hook → hook_returned)* → calling_original → original_returned
    [→ result_replaced] → (processing_result → result_processed)* → (exited | exit_raised)*

``raised`` comes from the call's ``except`` clause, whatever was running.
"""

from __future__ import annotations

import contextvars
import time

from hookfast import logs
from hookfast._kinds import RESULT_ASYNC_CONTEXT, RESULT_ASYNC_GENERATOR, RESULT_CONTEXT, RESULT_GENERATOR

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Literal

    HookKind = Literal["function", "generator", "context", "async generator", "async context"]
    HookOutcome = Literal["returned", "replaced", "raised", "suppressed"]
    CallOutcome = Literal["returned", "raised", "suppressed"]
    MethodOutcome = Literal["returned", "raised", "not called"]

__all__ = ["CallTracer", "Recording", "TracedCall", "TracedHook", "recorders", "tracer_for_call"]

_clock = time.perf_counter
_HOOK_KINDS: dict[int, HookKind] = {
    RESULT_GENERATOR: "generator",
    RESULT_CONTEXT: "context",
    RESULT_ASYNC_GENERATOR: "async generator",
    RESULT_ASYNC_CONTEXT: "async context",
}


class Recording:
    """The record list of one ``trace()`` block, and whether the block is still running.

    A task created inside the block (or a context copied there) records into it while the block
    runs; once the block has ended, nothing more is recorded into it, whoever holds it.
    """

    __slots__ = ("active", "into", "records")

    def __init__(self, outer: tuple[Recording, ...]) -> None:
        self.records: list[TracedCall] = []
        self.active = True
        #: the record lists a call made in this block appends to while every block is running:
        #: the enclosing blocks' (``outer``) and this one's
        self.into: tuple[list[TracedCall], ...] = (*(recording.records for recording in outer), self.records)


#: The ``trace()`` blocks of this thread or task, innermost last (ended ones are skipped).
recorders: contextvars.ContextVar[tuple[Recording, ...]] = contextvars.ContextVar(
    "hookfast_trace_recorders", default=()
)


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.3f} ms"


class TracedHook:
    """One hook run by a traced slot call.

    Attributes:
        hook: the :class:`hookfast.Hook` that ran.
        kind: what the hook turned out to be: ``"function"`` (it returned ``None`` or a value, or
            raised; an ``async def`` hook once awaited), ``"generator"`` (one-``yield``
            generator), ``"context"`` (context manager), ``"async generator"`` or
            ``"async context"`` (on async slots).
        outcome: ``"returned"`` (ran, no effect on the result), ``"replaced"`` (its value became
            the result, or its ``process_result`` changed the result), ``"raised"`` (the call, the
            entering, ``process_result`` or the exit raised) or ``"suppressed"`` (its exit
            swallowed the exception in flight).
        error: the exception it raised, if ``outcome == "raised"``.
        duration: seconds spent in the hook: the call, and for a generator or context manager
            also entering, ``process_result`` and exiting.
    """

    __slots__ = ("duration", "error", "hook", "kind", "outcome")

    def __init__(self, hook: Any) -> None:
        self.hook = hook
        self.kind: HookKind = "function"
        self.outcome: HookOutcome = "returned"
        self.error: BaseException | None = None
        self.duration = 0.0

    @property
    def name(self) -> str:
        """The hook's ``module.qualname``, as the NOTICE messages print it."""
        return logs.display_name(self.hook)

    def __repr__(self) -> str:
        error = f", error={self.error!r}" if self.error is not None else ""
        return f"<TracedHook {self.name} {self.kind} {self.outcome}{error} {_duration(self.duration)}>"


class TracedCall:
    """One slot call that ran hooks, recorded by :func:`hookfast.trace`.

    Attributes:
        owner: the class whose slot declaration ran (where the method is defined).
        name: the slot's method name.
        hooks: the hooks that ran, in call order (a hook after one that raised does not run).
        method: ``"returned"``, ``"raised"`` or ``"not called"`` (a hook raised first).
        outcome: ``"returned"``, ``"raised"`` (the call raised :attr:`error`) or ``"suppressed"``
            (a hook's context manager swallowed an exception; the call returned ``None``).
        error: the exception the call raised, if ``outcome == "raised"``.
        duration: seconds from the first hook to the last exit.
    """

    __slots__ = ("_started", "duration", "error", "hooks", "method", "name", "outcome", "owner")

    def __init__(self, owner: type, name: str) -> None:
        self.owner = owner
        self.name = name
        self.hooks: list[TracedHook] = []
        self.method: MethodOutcome = "not called"
        self.outcome: CallOutcome = "returned"
        self.error: BaseException | None = None
        self.duration = 0.0
        self._started = _clock()

    @property
    def qualname(self) -> str:
        """``'Owner.method'``."""
        return f"{self.owner.__qualname__}.{self.name}"

    def __repr__(self) -> str:
        hooks = ", ".join(f"{run.name} {run.outcome}" for run in self.hooks)
        return (
            f"<TracedCall {self.qualname} {self.outcome} method={self.method} "
            f"hooks=[{hooks}] {_duration(self.duration)}>"
        )


class CallTracer:
    """The events of one slot call, logged at NOTICE and/or recorded (see the module docstring).

    One shared instance with no recorders serves NOTICE logging alone and keeps no state; a call
    inside ``trace()`` gets its own. A hook's time is charged from the event that hands control to
    its code to the next event, so the twins send no event just to stop a clock (entering ends at
    the next hook or at the method; an exit starts where the previous exit or the method ended).
    """

    __slots__ = ("_call", "_log", "_mark", "_method_running", "_recorders", "_running", "_runs")

    def __init__(self, log: bool, record_into: tuple[list[TracedCall], ...]) -> None:
        self._log = log
        self._recorders = record_into
        self._call: TracedCall | None = None
        self._runs: dict[int, TracedHook] = {}  # id(hook_call) -> its record, for later events
        self._running: TracedHook | None = None  # the hook whose code has control, if any
        self._mark = 0.0  # when the last event happened
        self._method_running = False

    def _close(self, call: TracedCall) -> TracedHook | None:
        """Charge the time since the last event to the running hook, if any; return that hook."""
        now = _clock()
        run = self._running
        if run is not None:
            run.duration += now - self._mark
            self._running = None
        self._mark = now
        call.duration = now - call._started
        return run

    def _charge(self, call: TracedCall, hook_call: Any) -> TracedHook:
        """The hook of ``hook_call`` had control since the last event (an exit): charge it."""
        self._running = self._runs[id(hook_call)]
        run = self._close(call)
        assert run is not None
        return run

    # --- the events ---

    def started(self, slot: Any, count: int) -> None:
        if self._log:
            logs.trace_hooks_count(slot, count)
        if self._recorders:
            call = TracedCall(slot.owner, slot.name)
            self._call = call
            self._mark = call._started
            for records in self._recorders:
                records.append(call)

    def calling_hook(self, hook_call: Any, indent: int, number: int, count: int) -> None:
        if self._log:
            logs.trace_calling_hook(hook_call.hook, indent, number, count)
        call = self._call
        if call is not None:
            self._close(call)  # the previous hook's entering, if it was a context
            run = TracedHook(hook_call.hook)
            call.hooks.append(run)
            self._runs[id(hook_call)] = run
            self._running = run

    def hook_returned(self, indent: int, kind: int) -> None:
        if self._log:
            logs.trace_hook_result(indent, kind)
        call = self._call
        if call is not None and self._running is not None:
            hook_kind = _HOOK_KINDS.get(kind)
            if hook_kind is not None:
                self._running.kind = hook_kind  # its clock runs on while it is entered
            else:
                self._close(call)

    def calling_original(self, slot: Any, indent: int) -> None:
        if self._log:
            logs.trace_calling_original(slot, indent)
        call = self._call
        if call is not None:
            self._close(call)
            self._method_running = True

    def original_returned(self, indent: int, result: Any) -> None:
        if self._log:
            logs.trace_original_result(indent, result)
        call = self._call
        if call is not None:
            self._close(call)
            self._method_running = False
            call.method = "returned"

    def result_replaced(self, result: Any, hook_call: Any) -> None:
        if self._log:
            logs.trace_result_replaced(result, hook_call.hook)
        if self._call is not None:
            self._runs[id(hook_call)].outcome = "replaced"

    def processing_result(self, indent: int, hook_call: Any) -> None:
        if self._log:
            logs.trace_process_result(indent, hook_call.hook)
        call = self._call
        if call is not None:
            self._close(call)
            self._running = self._runs[id(hook_call)]

    def result_processed(self, indent: int, hook_call: Any, result: Any, new_result: Any) -> None:
        if new_result is not None and self._log:
            logs.trace_result_modified(indent, result)
        call = self._call
        if call is not None:
            run = self._close(call)
            if run is not None and new_result is not None:
                run.outcome = "replaced"

    def raised(self, exc: BaseException) -> None:
        call = self._call
        if call is None:
            return
        run = self._close(call)
        if run is not None:
            run.outcome = "raised"
            run.error = exc
        elif self._method_running:
            self._method_running = False
            call.method = "raised"
        call.outcome = "raised"
        call.error = exc

    def exited(self, hook_call: Any, suppressed: bool) -> None:
        call = self._call
        if call is not None:
            run = self._charge(call, hook_call)
            if suppressed:
                run.outcome = "suppressed"
                call.outcome = "suppressed"
                call.error = None

    def exit_raised(self, hook_call: Any, exc: BaseException) -> None:
        call = self._call
        if call is not None:
            run = self._charge(call, hook_call)
            run.outcome = "raised"
            run.error = exc
            call.outcome = "raised"
            call.error = exc


#: The tracer of calls that only log (no ``trace()`` block in their context): stateless, shared.
LOG_TRACER = CallTracer(True, ())


def tracer_for_call() -> CallTracer | None:
    """The tracer of the slot call starting now in this context, or None if nothing wants one.

    Called by the twins only after their cheap gate said that logging or some ``trace()`` block
    may be active.
    """
    recordings = recorders.get()
    if recordings:
        for recording in recordings:
            if not recording.active:  # a block that this task or copied context outlived
                record_into = tuple([recording.records for recording in recordings if recording.active])
                break
        else:  # the usual case, without building a tuple per call
            record_into = recordings[-1].into
        if record_into:
            return CallTracer(logs.notice_enabled(), record_into)
    if logs.notice_enabled():
        return LOG_TRACER
    return None
