"""The async scenarios: ``await obj.m(1)`` on an async slot (receiver ``async``).

Every case creates the coroutine and drives it to its end with ``coroutine.send(None)`` (nothing in
it suspends), so what is timed is the call and the coroutines, not an event loop. Implementations:

- ``plain``: ``async def m(self, x): return x`` on a plain class;
- ``hand``: an ``async def`` written by hand that makes exactly the calls the hooks would make
  (a sync hook called, an ``async def`` hook awaited, an async generator driven with ``asend``, an
  async context manager entered and exited) around ``await obj.m(x)`` of the plain class: the
  same shape as hookfast's, which awaits the method's own coroutine;
- ``python`` / ``cython``: hookfast's async slot, classes declared with that dispatch backend;
- ``onetl``, ``pluggy``, ``naive``: no equivalent (:class:`~hookfast.bench.cases.Unavailable`).

The hooks are module level and empty, so :meth:`hookfast.bench.cases.Case.check` counts their runs.
"""

from __future__ import annotations

import contextlib

from hookfast.bench.cases import Case, Unavailable

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import AsyncGenerator
    from types import CodeType
    from typing import Any

    from hookfast.bench.cases import Scenario

__all__ = ["IMPLEMENTATIONS", "build"]

#: The implementations with an async case, baselines first.
IMPLEMENTATIONS = ("plain", "hand", "python", "cython")

#: Drive the coroutine made by ``{call}`` to its end; it never suspends.
_DRIVE = """coroutine = {call}
try:
    coroutine.send(None)
except StopIteration as stop:
    result = stop.value
"""


# --- the hooks: empty, so that what is measured is the dispatch ---


def _sync_hook(self: Any, x: int) -> None:
    return None


def _sync_hook_2(self: Any, x: int) -> None:
    return None


async def _async_hook(self: Any, x: int) -> None:
    return None


async def _async_generator(self: Any, x: int) -> AsyncGenerator[None, Any]:
    yield


class _AsyncContext:
    def __init__(self, obj: Any, x: int) -> None:
        pass

    async def __aenter__(self) -> _AsyncContext:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


_CALLBACKS: dict[str, Any] = {
    "function": _sync_hook,
    "function_2": _sync_hook_2,
    "async_function": _async_hook,
    "async_generator": _async_generator,
    "async_context": _AsyncContext,
}


def _code(callback: Any) -> CodeType:
    target = getattr(callback, "__aenter__", callback)  # a context class: its entering runs
    return target.__code__  # type: ignore[no-any-return]


def _hook_runs(kinds: tuple[str, ...]) -> dict[str, tuple[CodeType, int]]:
    # an async generator's code runs twice per call (entry, then process_result); a profiler sees
    # each resumption of a coroutine or generator as a 'call' event
    per_call = {"async_generator": 2}
    return {kind: (_code(_CALLBACKS[kind]), per_call.get(kind, 1)) for kind in kinds}


def _plain_class() -> type:
    class Plain:
        async def m(self, x: int) -> int:
            return x

    return Plain


async def _hand_five(obj: Any, x: int) -> int:
    """The five mixed hooks of ``async_five_mixed``, by hand, in their call order."""
    _sync_hook(obj, x)
    await _async_hook(obj, x)
    _sync_hook_2(obj, x)
    generator = _async_generator(obj, x)
    await generator.asend(None)
    context = _AsyncContext(obj, x)
    await context.__aenter__()
    result = await obj.m(x)
    with contextlib.suppress(StopAsyncIteration):  # process_result: its code after the yield
        await generator.asend(result)
    await context.__aexit__(None, None, None)
    return result  # type: ignore[no-any-return]


async def _hand_one_sync(obj: Any, x: int) -> int:
    _sync_hook(obj, x)
    return await obj.m(x)  # type: ignore[no-any-return]


async def _hand_one_async(obj: Any, x: int) -> int:
    await _async_hook(obj, x)
    return await obj.m(x)  # type: ignore[no-any-return]


_HAND = {
    (): None,
    ("function",): _hand_one_sync,
    ("async_function",): _hand_one_async,
    ("function", "async_function", "function_2", "async_generator", "async_context"): _hand_five,
}


def build(scenario: Scenario, implementation: str) -> Case:
    """Build the async case of ``scenario`` for ``implementation``."""
    if implementation not in IMPLEMENTATIONS:
        raise Unavailable(f"{implementation} has no async slot equivalent")
    kinds = scenario.hooks
    if implementation == "plain":
        obj = _plain_class()()
        return Case(scenario.name, implementation, _DRIVE.format(call="obj.m(1)"), {"obj": obj}, 1)
    if implementation == "hand":
        obj = _plain_class()()
        hand = _HAND[kinds]
        if hand is None:
            return Case(scenario.name, implementation, _DRIVE.format(call="obj.m(1)"), {"obj": obj}, 1)
        namespace = {"obj": obj, "hand": hand}
        return Case(
            scenario.name, implementation, _DRIVE.format(call="hand(obj, 1)"), namespace, 1, _hook_runs(kinds)
        )
    import hookfast
    from hookfast import _dispatch

    try:
        context = _dispatch.using(implementation)
        context.__enter__()
    except ValueError as error:  # not built, or forbidden here
        raise Unavailable(str(error)) from error
    try:

        @hookfast.support_hooks
        class Service:
            @hookfast.slot
            async def m(self, x: int) -> int:
                return x

    finally:
        context.__exit__(None, None, None)
    for kind in kinds:
        Service.m.bind(hookfast.hook(_CALLBACKS[kind]))
    namespace = {"obj": Service()}
    return Case(
        scenario.name, implementation, _DRIVE.format(call="obj.m(1)"), namespace, 1, _hook_runs(kinds)
    )
