"""The benchmark scenarios, shared by ``benchmarks/``, ``scripts/`` and ``hookfast-bench``.

:func:`build` returns a :class:`~hookfast.bench.cases.Case` for one scenario and one implementation:

- ``plain``: the method alone, no hooks anywhere;
- ``hand``: hand-written code making exactly the calls the hooks would make (hook functions called
  directly, a generator driven with ``next()`` and a ``StopIteration`` catch, a context-manager class
  entered and exited by hand), then the plain method;
- ``python`` / ``cython``: hookfast with that dispatch backend;
- ``onetl``: ``onetl.hooks`` from onETL 0.17;
- ``pluggy``: ``pm.hook.m(x=1)`` with as many hookimpls as the scenario has hooks (one of them a
  ``wrapper=True`` impl in ``five_hooks``). pluggy has no "original method", so none is called: this
  favours pluggy, never hookfast;
- ``naive``: the runner scenarios' baseline, mmcv's ``call_hook`` loop; no slot scenario has it.

The runner scenarios (``runner_*``, receiver ``runner``) time ``runner.call_hook(point)`` of
:mod:`hookfast.runner` against ``naive`` and ``hand`` (the overriding hooks' methods called
directly); they are built in :mod:`hookfast.bench.runner_cases`, and ``plain``, ``onetl`` and
``pluggy`` have no equivalent.

A scenario is one :class:`Scenario` line in :data:`_DEFINITIONS`: the receiver's shape (built in
:mod:`hookfast.bench.receivers`), the hook kinds bound to it and their state; the targets checked
on it are in :data:`hookfast.bench.targets.TARGETS`. A new shape or hook kind is added there and in
:mod:`~hookfast.bench.receivers`; a new implementation is a builder in
:mod:`~hookfast.bench.builders` and a line in :data:`_BUILDERS`.
"""

from __future__ import annotations

from hookfast.bench import async_cases, builders, runner_cases
from hookfast.bench.cases import Case, Scenario, Unavailable

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Callable

__all__ = [
    "BASELINES",
    "HOOKFAST_BACKENDS",
    "IMPLEMENTATIONS",
    "SCENARIOS",
    "Case",
    "Scenario",
    "Unavailable",
    "build",
    "describe",
    "get",
]


#: The runner's 10 hooks: the point each overrides (3 ``after_train_iter``, 7 others), in turn.
_TEN_HOOKS = (
    "before_run",
    "after_train_iter",
    "before_train_epoch",
    "after_train_epoch",
    "after_train_iter",
    "before_train_iter",
    "before_iter",
    "after_train_iter",
    "after_val_epoch",
    "after_run",
)

#: Every scenario, in report order.
_DEFINITIONS = {
    scenario.name: scenario
    for scenario in (
        Scenario(
            "no_hooks",
            receiver="method",
            hooks=(),
            state="never bound",
            description="slot never bound: should cost the plain method",
        ),
        Scenario(
            "unbound",
            receiver="method",
            hooks=("function", "function"),
            state="unbound",
            description="2 hooks bound, then both unbound (Cls.m.unbind(hook))",
        ),
        Scenario(
            "disabled",
            receiver="method",
            hooks=("function", "function"),
            state="disabled",
            description="2 hooks bound, then both disabled (hook.disable())",
        ),
        Scenario(
            "suspended",
            receiver="method",
            hooks=("function", "function"),
            state="suspended",
            description="2 hooks bound and enabled, slot suspended (Cls.m.suspend_hooks())",
        ),
        Scenario(
            "one_hook",
            receiver="method",
            hooks=("function",),
            state="enabled",
            description="1 function hook returning None",
        ),
        Scenario(
            "five_hooks",
            receiver="method",
            hooks=("function", "function", "function", "generator", "context"),
            state="enabled",
            description="3 function hooks, 1 generator (bare yield), 1 context-manager class",
        ),
        Scenario(
            "classmethod_one_hook",
            receiver="classmethod",
            hooks=("function",),
            state="enabled",
            description="@slot @classmethod called on the class, 1 function hook",
        ),
        Scenario(
            "deep_one_hook",
            receiver="deep",
            hooks=("function", "function", "function"),
            state="enabled",
            description="Base/Mid/Leaf, Leaf redeclares the slot and calls super(); 1 hook bound per level",
        ),
        Scenario(
            "held_one_hook",
            receiver="held",
            hooks=("function",),
            state="enabled",
            description="1 function hook, called through a bound method taken before the hook was bound",
        ),
        Scenario(
            "async_no_hooks",
            receiver="async",
            hooks=(),
            state="never bound",
            description="async slot never bound, awaited: should cost the plain async method",
        ),
        Scenario(
            "async_one_hook",
            receiver="async",
            hooks=("function",),
            state="enabled",
            description="async slot, 1 sync function hook returning None",
        ),
        Scenario(
            "async_one_async_hook",
            receiver="async",
            hooks=("async_function",),
            state="enabled",
            description="async slot, 1 async def hook returning None",
        ),
        Scenario(
            "async_five_mixed",
            receiver="async",
            hooks=("function", "async_function", "function_2", "async_generator", "async_context"),
            state="enabled",
            description="async slot: 2 sync functions, 1 async def, 1 async generator, 1 async context class",
        ),
        Scenario(
            "runner_3_of_10",
            receiver="runner",
            hooks=_TEN_HOOKS,
            state="registered",
            description="runner.call_hook('after_train_iter'), 10 hooks registered, 3 override the point",
            point="after_train_iter",
        ),
        Scenario(
            "runner_none_of_10",
            receiver="runner",
            hooks=_TEN_HOOKS,
            state="registered",
            description="runner.call_hook('before_val_epoch'), the same 10 hooks, none overrides the point",
            point="before_val_epoch",
        ),
        Scenario(
            "runner_1_of_1",
            receiver="runner",
            hooks=("after_train_iter",),
            state="registered",
            description="runner.call_hook('after_train_iter'), 1 hook registered, overriding the point",
            point="after_train_iter",
        ),
    )
}

#: Scenario names, in report order.
SCENARIOS = tuple(_DEFINITIONS)

#: Implementation name -> builder of the slot scenarios, baselines first (the report's column order).
_BUILDERS: dict[str, Callable[[Scenario, str], Case]] = {
    "plain": builders.build_plain,
    "hand": builders.build_hand,
    "naive": runner_cases.build_naive,
    "python": builders.build_hookfast,
    "cython": builders.build_hookfast,
    "onetl": builders.build_onetl,
    "pluggy": builders.build_pluggy,
}

#: Implementations, baselines first.
IMPLEMENTATIONS = tuple(_BUILDERS)

#: The implementations every worker process times next to its own: ratios to them never cross a process.
#: (``plain`` has no runner case, ``naive`` no slot case.)
BASELINES = ("plain", "hand", "naive")

#: hookfast's own dispatch backends (``hookfast._dispatch.available()`` names).
HOOKFAST_BACKENDS = ("python", "cython")


def get(scenario: str) -> Scenario:
    """The definition of ``scenario``.

    Raises:
        KeyError: unknown scenario.
    """
    try:
        return _DEFINITIONS[scenario]
    except KeyError:
        raise KeyError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}") from None


def describe(scenario: str) -> str:
    """One line saying what ``scenario`` measures."""
    return _DEFINITIONS[scenario].description


def build(scenario: str, implementation: str) -> Case:
    """Build the case for ``scenario`` x ``implementation`` (fresh classes and hooks every time).

    Raises:
        KeyError: unknown scenario or implementation.
        Unavailable: the implementation is not installed, or has no equivalent of the scenario.
    """
    definition = get(scenario)
    if implementation not in _BUILDERS:
        raise KeyError(f"unknown implementation {implementation!r}; known: {', '.join(IMPLEMENTATIONS)}")
    if definition.runner:
        return runner_cases.build(definition, implementation)
    if definition.receiver == "async":
        return async_cases.build(definition, implementation)
    return _BUILDERS[implementation](definition, implementation)
