"""One builder per implementation: a scenario's :class:`~hookfast.bench.cases.Case` written with it.

:func:`hookfast.bench.scenarios.build` picks the builder; each takes the scenario's definition and
the implementation's name, builds fresh classes and hooks, and raises
:class:`~hookfast.bench.cases.Unavailable` if the implementation cannot run the scenario here.
"""

from __future__ import annotations

import contextlib

from hookfast.bench.cases import Case, Unavailable
from hookfast.bench.receivers import callbacks, expected_runs, identity, method_runs, receiver

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from types import CodeType, ModuleType
    from typing import Any

    from hookfast.bench.cases import Scenario

__all__ = ["build_hand", "build_hookfast", "build_onetl", "build_plain", "build_pluggy"]


def build_plain(scenario: Scenario, implementation: str) -> Case:
    """The method alone, no hooks anywhere."""
    plain = receiver(scenario.receiver, identity, identity)
    return Case(
        scenario.name,
        implementation,
        f"result = {plain.call}",
        plain.namespace,
        plain.expected,
        method_runs(plain.codes),
    )


def build_hand(scenario: Scenario, implementation: str) -> Case:
    """Hand-written code making exactly the calls the enabled hooks would make, then the method."""
    plain = receiver(scenario.receiver, identity, identity)
    kinds = scenario.hooks if scenario.hooked else ()  # nothing would run: the plain call
    namespace = plain.namespace
    before: list[str] = []
    after_generators: list[str] = []
    after_contexts: list[str] = []
    for number, (kind, callback) in enumerate(callbacks(kinds), 1):
        hook_name = f"hook_{number}"
        namespace[hook_name] = callback
        if kind == "function":
            before.append(f"{hook_name}({plain.name}, 1)")
        elif kind == "generator":
            before += [f"gen_{number} = {hook_name}({plain.name}, 1)", f"next(gen_{number})"]
            after_generators += [f"try:\n    next(gen_{number})\nexcept StopIteration:\n    pass"]
        else:
            before += [f"cm_{number} = {hook_name}({plain.name}, 1)", f"cm_{number}.__enter__()"]
            after_contexts.insert(0, f"cm_{number}.__exit__(None, None, None)")  # exited innermost first
    stmt = "\n".join([*before, f"result = {plain.call}", *after_generators, *after_contexts])
    runs = {**expected_runs(kinds), **method_runs(plain.codes)}
    return Case(scenario.name, implementation, stmt, namespace, plain.expected, runs)


@contextlib.contextmanager
def _hookfast_api(implementation: str) -> Iterator[ModuleType]:
    """Yield the hookfast API with slots defined inside the block using backend ``implementation``."""
    import hookfast
    from hookfast import _dispatch

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_dispatch.using(implementation))
        except ValueError as error:  # not built, or forbidden here: the message says which
            raise Unavailable(str(error)) from error
        yield hookfast


@contextlib.contextmanager
def _onetl_api() -> Iterator[ModuleType]:
    try:
        import onetl.hooks
    except Exception as error:  # ImportError, or onETL's own import-time failures
        raise Unavailable(f"onETL is not importable: {error}") from error
    yield onetl.hooks


def _build_hooked(
    scenario: Scenario, implementation: str, api_context: AbstractContextManager[ModuleType]
) -> Case:
    """The scenario written with an onETL-compatible hooks API (hookfast's or onETL's own)."""
    with api_context as api:
        hooked = receiver(scenario.receiver, api.slot, api.support_hooks)
    # Bound outside the block: only declaring the slots depends on the backend selected.
    bindings = []  # (class bound on, hook)
    for number, (_, callback) in enumerate(callbacks(scenario.hooks)):
        target = hooked.classes[number] if scenario.receiver == "deep" else hooked.classes[0]
        bindings.append((target, target.m.bind(api.hook(callback))))
    runs = method_runs(hooked.codes)
    not_run: dict[str, CodeType] = {}
    if scenario.hooked:
        runs.update(expected_runs(scenario.hooks))
    else:
        not_run = {label: code for label, (code, _) in expected_runs(scenario.hooks).items()}
    if scenario.state == "disabled":
        for _, bound in bindings:
            bound.disable()
    elif scenario.state == "suspended":
        hooked.classes[0].m.suspend_hooks()
    elif scenario.state == "unbound":
        if not hasattr(hooked.classes[0].m, "unbind"):  # onETL 0.17 cannot unbind a hook
            raise Unavailable(f"{implementation} has no unbind: no equivalent of {scenario.name!r}")
        for target, bound in bindings:
            target.m.unbind(bound)
    return Case(
        scenario.name,
        implementation,
        f"result = {hooked.call}",
        hooked.namespace,
        hooked.expected,
        runs,
        not_run,
    )


def build_hookfast(scenario: Scenario, implementation: str) -> Case:
    """hookfast with the dispatch backend ``implementation`` (``python`` or ``cython``)."""
    return _build_hooked(scenario, implementation, _hookfast_api(implementation))


def build_onetl(scenario: Scenario, implementation: str) -> Case:
    """``onetl.hooks`` from onETL 0.17."""
    return _build_hooked(scenario, implementation, _onetl_api())


def build_pluggy(scenario: Scenario, implementation: str) -> Case:
    """``pm.hook.m(x=1)`` with one hookimpl per hook (a ``wrapper=True`` one among five)."""
    if scenario.receiver != "method" or scenario.state not in ("enabled", "never bound"):
        raise Unavailable(f"pluggy has no equivalent of {scenario.name!r}")
    try:
        import pluggy
    except ImportError as error:
        raise Unavailable(f"pluggy is not importable: {error}") from error

    spec = pluggy.HookspecMarker("hookfast_bench")
    impl = pluggy.HookimplMarker("hookfast_bench")

    class Spec:
        @spec
        def m(self, x: int) -> None:
            """The hook: ``pm.hook.m(x=1)``."""

    class Plugin1:
        @impl
        def m(self, x: int) -> None:
            return None

    class Plugin2:
        @impl
        def m(self, x: int) -> None:
            return None

    class Plugin3:
        @impl
        def m(self, x: int) -> None:
            return None

    class Plugin4:
        @impl
        def m(self, x: int) -> None:
            return None

    class Wrapper:
        @impl(wrapper=True)
        def m(self, x: int) -> Iterator[None]:
            result = yield
            return result

    manager = pluggy.PluginManager("hookfast_bench")
    manager.add_hookspecs(Spec)
    by_count: dict[int, list[Any]] = {0: [], 1: [Plugin1], 5: [Plugin1, Plugin2, Plugin3, Plugin4, Wrapper]}
    plugins = by_count[len(scenario.hooks)]
    runs: dict[str, tuple[CodeType, int]] = {}
    for plugin in plugins:
        manager.register(plugin())
        runs[plugin.__name__] = (plugin.m.__code__, 2 if plugin is Wrapper else 1)
    return Case(scenario.name, implementation, "result = pm.hook.m(x=1)", {"pm": manager}, [], runs)
