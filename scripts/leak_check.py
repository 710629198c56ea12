"""Leak check: many hooked calls per scenario must not grow memory or any reference count.

Usage::

    python scripts/leak_check.py [--calls 1000000] [--backend cython|python|both] [--scenario NAME ...]

For every scenario and backend: build fresh classes and hooks with that backend, make ~1,000
warm-up calls, time up to 100,000 calls without tracing (ns/call), then, with ``gc.collect()`` before
each reading, measure the memory ``tracemalloc`` traces during ``--calls`` more calls and the
reference counts of the argument, the result, the receiver, the hooks, their callbacks and the
slot's function before and after. Exceptions raised by a call are caught and dropped at once.

Prints one row per scenario and backend; exits 1 if memory grew by more than ``--max-growth``
bytes (default 64 KiB) or any tracked reference count changed, 2 if a backend is not available.
``tests/test_leaks.py`` imports this file and runs the same measurement with fewer calls.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import logging
import os
import sys
import time
import tracemalloc
import warnings
from collections.abc import Iterator
from typing import Any, Callable

try:
    import hookfast  # noqa: F401
except ImportError:  # run from a source checkout without installing: use the checkout
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hookfast import HookPriority, _dispatch, hook, slot, support_hooks

#: bytes of traced memory the measured calls may leave allocated (see tests/test_leaks.py)
DEFAULT_MAX_GROWTH = 64 * 1024
#: Singletons a C-level leak would typically leak a reference to; other code touches them too, so
#: their counts are checked with this tolerance (a per-call leak adds one per call: far more).
SINGLETON_TOLERANCE = 1000


class Payload:
    """A distinct object whose reference count is tracked."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


@dataclasses.dataclass
class Scenario:
    call: Callable[[], Any]
    #: objects whose reference counts must be the same before and after the measured calls
    tracked: dict[str, Any]
    #: the exception each call raises (None: each call returns ``expect_result``)
    expect_error: type[BaseException] | None = None
    expect_result: Any = None


def _hooks(*hooks: Any) -> dict[str, Any]:
    tracked = {}
    for number, bound in enumerate(hooks):
        tracked[f"hook{number}"] = bound
        tracked[f"hook{number}.callback"] = bound.callback
    return tracked


def _method_class() -> tuple[type, Payload]:
    result = Payload("result")

    @support_hooks
    class Service:
        @slot
        def run(self, argument: Any) -> Any:
            return result

    return Service, result


def _tracked(
    cls: type, instance: Any, argument: Any, result: Any, *hooks: Any, name: str = "run"
) -> dict[str, Any]:
    tracked = {
        "argument": argument,
        "result": result,
        "receiver": instance,
        "class": cls,
        "slot function": getattr(cls, name).__hooks__.function,
    }
    tracked.update(_hooks(*hooks))
    return tracked


# --------------------------------------------------------------------------- scenarios


def scenario_no_hooks() -> Scenario:
    cls, result = _method_class()
    instance, argument = cls(), Payload("argument")
    return Scenario(lambda: instance.run(argument), _tracked(cls, instance, argument, result), None, result)


def scenario_function_hooks() -> Scenario:
    cls, result = _method_class()
    first = cls.run.bind(hook(lambda self, argument: None))

    @cls.run.bind
    @hook(priority=HookPriority.LAST)
    def second(self: Any, argument: Any, method_name: str) -> None:
        return None

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, first, second)
    return Scenario(lambda: instance.run(argument), tracked, None, result)


def scenario_value_hooks() -> Scenario:
    cls, result = _method_class()
    value = Payload("value")

    @cls.run.bind
    @hook
    def replace(self: Any, argument: Any) -> Any:
        return value

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, replace)
    tracked["hook value"] = value
    return Scenario(lambda: instance.run(argument), tracked, None, value)


def scenario_generator_hooks() -> Scenario:
    cls, result = _method_class()

    @cls.run.bind
    @hook
    def passthrough(self: Any, argument: Any) -> Any:
        received = yield
        yield received

    @cls.run.bind
    @hook
    def bare(self: Any, argument: Any) -> Any:
        yield

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, passthrough, bare)
    return Scenario(lambda: instance.run(argument), tracked, None, result)


def scenario_context_manager_hooks() -> Scenario:
    cls, result = _method_class()

    @cls.run.bind
    @hook
    class Context:
        def __init__(self, instance: Any, argument: Any) -> None:
            self.argument = argument

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc_info: Any) -> None:
            return None

        def process_result(self, received: Any) -> Any:
            return received

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, Context)
    return Scenario(lambda: instance.run(argument), tracked, None, result)


def _raising_class() -> tuple[type, Payload]:
    result = Payload("result")

    @support_hooks
    class Service:
        @slot
        def run(self, argument: Any) -> Any:
            raise ValueError(argument)

    return Service, result


def scenario_method_raising() -> Scenario:
    cls, result = _raising_class()
    function = cls.run.bind(hook(lambda self, argument: None))

    @cls.run.bind
    @hook
    def generator(self: Any, argument: Any) -> Any:
        yield

    @cls.run.bind
    @hook
    class Context:
        def __init__(self, instance: Any, argument: Any) -> None:
            pass

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc_info: Any) -> bool:
            return False

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, function, generator, Context)
    return Scenario(lambda: instance.run(argument), tracked, ValueError)


def scenario_hook_raising() -> Scenario:
    cls, result = _method_class()

    @cls.run.bind
    @hook
    def context(self: Any, argument: Any) -> Any:
        yield

    @cls.run.bind
    @hook
    def failing(self: Any, argument: Any) -> None:
        raise RuntimeError("hook failed")  # logged at ERROR with the traceback, then re-raised

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, context, failing)
    return Scenario(lambda: instance.run(argument), tracked, RuntimeError)


def scenario_process_result_raising() -> Scenario:
    cls, result = _method_class()

    @cls.run.bind
    @hook
    def failing(self: Any, argument: Any) -> Any:
        received = yield
        raise KeyError(received)

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, failing)
    return Scenario(lambda: instance.run(argument), tracked, KeyError)


def scenario_context_suppressing() -> Scenario:
    cls, result = _raising_class()

    @cls.run.bind
    @hook
    class Suppress:
        def __init__(self, instance: Any, argument: Any) -> None:
            pass

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc_info: Any) -> bool:
            return True

    @cls.run.bind
    @hook
    def swallow(self: Any, argument: Any) -> Any:
        with contextlib.suppress(ValueError):
            yield

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, Suppress, swallow)
    return Scenario(lambda: instance.run(argument), tracked, None, None)


def scenario_generator_didnt_stop() -> Scenario:
    cls, result = _method_class()

    @cls.run.bind
    @hook
    def too_many(self: Any, argument: Any) -> Any:
        yield
        yield
        yield

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, too_many)
    return Scenario(lambda: instance.run(argument), tracked, RuntimeError)


def scenario_signature_error() -> Scenario:
    cls, result = _method_class()

    @cls.run.bind
    @hook
    def wrong(self: Any) -> None:  # cannot take the argument: SignatureError on every call
        return None

    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, wrong)
    from hookfast import SignatureError

    return Scenario(lambda: instance.run(argument), tracked, SignatureError)


def scenario_super_chain() -> Scenario:
    result = Payload("result")

    @support_hooks
    class Base:
        @slot
        def run(self, argument: Any) -> Any:
            return result

    @support_hooks
    class Middle(Base):
        @slot
        def run(self, argument: Any) -> Any:
            return super().run(argument)

    @support_hooks
    class Leaf(Middle):
        @slot
        def run(self, argument: Any) -> Any:
            return super().run(argument)

    hooks = []
    for level in (Base, Middle, Leaf):

        @level.run.bind
        @hook
        def on_level(self: Any, argument: Any) -> Any:
            yield

        hooks.append(on_level)

    instance, argument = Leaf(), Payload("argument")
    tracked = _tracked(Leaf, instance, argument, result, *hooks)
    tracked["Base.run function"] = Base.run.__hooks__.function
    tracked["Middle.run function"] = Middle.run.__hooks__.function

    def call() -> Any:
        instance.run(argument)
        return Base.run(instance, argument)  # explicit delegation: no hooks

    return Scenario(call, tracked, None, result)


def scenario_held_reference() -> Scenario:
    """A bound method taken before any hook was bound: calls go through the function's trampoline."""
    cls, result = _method_class()
    instance, argument = cls(), Payload("argument")
    held = instance.run

    @cls.run.bind
    @hook
    def around(self: Any, argument: Any) -> Any:
        yield

    tracked = _tracked(cls, instance, argument, result, around)
    return Scenario(lambda: held(argument), tracked, None, result)


def scenario_plain_override_between_slots() -> Scenario:
    """super() through a plain override: the middle slot's call is recorded as in progress."""
    result = Payload("result")

    @support_hooks
    class Base:
        @slot
        def run(self, argument: Any) -> Any:
            return result

    @support_hooks
    class Middle(Base):
        @slot
        def run(self, argument: Any) -> Any:
            return super().run(argument)

    class Leaf(Middle):
        def run(self, argument: Any) -> Any:
            return super().run(argument)

    first = Base.run.bind(hook(lambda self, argument: None))
    second = Middle.run.bind(hook(lambda self, argument: None))
    instance, argument = Leaf(), Payload("argument")
    tracked = _tracked(Middle, instance, argument, result, first, second)
    tracked["class"] = Leaf
    tracked["Base.run function"] = Base.run.__hooks__.function
    return Scenario(lambda: instance.run(argument), tracked, None, result)


def scenario_classmethod() -> Scenario:
    result = Payload("result")

    @support_hooks
    class Service:
        @slot
        @classmethod
        def run(cls, argument: Any) -> Any:
            return result

    function = Service.run.bind(hook(lambda cls, argument: None))

    @Service.run.bind
    @hook
    def generator(cls: Any, argument: Any) -> Any:
        received = yield
        yield received

    instance, argument = Service(), Payload("argument")
    tracked = _tracked(Service, instance, argument, result, function, generator)

    def call() -> Any:
        Service.run(argument)
        return instance.run(argument)

    return Scenario(call, tracked, None, result)


def scenario_staticmethod() -> Scenario:
    result = Payload("result")

    @support_hooks
    class Service:
        @slot
        @staticmethod
        def run(argument: Any) -> Any:
            return result

    @Service.run.bind
    @hook
    def named(argument: Any, method_name: str) -> None:
        return None

    @Service.run.bind
    @hook
    class Context:
        def __init__(self, argument: Any) -> None:
            pass

        def __enter__(self) -> Any:
            return self

        def __exit__(self, *exc_info: Any) -> None:
            return None

    instance, argument = Service(), Payload("argument")
    tracked = _tracked(Service, instance, argument, result, named, Context)

    def call() -> Any:
        Service.run(argument)
        return instance.run(argument=argument)

    return Scenario(call, tracked, None, result)


def scenario_state_toggling() -> Scenario:
    cls, result = _method_class()
    toggled = cls.run.bind(hook(lambda self, argument: None))
    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, toggled)

    def call() -> Any:
        with toggled.skip():
            instance.run(argument)
        return instance.run(argument)

    return Scenario(call, tracked, None, result)


def scenario_runner() -> Scenario:
    """hookfast.runner: call_hook at mmcv's points and at an own point, with an argument."""
    from hookfast.runner import Hook, HookRunner

    class Points(Hook, base=True):
        def on_batch(self, runner: Any, batch: Any) -> None:
            pass

    class Counting(Points):
        def after_iter(self, runner: Any) -> None:
            return None

        def on_batch(self, runner: Any, batch: Any) -> None:
            return None

    class Idle(Hook):
        pass

    class Runner(HookRunner):
        pass

    runner, argument = Runner(), Payload("argument")
    first, second, idle = Counting(), Counting(), Idle()
    runner.register_hook(first, "HIGH")
    runner.register_hook(idle)
    runner.register_hook(second, priority=70)
    tracked = {"argument": argument, "runner": runner, "hook0": first, "hook1": second, "hook2": idle}

    def call() -> Any:
        runner.call_hook("after_train_iter")
        runner.call_hook("on_batch", argument)
        runner.call_hook("before_run")
        return None

    return Scenario(call, tracked, None, None)


def scenario_async_hooks() -> Scenario:
    """An async slot with a sync, an async def, an async generator and an async context-manager hook."""
    result = Payload("result")

    @support_hooks
    class Service:
        @slot
        async def run(self, argument: Any) -> Any:
            return result

    def sync_hook(self: Any, argument: Any) -> None:
        return None

    async def async_hook(self: Any, argument: Any) -> None:
        return None

    async def async_generator(self: Any, argument: Any) -> Any:
        received = yield
        yield received

    class AsyncContext:
        def __init__(self, obj: Any, argument: Any) -> None:
            pass

        async def __aenter__(self) -> Any:
            return self

        async def __aexit__(self, *exc_info: Any) -> None:
            return None

    bound = [
        Service.run.bind(hook(callback))
        for callback in (sync_hook, async_hook, async_generator, AsyncContext)
    ]
    instance, argument = Service(), Payload("argument")
    tracked = _tracked(Service, instance, argument, result, *bound)

    def call() -> Any:
        coroutine = instance.run(argument)
        try:
            coroutine.send(None)
        except StopIteration as stop:
            return stop.value
        raise AssertionError("the coroutine suspended")

    return Scenario(call, tracked, None, result)


def scenario_scoped_skip_and_trace() -> Scenario:
    """A scoped skip block and a trace() block around hooked calls, per call."""
    import hookfast

    cls, result = _method_class()
    kept = cls.run.bind(hook(lambda self, argument: None))
    skipped = cls.run.bind(hook(lambda self, argument: None))
    instance, argument = cls(), Payload("argument")
    tracked = _tracked(cls, instance, argument, result, kept, skipped)

    def call() -> Any:
        with skipped.skip(local=True):
            instance.run(argument)
        with hookfast.trace() as calls:
            instance.run(argument)
        assert len(calls) == 1
        return instance.run(argument)

    return Scenario(call, tracked, None, result)


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "no hooks": scenario_no_hooks,
    "function hooks": scenario_function_hooks,
    "value-returning hook": scenario_value_hooks,
    "generator hooks": scenario_generator_hooks,
    "CM with process_result": scenario_context_manager_hooks,
    "method raising": scenario_method_raising,
    "hook raising": scenario_hook_raising,
    "process_result raising": scenario_process_result_raising,
    "context suppressing": scenario_context_suppressing,
    "generator didn't stop": scenario_generator_didnt_stop,
    "SignatureError": scenario_signature_error,
    "super() chain": scenario_super_chain,
    "held reference": scenario_held_reference,
    "plain override between slots": scenario_plain_override_between_slots,
    "classmethod": scenario_classmethod,
    "staticmethod": scenario_staticmethod,
    "hook skip() per call": scenario_state_toggling,
    "runner call_hook": scenario_runner,
    "async hooks": scenario_async_hooks,
    "scoped skip and trace()": scenario_scoped_skip_and_trace,
}


# --------------------------------------------------------------------------- measuring


def run_calls(call: Callable[[], Any], count: int) -> None:
    for _ in range(count):
        # try/except/pass rather than contextlib.suppress: cheapest, and the exception and its
        # traceback are dropped at the end of each iteration
        try:  # noqa: SIM105
            call()
        except Exception:
            pass


@contextlib.contextmanager
def quiet_hookfast_logs() -> Iterator[None]:
    """Send hookfast's ERROR records (hook failures) to a handler that drops them, then restore."""
    logger = logging.getLogger("hookfast")
    handler = logging.NullHandler()
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved


@dataclasses.dataclass
class Measurement:
    scenario: str
    backend: str
    calls: int
    memory_growth: int
    refcount_deltas: dict[str, int]
    singleton_deltas: dict[str, int]
    ns_per_call: float

    def failures(self, max_growth: int = DEFAULT_MAX_GROWTH) -> list[str]:
        problems = []
        if self.memory_growth > max_growth:
            problems.append(f"traced memory grew by {self.memory_growth} bytes (limit {max_growth})")
        problems += [
            f"refcount of {name} changed by {delta:+d}"
            for name, delta in self.refcount_deltas.items()
            if delta
        ]
        problems += [
            f"refcount of {name} changed by {delta:+d}"
            for name, delta in self.singleton_deltas.items()
            if abs(delta) > SINGLETON_TOLERANCE
        ]
        return problems


def _refcounts(objects: dict[str, Any]) -> dict[str, int]:
    return {name: sys.getrefcount(value) for name, value in objects.items()}


def build(name: str, backend: str) -> Scenario:
    with _dispatch.using(backend):
        return SCENARIOS[name]()


def check_behaviour(scenario: Scenario) -> None:
    """One call does what the scenario says (so the loop measures the intended path)."""
    try:
        outcome = scenario.call()
    except Exception as error:
        if scenario.expect_error is None or not isinstance(error, scenario.expect_error):
            raise AssertionError(f"unexpected {type(error).__name__}: {error}") from error
        return
    if scenario.expect_error is not None:
        raise AssertionError(f"expected {scenario.expect_error.__name__}, the call returned {outcome!r}")
    if outcome is not scenario.expect_result:
        raise AssertionError(f"expected {scenario.expect_result!r}, the call returned {outcome!r}")


def measure(
    name: str, backend: str, calls: int, warmup: int = 1000, timing_calls: int | None = None
) -> Measurement:
    """Warm up, time ``timing_calls`` calls, then trace memory and reference counts over ``calls`` calls."""
    scenario = build(name, backend)
    with quiet_hookfast_logs():
        check_behaviour(scenario)
        run_calls(scenario.call, warmup)
        timing_calls = min(calls, 100_000) if timing_calls is None else timing_calls
        started = time.perf_counter_ns()
        run_calls(scenario.call, timing_calls)
        elapsed = time.perf_counter_ns() - started
        singletons = {"None": None, "True": True, "False": False}
        gc.collect()
        refs_before = _refcounts(scenario.tracked)
        singletons_before = _refcounts(singletons)
        tracemalloc.start()
        try:
            gc.collect()
            traced_before = tracemalloc.get_traced_memory()[0]
            run_calls(scenario.call, calls)
            gc.collect()
            traced_after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        refs_after = _refcounts(scenario.tracked)
        singletons_after = _refcounts(singletons)
    return Measurement(
        scenario=name,
        backend=backend,
        calls=calls,
        memory_growth=traced_after - traced_before,
        refcount_deltas={key: refs_after[key] - refs_before[key] for key in refs_before},
        singleton_deltas={key: singletons_after[key] - singletons_before[key] for key in singletons_before},
        ns_per_call=elapsed / max(timing_calls, 1),
    )


class _Marker:
    pass


def _clear_type_cache() -> None:
    """Empty CPython's type-attribute cache, which keeps the names of recent look-ups alive."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # sys._clear_type_cache on 3.13+
        clear = getattr(sys, "_clear_internal_caches", None) or getattr(sys, "_clear_type_cache", None)
        if clear is not None:
            clear()


def measure_class_collection(backend: str, classes: int = 1000) -> Measurement:
    """Define, hook, call and drop ``classes`` ``@support_hooks`` classes: all must be collected.

    Each class has a slot of its own name (``run_0``, ``run_1``, ...), a hook of its own and the
    one long-lived hook that every class binds too, and is called through a reference taken
    before any hook was bound (the trampoline path) and through the class. Reported as a row like
    the others: memory growth (which covers the registry's per-name sets and the long-lived hook's
    list of slots: both must be pruned as classes go), and as "refcount deltas" the number of
    classes still alive after ``gc.collect()`` (the one defined before the measurement included)
    and the change in the argument's and the long-lived hook's reference counts. As many classes
    (at most 5,000) are defined and dropped before the measured ones, to warm caches up.
    """
    marker = _Marker()
    argument = Payload("argument")
    warmup = min(classes, 5000)
    # A new slot name for every class, made (and interned) up front: the registry must forget each
    # name with its last class, and CPython's interned-string table must not grow meanwhile.
    names = iter([sys.intern(f"run_{number}") for number in range(1 + warmup + classes)])

    @hook
    def long_lived_hook(self: Any, argument: Any) -> None:
        return None

    previous = _dispatch.use(backend)
    try:

        def define() -> None:
            name = next(names)

            def run(self: Any, argument: Any) -> Any:
                return argument

            run.__name__ = run.__qualname__ = name
            Temporary = support_hooks(type("Temporary", (), {"_leak_check_marker": marker, name: slot(run)}))
            held = getattr(Temporary(), name)

            @getattr(Temporary, name).bind
            @hook
            def temporary_hook(self: Any, argument: Any) -> Any:
                yield

            getattr(Temporary, name).bind(long_lived_hook)
            held(argument)
            getattr(Temporary(), name)(argument)

        define()
        gc.collect()
        argument_refs = sys.getrefcount(argument)
        hook_refs = sys.getrefcount(long_lived_hook)
        started = time.perf_counter_ns()
        tracemalloc.start()
        try:
            # Warm-up, traced: CPython's own tables that churn with classes (a base's subclass
            # list, the interned names) reallocate now and then, and a table allocated before
            # tracing would count in full when replaced. CPython's type-attribute cache keeps the
            # names of up to 4,096 recent look-ups alive: it is emptied before each reading.
            for _ in range(warmup):
                define()
            _clear_type_cache()
            gc.collect()
            traced_before = tracemalloc.get_traced_memory()[0]
            for _ in range(classes):
                define()
            _clear_type_cache()
            gc.collect()
            traced_after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        elapsed = time.perf_counter_ns() - started
        alive = sum(
            1
            for obj in gc.get_objects()
            if isinstance(obj, type) and obj.__dict__.get("_leak_check_marker") is marker
        )
        argument_delta = sys.getrefcount(argument) - argument_refs
        hook_delta = sys.getrefcount(long_lived_hook) - hook_refs
    finally:
        _dispatch.use(previous)
    return Measurement(
        scenario=f"{classes:,} classes dropped",
        backend=backend,
        calls=classes,
        memory_growth=traced_after - traced_before,
        refcount_deltas={
            "classes still alive": alive,
            "argument": argument_delta,
            "long-lived hook": hook_delta,
        },
        singleton_deltas={},
        ns_per_call=elapsed / max(classes, 1),
    )


def _row(result: Measurement, max_growth: int) -> tuple[str, list[str]]:
    worst = max((abs(delta) for delta in result.refcount_deltas.values()), default=0)
    singles = "/".join(f"{delta:+d}" for delta in result.singleton_deltas.values()) or "-"
    problems = result.failures(max_growth)
    line = (
        f"{result.scenario:<24} {result.backend:<7} {result.memory_growth:>9,} {worst:>20} {singles:>16} "
        f"{result.ns_per_call:>9,.0f}{'  LEAK' if problems else ''}"
    )
    return line, [f"{result.scenario} [{result.backend}]: {problem}" for problem in problems]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--calls", type=int, default=1_000_000, help="measured calls per scenario (default 10**6)"
    )
    parser.add_argument("--backend", choices=("cython", "python", "both"), default="both")
    parser.add_argument(
        "--scenario", action="append", choices=sorted(SCENARIOS), help="only these (repeatable)"
    )
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument(
        "--timing-calls",
        type=int,
        default=None,
        help="untraced calls timed for ns/call (default: --calls, at most 100,000)",
    )
    parser.add_argument("--max-growth", type=int, default=DEFAULT_MAX_GROWTH, help="bytes (default 65536)")
    parser.add_argument(
        "--classes", type=int, default=1000, help="@support_hooks classes defined and dropped (0: skip)"
    )
    options = parser.parse_args(argv)

    available = _dispatch.available()
    backends = ["cython", "python"] if options.backend == "both" else [options.backend]
    missing = [name for name in backends if name not in available]
    if missing:
        print(
            f"backend(s) not available: {', '.join(missing)} (available: {', '.join(available)})",
            file=sys.stderr,
        )
        return 2

    names = options.scenario or list(SCENARIOS)
    print(
        f"{options.calls:,} calls per scenario, warm-up {options.warmup:,}; Python {sys.version.split()[0]}"
    )
    header = (
        f"{'scenario':<24} {'backend':<7} {'growth B':>9} {'max |refcount delta|':>20} "
        f"{'None/True/False':>16} {'ns/call':>9}"
    )
    print(header)
    print("-" * len(header))
    failed = []
    for name in names:
        for backend in backends:
            line, problems = _row(
                measure(name, backend, options.calls, options.warmup, options.timing_calls),
                options.max_growth,
            )
            print(line, flush=True)
            failed += problems
    if options.classes:
        for backend in backends:
            line, problems = _row(measure_class_collection(backend, options.classes), options.max_growth)
            print(line, flush=True)
            failed += problems
    if failed:
        print("\nFAILED:\n  " + "\n  ".join(failed))
        return 1
    print(f"\nOK: no growth above {options.max_growth:,} bytes, no reference count changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
