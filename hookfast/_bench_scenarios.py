"""Benchmark scenarios shared by ``benchmarks/test_bench_dispatch.py`` and ``python -m hookfast.bench``.

:func:`build` returns a :class:`Case` for one scenario (SPEC §8) and one implementation:

- ``plain``: the method alone, no hooks anywhere;
- ``hand``: hand-written code making exactly the calls the hooks would make (hook functions called
  directly, a generator driven with ``next()`` and a ``StopIteration`` catch, a context-manager class
  entered and exited by hand), then the plain method;
- ``python`` / ``cython``: hookfast with that dispatch backend;
- ``onetl``: ``onetl.hooks`` from onETL 0.17;
- ``pluggy``: ``pm.hook.m(x=1)`` with as many hookimpls as the scenario has hooks (one of them a
  ``wrapper=True`` impl in ``five_hooks``). pluggy has no "original method", so none is called: this
  favours pluggy, never hookfast.

A case is a statement (``case.stmt``, assigning ``result``) and the namespace it runs in, so the
report can time it inline with :mod:`timeit` (no extra Python call per iteration), plus
``case.func``, the same statement as a zero-argument function, for pytest-benchmark. ``case.check()``
runs it once under :func:`sys.setprofile` and asserts the result and which hook code ran how often:
the hooks stay empty (``return None``), so counting them costs nothing while they are measured.
"""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import CodeType, FrameType, ModuleType
from typing import Any, Callable

__all__ = [
    "HOOKED_SCENARIOS",
    "IMPLEMENTATIONS",
    "SCENARIOS",
    "Case",
    "Unavailable",
    "build",
    "describe",
]

#: Implementations, baselines first.
IMPLEMENTATIONS = ("plain", "hand", "python", "cython", "onetl", "pluggy")

#: Scenario name -> (receiver shape, hook kinds, state of the bound hooks).
_SPECS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "no_hooks": ("method", (), "never bound"),
    "disabled": ("method", ("function", "function"), "disabled"),
    "suspended": ("method", ("function", "function"), "suspended"),
    "one_hook": ("method", ("function",), "enabled"),
    "five_hooks": ("method", ("function", "function", "function", "generator", "context"), "enabled"),
    "classmethod_one_hook": ("classmethod", ("function",), "enabled"),
    "deep_one_hook": ("deep", ("function", "function", "function"), "enabled"),
    "held_one_hook": ("held", ("function",), "enabled"),
}

#: Scenario names, in report order.
SCENARIOS = tuple(_SPECS)

#: Scenarios where hooks actually run.
HOOKED_SCENARIOS = tuple(name for name, (_, _, state) in _SPECS.items() if state == "enabled")

_DESCRIPTIONS = {
    "no_hooks": "slot never bound: should cost the plain method",
    "disabled": "2 hooks bound, then both disabled (hook.disable())",
    "suspended": "2 hooks bound and enabled, slot suspended (Cls.m.suspend_hooks())",
    "one_hook": "1 function hook returning None",
    "five_hooks": "3 function hooks, 1 generator (bare yield), 1 context-manager class",
    "classmethod_one_hook": "@slot @classmethod called on the class, 1 function hook",
    "deep_one_hook": "Base/Mid/Leaf, Leaf redeclares the slot and calls super(); 1 hook bound per level",
    "held_one_hook": "1 function hook, called through a bound method taken before the hook was bound",
}


class Unavailable(Exception):
    """This implementation cannot run this scenario here (not installed, or not applicable)."""


def describe(scenario: str) -> str:
    """One line saying what ``scenario`` measures."""
    return _DESCRIPTIONS[scenario]


# --- the hooks (module level: every case shares their code objects; check() counts those) ---


def _function_hook_1(receiver: Any, x: int) -> None:
    return None


def _function_hook_2(receiver: Any, x: int) -> None:
    return None


def _function_hook_3(receiver: Any, x: int) -> None:
    return None


def _generator_hook(receiver: Any, x: int) -> Iterator[None]:
    yield


class _ContextHook:
    """A context-manager class hook: constructed with the slot's arguments, entered, exited."""

    __slots__ = ()

    def __init__(self, receiver: Any, x: int) -> None:
        pass

    def __enter__(self) -> _ContextHook:
        return self

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> None:
        return None


_FUNCTION_HOOKS = (_function_hook_1, _function_hook_2, _function_hook_3)


def _callbacks(kinds: tuple[str, ...]) -> list[tuple[str, Any]]:
    """``(kind, callback)`` for each hook kind, function hooks taken in order."""
    functions = iter(_FUNCTION_HOOKS)
    callbacks: list[tuple[str, Any]] = []
    for kind in kinds:
        if kind == "function":
            callbacks.append((kind, next(functions)))
        elif kind == "generator":
            callbacks.append((kind, _generator_hook))
        else:
            callbacks.append((kind, _ContextHook))
    return callbacks


def _expected_runs(kinds: tuple[str, ...]) -> dict[str, tuple[CodeType, int]]:
    """What one call runs, per hook: label -> (code, number of 'call' profile events)."""
    runs: dict[str, tuple[CodeType, int]] = {}
    for kind, callback in _callbacks(kinds):
        if kind == "function":
            runs[callback.__name__] = (callback.__code__, 1)
        elif kind == "generator":
            runs["_generator_hook"] = (_generator_hook.__code__, 2)  # started, then resumed once
        else:
            for method in ("__init__", "__enter__", "__exit__"):
                runs[f"_ContextHook.{method}"] = (getattr(_ContextHook, method).__code__, 1)
    return runs


# --- the case ---


@dataclass
class Case:
    """One scenario x implementation, ready to time.

    Attributes:
        scenario: the scenario name.
        implementation: the implementation name.
        stmt: Python statement(s) assigning ``result``; timed inline with ``namespace`` as globals.
        namespace: the globals ``stmt`` runs in.
        expected: what ``result`` must be.
        must_run: label -> (code object, exact number of 'call' profile events in one call).
        must_not_run: label -> code object that must not run (disabled hooks).
        func: ``stmt`` as a zero-argument function returning ``result`` (built from the above).
    """

    scenario: str
    implementation: str
    stmt: str
    namespace: dict[str, Any]
    expected: Any
    must_run: dict[str, tuple[CodeType, int]] = field(default_factory=dict)
    must_not_run: dict[str, CodeType] = field(default_factory=dict)
    func: Callable[[], Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        source = "def _case():\n" + textwrap.indent(self.stmt, "    ") + "\n    return result\n"
        exec(compile(source, f"<{self.scenario}/{self.implementation}>", "exec"), self.namespace)
        self.func = self.namespace.pop("_case")

    def check(self) -> dict[str, int]:
        """Call once, counting hook code runs with a profiler; assert result and counts.

        Returns:
            label -> number of 'call' events seen, for every watched code object.

        Raises:
            AssertionError: wrong result, a hook that did not run (or ran too often), or a disabled
                hook that ran.
        """
        watched = {code: label for label, (code, _) in self.must_run.items()}
        watched.update({code: label for label, code in self.must_not_run.items()})
        counts: Counter[str] = Counter()

        def profiler(frame: FrameType, event: str, arg: Any) -> None:
            if event == "call" and frame.f_code in watched:
                counts[watched[frame.f_code]] += 1

        previous = sys.getprofile()
        sys.setprofile(profiler)
        try:
            result = self.func()
        finally:
            sys.setprofile(previous)
        where = f"{self.scenario}/{self.implementation}"
        assert result == self.expected, f"{where}: returned {result!r}, expected {self.expected!r}"
        for label, (_, times) in self.must_run.items():
            assert counts[label] == times, f"{where}: {label} ran {counts[label]} times, expected {times}"
        for label in self.must_not_run:
            assert counts[label] == 0, f"{where}: {label} ran {counts[label]} times, expected 0"
        return {label: counts[label] for label in watched.values()}


# --- classes: one factory per receiver shape, used with and without hooks ---


def _identity(value: Any) -> Any:
    return value


def _noting(codes: dict[str, CodeType], label: str) -> Callable[[Any], Any]:
    """A decorator recording a function's code object under ``label`` (for ``Case.must_run``)."""

    def note(function: Any) -> Any:
        codes[label] = function.__code__
        return function

    return note


def _method_class(
    slot: Callable[[Any], Any], support: Callable[[Any], Any], codes: dict[str, CodeType]
) -> Any:
    @support
    class Calculator:
        @slot
        @_noting(codes, "method")
        def m(self, x: int) -> int:
            return x + 1

    return Calculator


def _classmethod_class(
    slot: Callable[[Any], Any], support: Callable[[Any], Any], codes: dict[str, CodeType]
) -> Any:
    @support
    class Calculator:
        @slot
        @classmethod
        @_noting(codes, "method")
        def m(cls, x: int) -> int:
            return x + 2

    return Calculator


def _deep_classes(
    slot: Callable[[Any], Any], support: Callable[[Any], Any], codes: dict[str, CodeType]
) -> tuple[Any, Any, Any]:
    @support
    class Base:
        @slot
        @_noting(codes, "Base.m")
        def m(self, x: int) -> int:
            return x + 1

    class Mid(Base):  # inherits the slot (@support_hooks on a class without @slot is an error)
        pass

    @support
    class Leaf(Mid):
        @slot
        @_noting(codes, "Leaf.m")
        def m(self, x: int) -> int:
            return super().m(x)  # type: ignore[no-any-return]

    return Base, Mid, Leaf


_EXPECTED = {"method": 2, "classmethod": 3, "deep": 2, "held": 2}


def _receiver(
    shape: str, slot: Callable[[Any], Any], support: Callable[[Any], Any]
) -> tuple[str, str, tuple[Any, ...], dict[str, Any], dict[str, CodeType]]:
    """Build the classes (no hook bound yet).

    Returns:
        (receiver's name in stmt, the slot call in stmt, classes to bind on, namespace, codes).
    """
    codes: dict[str, CodeType] = {}
    if shape in ("method", "held"):
        cls = _method_class(slot, support, codes)
        receiver = cls()
        if shape == "held":  # taken now, before any hook is bound: a callback kept since start-up
            return "obj", "held(1)", (cls,), {"obj": receiver, "held": receiver.m}, codes
        return "obj", "obj.m(1)", (cls,), {"obj": receiver}, codes
    if shape == "classmethod":
        cls = _classmethod_class(slot, support, codes)
        return "cls", "cls.m(1)", (cls,), {"cls": cls}, codes
    classes = _deep_classes(slot, support, codes)
    return "obj", "obj.m(1)", classes, {"obj": classes[-1]()}, codes


def _method_runs(codes: dict[str, CodeType]) -> dict[str, tuple[CodeType, int]]:
    return {label: (code, 1) for label, code in codes.items()}


# --- builders per implementation ---


def _build_plain(scenario: str) -> Case:
    shape, _, _ = _SPECS[scenario]
    _, call, _, namespace, codes = _receiver(shape, _identity, _identity)
    return Case(scenario, "plain", f"result = {call}", namespace, _EXPECTED[shape], _method_runs(codes))


def _build_hand(scenario: str) -> Case:
    shape, kinds, state = _SPECS[scenario]
    name, call, _, namespace, codes = _receiver(shape, _identity, _identity)
    if state != "enabled":
        kinds = ()  # nothing would run: the hand-written equivalent is the plain call
    before: list[str] = []
    after_generators: list[str] = []
    after_contexts: list[str] = []
    for number, (kind, callback) in enumerate(_callbacks(kinds), 1):
        hook_name = f"hook_{number}"
        namespace[hook_name] = callback
        if kind == "function":
            before.append(f"{hook_name}({name}, 1)")
        elif kind == "generator":
            before += [f"gen_{number} = {hook_name}({name}, 1)", f"next(gen_{number})"]
            after_generators += [f"try:\n    next(gen_{number})\nexcept StopIteration:\n    pass"]
        else:
            before += [f"cm_{number} = {hook_name}({name}, 1)", f"cm_{number}.__enter__()"]
            after_contexts.insert(0, f"cm_{number}.__exit__(None, None, None)")
    stmt = "\n".join([*before, f"result = {call}", *after_generators, *after_contexts])
    return Case(
        scenario, "hand", stmt, namespace, _EXPECTED[shape], {**_expected_runs(kinds), **_method_runs(codes)}
    )


@contextlib.contextmanager
def _hookfast_backend(implementation: str) -> Iterator[ModuleType]:
    """Yield the hookfast API with slots defined inside the block using backend ``implementation``."""
    import hookfast
    from hookfast import _dispatch

    if implementation not in _dispatch.available():
        reason = f" ({_dispatch._compiled_error})" if _dispatch._compiled_error is not None else ""
        raise Unavailable(f"hookfast backend {implementation!r} is not available here{reason}")
    previous = _dispatch.use(implementation)
    try:
        yield hookfast
    finally:
        _dispatch.current = previous


@contextlib.contextmanager
def _onetl_api() -> Iterator[ModuleType]:
    try:
        import onetl.hooks
    except Exception as error:  # ImportError, or onETL's own import-time failures
        raise Unavailable(f"onETL is not importable: {error}") from error
    yield onetl.hooks


def _build_hooked(scenario: str, implementation: str) -> Case:
    shape, kinds, state = _SPECS[scenario]
    api_context = _onetl_api() if implementation == "onetl" else _hookfast_backend(implementation)
    with api_context as api:
        _, call, classes, namespace, codes = _receiver(shape, api.slot, api.support_hooks)
    hooks = []
    for number, (_, callback) in enumerate(_callbacks(kinds)):
        target = classes[number] if shape == "deep" else classes[0]
        hooks.append(target.m.bind(api.hook(callback)))
    runs = _method_runs(codes)
    not_run: dict[str, CodeType] = {}
    if state == "enabled":
        runs.update(_expected_runs(kinds))
    else:
        not_run = {label: code for label, (code, _) in _expected_runs(kinds).items()}
    if state == "disabled":
        for bound in hooks:
            bound.disable()
    elif state == "suspended":
        classes[0].m.suspend_hooks()
    return Case(scenario, implementation, f"result = {call}", namespace, _EXPECTED[shape], runs, not_run)


def _build_pluggy(scenario: str) -> Case:
    shape, kinds, state = _SPECS[scenario]
    if shape != "method" or state not in ("enabled", "never bound"):
        raise Unavailable(f"pluggy has no equivalent of {scenario!r}")
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
    plugins = by_count[len(kinds)]
    runs: dict[str, tuple[CodeType, int]] = {}
    for plugin in plugins:
        manager.register(plugin())
        runs[plugin.__name__] = (plugin.m.__code__, 2 if plugin is Wrapper else 1)
    return Case(scenario, "pluggy", "result = pm.hook.m(x=1)", {"pm": manager}, [], runs)


def build(scenario: str, implementation: str) -> Case:
    """Build the case for ``scenario`` x ``implementation`` (fresh classes and hooks every time).

    Raises:
        KeyError: unknown scenario or implementation.
        Unavailable: the implementation is not installed, or has no equivalent of the scenario.
    """
    if scenario not in _SPECS:
        raise KeyError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    if implementation == "plain":
        return _build_plain(scenario)
    if implementation == "hand":
        return _build_hand(scenario)
    if implementation in ("python", "cython", "onetl"):
        return _build_hooked(scenario, implementation)
    if implementation == "pluggy":
        return _build_pluggy(scenario)
    raise KeyError(f"unknown implementation {implementation!r}; known: {', '.join(IMPLEMENTATIONS)}")
