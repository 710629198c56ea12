"""The runner's hot path in pure Python: ``runner.call_hook(point, ...)`` over a precomputed call list.

The twin of ``_runner_c.pyx`` (same names, same order; ``scripts/check_twins.py``). Everything that
is not on the call path (which hooks a point calls, in which order, invalidation, errors) lives in
``hookfast.runner``, once; see ``docs/architecture.md``.

Interface (``hookfast._interfaces.RunnerBackend``):

- ``CallHook(build)``: the ``call_hook`` of the runners of one class; ``call_hook.callable`` is
  what the class holds. A call looks ``point`` up in ``runner._hookfast_calls`` (a dict of
  tuples of callables, filled by ``build(runner, point)`` on a miss) and calls each with
  ``(runner, *args, **kwargs)``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["BACKEND", "CallHook"]

BACKEND = "python"


def _call_hook_vectorcall(call_hook: CallHook) -> Callable[..., None]:
    """``runner.call_hook(fn_name, *args, **kwargs)`` through ``call_hook``.

    The compiled twin's function of this name is the ``CallHook`` type's vectorcall; here it is a
    closure over one ``CallHook``, and its body is that function's.
    """
    build = call_hook.build

    def call_hook_function(runner: Any, fn_name: str, /, *args: Any, **kwargs: Any) -> None:
        try:
            calls = runner._hookfast_calls[fn_name]
        except (AttributeError, KeyError, TypeError):
            calls = build(runner, fn_name)
        if args or kwargs:
            for call in calls:
                call(runner, *args, **kwargs)
        else:  # the usual point call: a plain call, which the interpreter makes without C recursion
            for call in calls:
                call(runner)

    return call_hook_function


class CallHook:
    """The ``call_hook`` method of the runners of one class (see the module docstring)."""

    __slots__ = ("_callable", "build")

    def __init__(self, build: Callable[[Any, str], tuple[Callable[..., Any], ...]]) -> None:
        #: ``build(runner, point)``: the point's call list, stored in ``runner._hookfast_calls``
        self.build = build
        self._callable = _call_hook_vectorcall(self)

    @property
    def callable(self) -> Callable[..., None]:
        """What the runner class holds as ``call_hook``."""
        return self._callable
