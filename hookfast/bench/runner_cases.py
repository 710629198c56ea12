"""The runner scenarios: ``runner.call_hook(point)`` on an mmcv-style runner (:mod:`hookfast.runner`).

A runner scenario (receiver ``runner`` in :mod:`hookfast.bench.scenarios`) registers one hook per
entry of ``scenario.hooks``, each a :class:`hookfast.runner.Hook` subclass overriding that point
(directly: none overrides the generic ``before_epoch`` & co of ``scenario.point``), then calls
``scenario.point``. Implementations:

- ``naive``: :class:`NaiveRunner`, mmcv's ``register_hook`` and ``call_hook`` loop
  ``for hook in self._hooks: getattr(hook, fn_name)(self)``: every hook is called, and those that
  do not override the point run ``Hook``'s defaults (which forward to ``after_iter`` & co);
- ``hand``: the overriding hooks' methods called directly (``hook_1.after_train_iter(runner)``),
  nothing for the others;
- ``python`` / ``cython``: a :class:`hookfast.runner.HookRunner` subclass created with that dispatch
  backend;
- ``plain``, ``onetl``, ``pluggy``: no equivalent (:class:`~hookfast.bench.cases.Unavailable`).

The hooks' methods are module level and empty, so every case shares their code objects, which
:meth:`hookfast.bench.cases.Case.check` counts: the overriding hooks run once each, the others'
methods never; ``Hook``'s defaults run for every other hook in ``naive`` and never elsewhere.
"""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter

from hookfast.bench.cases import Case, Unavailable

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any, Callable

    from hookfast.bench.cases import Scenario
    from hookfast.runner import Hook

__all__ = ["IMPLEMENTATIONS", "NaiveRunner", "build", "build_naive"]

#: The implementations with a runner case, baseline first.
IMPLEMENTATIONS = ("naive", "hand", "python", "cython")

#: The priorities the hooks are registered with, in turn (the same for every implementation).
_PRIORITIES = ("HIGH", "NORMAL", "LOW")

#: mmcv's forwarding defaults: ``Hook.<point>`` calls ``self.<generic>(runner)``.
_FORWARDS = {
    f"{when}_{phase}_{unit}": f"{when}_{unit}"
    for when in ("before", "after")
    for phase in ("train", "val")
    for unit in ("epoch", "iter")
}


# --- the hooks' methods: empty, so that what is measured is the dispatch ---


def _after_train_iter_1(self: Any, runner: Any) -> None:
    return None


def _after_train_iter_2(self: Any, runner: Any) -> None:
    return None


def _after_train_iter_3(self: Any, runner: Any) -> None:
    return None


def _before_run(self: Any, runner: Any) -> None:
    return None


def _after_run(self: Any, runner: Any) -> None:
    return None


def _before_train_epoch(self: Any, runner: Any) -> None:
    return None


def _after_train_epoch(self: Any, runner: Any) -> None:
    return None


def _before_train_iter(self: Any, runner: Any) -> None:
    return None


def _before_iter(self: Any, runner: Any) -> None:
    return None


def _after_val_epoch(self: Any, runner: Any) -> None:
    return None


#: Point -> the method bodies of the hooks overriding it, taken in turn.
_BODIES: dict[str, tuple[Callable[[Any, Any], None], ...]] = {
    "after_train_iter": (_after_train_iter_1, _after_train_iter_2, _after_train_iter_3),
    "before_run": (_before_run,),
    "after_run": (_after_run,),
    "before_train_epoch": (_before_train_epoch,),
    "after_train_epoch": (_after_train_epoch,),
    "before_train_iter": (_before_train_iter,),
    "before_iter": (_before_iter,),
    "after_val_epoch": (_after_val_epoch,),
}


class NaiveRunner:
    """mmcv's runner: its ``register_hook`` and ``call_hook``, as mmcv writes them."""

    def __init__(self) -> None:
        self._hooks: list[Any] = []

    def register_hook(self, hook: Any, priority: Any = "NORMAL") -> None:
        """Register a hook into the hook list (mmcv's code, ``Hook`` from :mod:`hookfast.runner`)."""
        from hookfast.runner import Hook, get_priority

        assert isinstance(hook, Hook)
        if hasattr(hook, "priority"):
            raise ValueError('"priority" is a reserved attribute for hooks')
        priority = get_priority(priority)
        hook.priority = priority
        # insert the hook to a sorted list
        inserted = False
        for i in range(len(self._hooks) - 1, -1, -1):
            if priority >= self._hooks[i].priority:
                self._hooks.insert(i + 1, hook)
                inserted = True
                break
        if not inserted:
            self._hooks.insert(0, hook)

    def call_hook(self, fn_name: str) -> None:
        """mmcv's loop: every hook's method at ``fn_name``, defaults included."""
        for hook in self._hooks:
            getattr(hook, fn_name)(self)


def _bodies(scenario: Scenario) -> list[Callable[[Any, Any], None]]:
    """The method body of each hook of ``scenario``, in registration order."""
    taken: Counter[str] = Counter()
    bodies = []
    for point in scenario.hooks:
        choices = _BODIES[point]
        bodies.append(choices[taken[point] % len(choices)])
        taken[point] += 1
    return bodies


def _hooks(scenario: Scenario) -> list[Hook]:
    """One fresh hook per entry of ``scenario.hooks``, each of its own class overriding that point."""
    from hookfast.runner import Hook

    return [
        type(f"BenchHook{number}", (Hook,), {point: body})()
        for number, (point, body) in enumerate(zip(scenario.hooks, _bodies(scenario)), 1)
    ]


def _registered(runner: Any, scenario: Scenario) -> dict[str, Any]:
    """Register the hooks of ``scenario`` on ``runner``; the namespace of its statement."""
    for hook, priority in zip(_hooks(scenario), itertools.cycle(_PRIORITIES)):
        runner.register_hook(hook, priority)
    return {"runner": runner}


def _runs(
    scenario: Scenario, implementation: str
) -> tuple[dict[str, tuple[CodeType, int]], dict[str, CodeType]]:
    """``Case.must_run`` and ``Case.must_not_run`` of a runner case."""
    from hookfast.runner import Hook

    point = scenario.point
    assert point is not None
    runs: dict[str, tuple[CodeType, int]] = {}
    not_run: dict[str, CodeType] = {}
    for overridden, body in zip(scenario.hooks, _bodies(scenario)):
        if overridden == point:
            count = runs.get(body.__name__, (body.__code__, 0))[1]
            runs[body.__name__] = (body.__code__, count + 1)
        else:
            not_run[body.__name__] = body.__code__
    # Hook's defaults at the point (and the one it forwards to): mmcv's loop runs them for
    # every hook not overriding the point, hookfast never
    others = sum(overridden != point for overridden in scenario.hooks)
    for name in (point, _FORWARDS.get(point)):
        code = getattr(getattr(Hook, name, None), "__code__", None) if name else None
        if code is None:
            continue
        label = f"Hook.{name} (default)"
        if implementation == "naive" and others:
            runs[label] = (code, others)
        else:
            not_run[label] = code
    return runs, not_run


def _case(scenario: Scenario, implementation: str, stmt: str, namespace: dict[str, Any]) -> Case:
    runs, not_run = _runs(scenario, implementation)
    return Case(scenario.name, implementation, stmt, namespace, None, runs, not_run)


def _build_naive(scenario: Scenario, implementation: str) -> Case:
    namespace = _registered(NaiveRunner(), scenario)
    return _case(scenario, implementation, f"result = runner.call_hook({scenario.point!r})", namespace)


def _build_hand(scenario: Scenario, implementation: str) -> Case:
    namespace: dict[str, Any] = {"runner": NaiveRunner()}  # an empty runner, only passed along
    calls = []
    for number, (hook, overridden) in enumerate(zip(_hooks(scenario), scenario.hooks), 1):
        if overridden == scenario.point:
            namespace[f"hook_{number}"] = hook
            calls.append(f"hook_{number}.{scenario.point}(runner)")
    return _case(scenario, implementation, "\n".join([*calls, "result = None"]), namespace)


def _build_hookfast(scenario: Scenario, implementation: str) -> Case:
    from hookfast import _dispatch
    from hookfast.runner import HookRunner

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_dispatch.using(implementation))
        except ValueError as error:  # not built, or forbidden here: the message says which
            raise Unavailable(str(error)) from error

        class BenchRunner(HookRunner):  # gets the runner loop of the backend current now
            pass

    namespace = _registered(BenchRunner(), scenario)
    return _case(scenario, implementation, f"result = runner.call_hook({scenario.point!r})", namespace)


_BUILDERS: dict[str, Callable[[Scenario, str], Case]] = {
    "naive": _build_naive,
    "hand": _build_hand,
    "python": _build_hookfast,
    "cython": _build_hookfast,
}


def build(scenario: Scenario, implementation: str) -> Case:
    """The case of runner scenario ``scenario`` x ``implementation``.

    Raises:
        Unavailable: ``plain``, ``onetl`` and ``pluggy`` have no equivalent; a backend not built.
    """
    if implementation not in _BUILDERS:
        raise Unavailable(f"{implementation} has no equivalent of the runner scenarios (runner.call_hook)")
    return _BUILDERS[implementation](scenario, implementation)


def build_naive(scenario: Scenario, implementation: str) -> Case:
    """The ``naive`` builder of the slot scenarios: mmcv's runner loop is a runner baseline only."""
    raise Unavailable(
        "the naive loop is the runner scenarios' baseline: the slot scenarios have no equivalent"
    )
