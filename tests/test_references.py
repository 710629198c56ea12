"""Every reference to a slot dispatches (docs/migrating-from-onetl.md), and ``Cls.method`` is function-like.

Whatever a user holds (``Cls.method``, ``obj.method``, the function in ``Cls.__dict__``, a bound
method kept since before any hook was bound, a ``functools.wraps`` copy's target) runs the hooks
active when it is called. ``Cls.method`` pickles, copies and weak-references like a function,
whatever the hooks' state; ``mock.patch.object`` wins while active and what it restores still
dispatches; a class rebuilt from a decorated one (``@dataclass(slots=True)``) still runs the hooks.
Every test runs on both backends.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
import gc
import inspect
import itertools
import pickle
import sys
import threading
import warnings
import weakref
from typing import Any, Callable
from unittest import mock

import pytest

import hookfast
from hookfast import _dispatch, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

KINDS = ["method", "classmethod", "staticmethod"]


def make_service(kind: str, calls: list[Any]) -> type:
    """A class with one slot ``run(x)`` of the given kind, recording its body's calls."""

    def body(receiver: Any, x: int) -> int:
        calls.append(("body", x))
        return x * 10

    if kind == "method":

        @support_hooks
        class Service:
            @slot
            def run(self, x: int) -> int:
                """Run it."""
                return body(self, x)

    elif kind == "classmethod":

        @support_hooks
        class Service:  # type: ignore[no-redef]
            @slot
            @classmethod
            def run(cls, x: int) -> int:
                """Run it."""
                return body(cls, x)

    else:

        @support_hooks
        class Service:  # type: ignore[no-redef]
            @slot
            @staticmethod
            def run(x: int) -> int:
                """Run it."""
                return body(None, x)

    return Service


def recorder(calls: list[Any], label: str = "hook") -> Any:
    @hook
    def record(*args: Any) -> None:
        calls.append((label, args[-1]))

    return record


def raw_call(service: type, kind: str) -> Callable[[int], Any]:
    """A call of the object in ``Service.__dict__`` itself, taken now."""
    raw = service.__dict__["run"]
    if kind == "method":
        function = raw
        return lambda x: function(service(), x)
    inner = raw.__func__
    if kind == "classmethod":
        return lambda x: inner(service, x)
    return lambda x: inner(x)


# --------------------------------------------------------------------------- references taken early


@pytest.mark.parametrize("kind", KINDS)
def test_references_taken_before_any_hook_run_the_hooks_active_at_call_time(kind: str) -> None:
    calls: list[Any] = []
    Service = make_service(kind, calls)
    instance = Service()

    def through_class(attribute: Any) -> Callable[[int], Any]:
        return (lambda x: attribute(instance, x)) if kind == "method" else attribute

    references = {
        "bound method": instance.run,
        "class attribute": through_class(Service.run),
        "class __dict__ entry": raw_call(Service, kind),
    }
    with hookfast.skip_all_hooks():
        references["taken inside skip_all_hooks"] = through_class(Service.run)
    for name, reference in references.items():
        calls.clear()
        assert reference(1) == 10, name
        assert calls == [("body", 1)], name

    record = Service.run.bind(recorder(calls))
    for name, reference in references.items():
        calls.clear()
        assert reference(2) == 20, name
        assert calls == [("hook", 2), ("body", 2)], name

    record.disable()
    for name, reference in references.items():
        calls.clear()
        assert reference(3) == 30, name
        assert calls == [("body", 3)], name

    with record.skip():
        pass
    record.enable()
    Service.run.suspend_hooks()
    calls.clear()
    assert references["bound method"](4) == 40
    assert calls == [("body", 4)]
    Service.run.resume_hooks()
    for name, reference in references.items():
        calls.clear()
        assert reference(5) == 50, name
        assert calls == [("hook", 5), ("body", 5)], name


def test_reference_taken_while_hooked_keeps_dispatching_after_hooks_change() -> None:
    calls: list[Any] = []
    Service = make_service("method", calls)
    first = Service.run.bind(recorder(calls, "first"))
    taken_while_hooked = Service.run
    bound_while_hooked = Service().run
    first.disable()
    Service.run.bind(recorder(calls, "second"))
    for reference in (lambda x: taken_while_hooked(Service(), x), bound_while_hooked):
        calls.clear()
        assert reference(1) == 10
        assert calls == [("second", 1), ("body", 1)]
    first.enable()
    for hook_ in Service.run.__hooks__:
        hook_.disable()
    calls.clear()
    assert taken_while_hooked(Service(), 2) == 20  # the dispatcher, now without hooks
    assert calls == [("body", 2)]


def test_thread_target_and_weak_method_taken_before_binding() -> None:
    calls: list[Any] = []
    Service = make_service("method", calls)
    instance = Service()
    results: list[int] = []
    target = instance.run
    weak = weakref.WeakMethod(instance.run)
    thread = threading.Thread(target=lambda: results.append(target(7)))

    Service.run.bind(recorder(calls))
    thread.start()
    thread.join(30)
    assert results == [70]
    assert calls == [("hook", 7), ("body", 7)]
    calls.clear()
    method = weak()
    assert method is not None
    assert method(8) == 80
    assert calls == [("hook", 8), ("body", 8)]


def test_callback_registry_filled_at_start_up() -> None:
    """The signal-library pattern: handlers are registered before plugins bind their hooks."""
    calls: list[Any] = []
    Service = make_service("method", calls)
    handlers: list[Callable[[int], int]] = [Service().run, Service.run.__get__(Service())]

    Service.run.bind(recorder(calls))
    assert [handler(1) for handler in handlers] == [10, 10]
    assert calls == [("hook", 1), ("body", 1)] * 2


@pytest.mark.parametrize("kind", KINDS)
def test_functools_wraps_of_parent_slot_in_subclass_runs_parent_hooks(kind: str) -> None:
    """A decorator applied to ``Base.run`` in a subclass copies ``__hooks__``: it is not a super() call."""
    calls: list[Any] = []
    Service = make_service(kind, calls)

    def logged(function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any) -> Any:
            calls.append("logged")
            return function(*args)

        return wrapper

    inner = Service.__dict__["run"]
    if kind == "method":

        class Child(Service):  # type: ignore[valid-type, misc]
            run = logged(inner)

        call = lambda x: Child().run(x)  # noqa: E731
    elif kind == "classmethod":

        class Child(Service):  # type: ignore[valid-type, misc, no-redef]
            run = classmethod(logged(inner.__func__))

        call = lambda x: Child.run(x)  # noqa: E731
    else:

        class Child(Service):  # type: ignore[valid-type, misc, no-redef]
            run = staticmethod(logged(inner.__func__))

        call = lambda x: Child.run(x)  # noqa: E731

    assert Child.run.__hooks__ is Service.run.__hooks__  # what functools.wraps copied
    Service.run.bind(recorder(calls))
    assert call(3) == 30
    assert calls == ["logged", ("hook", 3), ("body", 3)]


# --------------------------------------------------------------------------- function-like Cls.method

_pickled_counter = itertools.count()


def module_level_service(kind: str, calls: list[Any]) -> type:
    """A service reachable by its qualified name in this module, so pickle can find it."""
    name = f"PickledService{next(_pickled_counter)}"

    def run(*args: Any) -> int:
        calls.append(("body", args[-1]))
        return args[-1] * 10  # type: ignore[no-any-return]

    run.__name__, run.__qualname__ = "run", f"{name}.run"
    wrapped = {"method": run, "classmethod": classmethod(run), "staticmethod": staticmethod(run)}[kind]
    service = support_hooks(type(name, (), {"__module__": __name__, "run": slot(wrapped)}))
    globals()[name] = service
    return service


def states(service: type, calls: list[Any]) -> Any:
    """Walk a slot through unhooked, hooked, disabled and suspended states, yielding each name."""
    yield "unhooked"
    record = service.run.bind(recorder(calls))
    yield "hooked"
    record.disable()
    yield "disabled"
    record.enable()
    service.run.suspend_hooks()
    yield "suspended"
    service.run.resume_hooks()
    yield "hooked again"


@pytest.mark.parametrize("kind", KINDS)
def test_class_attribute_pickles_by_reference_in_every_state(kind: str) -> None:
    calls: list[Any] = []
    Service = module_level_service(kind, calls)
    try:
        for state in states(Service, calls):
            attribute = Service.run
            restored = pickle.loads(pickle.dumps(attribute))
            if kind == "classmethod":
                assert restored == attribute, state  # a bound method: equal, not identical
            else:
                assert restored is attribute, state
            calls.clear()
            assert (restored(Service(), 2) if kind == "method" else restored(2)) == 20, state
            hooked = state in ("hooked", "hooked again")
            assert calls == ([("hook", 2)] if hooked else []) + [("body", 2)], state
    finally:
        del globals()[Service.__name__]


def _module_level_job(backend: str) -> type:
    """``Job_<backend>``: a class another process finds by name (it builds its own on import)."""
    name = f"Job_{backend}"

    def run(self: Any, x: int) -> int:
        return x * 2

    def run_static(x: int) -> int:
        return x * 3

    run.__qualname__, run_static.__qualname__ = f"{name}.run", f"{name}.run_static"
    with _dispatch.using(backend):
        namespace = {"__module__": __name__, "run": slot(run), "run_static": slot(staticmethod(run_static))}
        return support_hooks(type(name, (), namespace))


JOBS = {backend: _module_level_job(backend) for backend in _dispatch.available()}
globals().update({job.__name__: job for job in JOBS.values()})


def test_process_pool_runs_slots_submitted_while_hooked(backend: str) -> None:
    """``ProcessPoolExecutor.submit(Job.run, ...)`` pickles the slot: it used to fail while hooked."""
    import concurrent.futures
    import multiprocessing

    Job = JOBS[backend]
    record = Job.run.bind(hook(lambda *args: None))
    Job.run_static.bind(record)
    try:
        context = multiprocessing.get_context("spawn")  # the child imports this module afresh
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            assert pool.submit(Job.run, Job(), 4).result(timeout=120) == 8
            assert pool.submit(Job.run_static, 5).result(timeout=120) == 15
            assert pool.submit(Job().run, 6).result(timeout=120) == 12
    finally:
        record.disable()


def test_bound_method_pickles_with_its_instance() -> None:
    calls: list[Any] = []
    Service = module_level_service("method", calls)
    try:
        for state in states(Service, calls):
            restored = pickle.loads(pickle.dumps(Service().run))
            assert restored(3) == 30, state
    finally:
        del globals()[Service.__name__]


@pytest.mark.parametrize("kind", KINDS)
def test_class_attribute_copies_and_weak_references_in_every_state(kind: str) -> None:
    calls: list[Any] = []
    Service = make_service(kind, calls)
    for state in states(Service, calls):
        attribute = Service.run
        target = attribute.__func__ if kind == "classmethod" else attribute
        assert copy.copy(target) is target, state
        assert copy.deepcopy(target) is target, state
        assert copy.deepcopy([attribute])[0] == attribute, state
        reference = weakref.ref(target)
        assert reference() is target, state
        if kind != "staticmethod":
            receiver = Service if kind == "classmethod" else Service()
            method = weakref.WeakMethod(receiver.run)
            calls.clear()
            assert method()(4) == 40, state  # type: ignore[misc]
            assert ("body", 4) in calls, state


@pytest.mark.parametrize("kind", KINDS)
def test_attributes_set_on_the_slot_are_seen_in_every_state(kind: str) -> None:
    calls: list[Any] = []
    Service = make_service(kind, calls)

    def settable() -> Any:  # a bound method (classmethod) takes no attributes, its function does
        return Service.run.__func__ if kind == "classmethod" else Service.run

    settable().note = "set while unhooked"
    for number, state in enumerate(states(Service, calls)):
        assert Service.run.note == "set while unhooked", state
        setattr(settable(), f"note_{number}", state)
        for earlier in range(number + 1):
            assert hasattr(Service.run, f"note_{earlier}"), state
        if kind == "method":
            assert Service().run.note == "set while unhooked", state
        assert callable(Service.run.bind), state
        assert Service.run.__hooks__.name == "run", state


@pytest.mark.parametrize("kind", KINDS)
def test_attributes_of_a_wrapped_callable_reach_through_the_slot(kind: str) -> None:
    """``@slot @functools.lru_cache``: the cache's own methods work through ``Cls.method``, hooked or not."""
    calls: list[Any] = []
    if kind == "method":

        @support_hooks
        class Service:
            @slot
            @functools.lru_cache(maxsize=None)  # noqa: B019, UP033 - an lru_cache wrapper is the point here
            def run(self, x: int) -> int:
                calls.append(("body", x))
                return x * 10

        call = lambda x: service.run(x)  # noqa: E731
        service = Service()
    elif kind == "classmethod":

        @support_hooks
        class Service:  # type: ignore[no-redef]
            @slot
            @classmethod
            @functools.lru_cache(maxsize=None)  # noqa: UP033 - the lru_cache wrapper is the point
            def run(cls, x: int) -> int:
                calls.append(("body", x))
                return x * 10

        call = lambda x: Service.run(x)  # noqa: E731
    else:

        @support_hooks
        class Service:  # type: ignore[no-redef]
            @slot
            @staticmethod
            @functools.lru_cache(maxsize=None)  # noqa: UP033 - the lru_cache wrapper is the point
            def run(x: int) -> int:
                calls.append(("body", x))
                return x * 10

        call = lambda x: Service.run(x)  # noqa: E731

    Service.run.bind(recorder(calls))
    assert [call(1), call(1)] == [10, 10]
    assert calls == [("hook", 1), ("body", 1), ("hook", 1)]  # the second body call was cached
    assert Service.run.cache_info().hits == 1
    Service.run.cache_clear()
    calls.clear()
    assert call(1) == 10
    assert calls == [("hook", 1), ("body", 1)]
    assert Service.run.cache_parameters() == {"maxsize": None, "typed": False}
    if kind == "method":
        assert service.run.cache_info().currsize == 1  # through the bound method too


def test_methods_of_a_callable_object_slot_reach_through_the_slot() -> None:
    class Counter:
        """A callable object used as a method body: not a function, has methods of its own."""

        def __init__(self) -> None:
            self.__name__ = "count"
            self.seen: list[int] = []

        def __call__(self, x: int) -> int:
            self.seen.append(x)
            return len(self.seen)

        def reset(self) -> str:
            self.seen.clear()
            return "reset"

    counter = Counter()

    @support_hooks
    class Service:
        count = slot(staticmethod(counter))

    calls: list[Any] = []
    Service.count.bind(recorder(calls))
    assert Service.count(5) == 1
    assert calls == [("hook", 5)]
    assert Service.count.reset() == "reset"
    assert Service.count.seen == []
    assert Service.count.__name__ == "count"
    # function-like as on the compiled backend: copies as itself, takes weak references
    assert copy.copy(Service.count) is Service.count
    assert weakref.ref(Service.count)() is Service.count


@pytest.mark.parametrize("kind", KINDS)
def test_introspection_is_the_same_in_every_state(kind: str) -> None:
    calls: list[Any] = []
    Service = make_service(kind, calls)
    expected = None
    held = Service.__dict__["run"]
    held_function = held if kind == "method" else held.__func__
    for state in states(Service, calls):
        attribute = Service.run
        function = attribute.__func__ if kind == "classmethod" else attribute
        seen = (
            inspect.isfunction(function),
            str(inspect.signature(attribute)),
            attribute.__name__,
            attribute.__qualname__,
            attribute.__doc__,
            attribute.__module__,
            # not of `function`: the pure-Python dispatcher's code is hookfast's
            # (docs/migrating-from-onetl.md)
            inspect.getsourcefile(held_function),
            "def run" in inspect.getsource(function),
        )
        if expected is None:
            expected = seen
            assert seen[0] is True
            assert seen[1] == ("(self, x: 'int') -> 'int'" if kind == "method" else "(x: 'int') -> 'int'")
            assert seen[6] == __file__ and seen[7] is True
        assert seen == expected, state


def test_generator_coroutine_and_async_generator_slots_through_held_references() -> None:
    """The trampoline is of the function's kind (Python 3.13 deprecates assigning another kind):
    a held reference returns a generator / coroutine / async generator that calls the dispatcher,
    and so runs the hooks, when it first runs; values, send(), asend() and aclose() pass through.
    """
    log: list[Any] = []

    @support_hooks
    class Service:
        @slot
        def numbers(self, n: int) -> Any:
            for number in range(n):
                log.append(("numbers got", (yield number)))
            return "numbers done"

        @slot
        async def double(self, x: int) -> int:
            await asyncio.sleep(0)
            return x * 2

        @slot
        async def stream(self, n: int) -> Any:
            try:
                for number in range(n):
                    log.append(("stream got", (yield number)))
            finally:
                log.append("stream finally")

    service = Service()
    numbers, double, stream = service.numbers, service.double, service.stream
    functions = {name: Service.__dict__[name] for name in ("numbers", "double", "stream")}
    for name in functions:
        getattr(Service, name).bind(hook(lambda self, n, _name=name: log.append(("hook", _name))))

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Assigning a code object of non-matching type"
        Service.numbers.__hooks__.hooks[0].disable()
        Service.numbers.__hooks__.hooks[0].enable()
    assert inspect.isgeneratorfunction(functions["numbers"])
    assert inspect.iscoroutinefunction(functions["double"])
    assert inspect.isasyncgenfunction(functions["stream"])

    generator = numbers(3)
    assert log == []  # the hooks run when the generator starts
    assert next(generator) == 0
    assert generator.send("a") == 1
    assert generator.send("b") == 2
    with pytest.raises(StopIteration) as stop:
        generator.send("c")
    assert stop.value.value == "numbers done"
    assert asyncio.run(double(5)) == 10

    async def consume() -> Any:
        stream_ = stream(3)
        first = [await stream_.__anext__(), await stream_.asend("x")]
        await stream_.aclose()
        return first, [value async for value in stream(2)]

    assert asyncio.run(consume()) == ([0, 1], [0, 1])
    assert log == [
        ("hook", "numbers"),
        ("numbers got", "a"),
        ("numbers got", "b"),
        ("numbers got", "c"),
        ("hook", "double"),
        ("hook", "stream"),
        ("stream got", "x"),
        "stream finally",
        ("hook", "stream"),
        ("stream got", None),
        ("stream got", None),
        "stream finally",
    ]


def test_async_slot_stays_a_coroutine_function() -> None:
    @support_hooks
    class Client:
        @slot
        async def fetch(self) -> int:
            return 1

    function = Client.__dict__["fetch"]
    assert inspect.iscoroutinefunction(Client.fetch)
    record = Client.fetch.bind(hook(lambda self: None))
    assert inspect.iscoroutinefunction(function)  # its trampoline is a coroutine function too
    if sys.version_info >= (3, 12):  # the dispatcher is marked with inspect.markcoroutinefunction
        assert inspect.iscoroutinefunction(Client.fetch)
    record.disable()
    assert inspect.iscoroutinefunction(Client.fetch)
    assert inspect.iscoroutinefunction(function)


def test_swapped_code_is_hashable_and_comparable() -> None:
    """Profilers, coverage tools and debuggers key dicts by code objects (whose hash covers constants)."""
    calls: list[Any] = []
    Service = make_service("method", calls)
    function = Service.__dict__["run"]
    seen = {function.__code__: "unhooked"}
    Service.run.bind(recorder(calls))
    assert function.__code__ not in seen  # the trampoline now, and it hashes
    seen[function.__code__] = "hooked"
    assert function.__code__ == function.__code__
    assert len(seen) == 2


def test_traceback_through_a_held_reference_names_the_slot() -> None:
    @support_hooks
    class Service:
        @slot
        def run(self) -> None:
            raise ValueError("inside")

    held = Service().run
    Service.run.bind(hook(lambda self: None))
    with pytest.raises(ValueError, match="inside") as info:
        held()
    frames = [(entry.name, str(entry.path)) for entry in info.traceback]
    # the slot's own frame, the body inside it when the hooks run inline; otherwise the frame of
    # the code calling the hooks (named like the slot, in the slot's file), then the body's
    expected = 1 if Service.run.__hooks__.call_path == "inline" else 2
    assert frames.count(("run", __file__)) == expected, frames
    assert all("hookfast slot" not in path for _, path in frames)


# --------------------------------------------------------------------------- mock.patch.object


@pytest.mark.parametrize("hooked_before", [False, True], ids=["unhooked-before", "hooked-before"])
def test_mock_patch_wins_while_active_and_what_it_restores_dispatches(hooked_before: bool) -> None:
    calls: list[Any] = []

    @support_hooks
    class Base:
        @slot
        def run(self, x: int) -> int:
            calls.append(("base body", x))
            return x

    @support_hooks
    class Service(Base):
        @slot
        def run(self, x: int) -> int:
            calls.append(("body", x))
            return x * 10

    early = Service.run.bind(recorder(calls, "early"))
    if not hooked_before:
        early.disable()
    service_run = Service.run  # the slot, kept: `Service.run` is the mock inside the block
    with mock.patch.object(Service, "run", return_value="mocked") as patched:
        assert Service().run(1) == "mocked"
        # every kind of state change while the mock is in place: none may undo it
        late = service_run.bind(recorder(calls, "late"))
        assert Service.__dict__["run"] is patched
        hookfast.stop_all_hooks()
        hookfast.resume_all_hooks()
        Base.run.bind(recorder(calls, "parent"))
        early.enable()
        early.disable()
        Service.suspend_hooks()
        Service.resume_hooks()
        assert Service.__dict__["run"] is patched
        assert Service().run(2) == "mocked"
        assert calls == []
    assert patched.call_count == 2
    calls.clear()
    assert Service().run(3) == 30
    assert calls == [("parent", 3), ("late", 3), ("body", 3)]
    calls.clear()
    late.disable()
    assert Service().run(4) == 40
    assert calls == [("parent", 4), ("body", 4)]


def test_mock_patch_autospec_and_wraps() -> None:
    calls: list[Any] = []
    Service = make_service("method", calls)
    Service.run.bind(recorder(calls))
    with mock.patch.object(Service, "run", autospec=True, return_value=5) as patched:
        assert Service().run(1) == 5
        with pytest.raises(TypeError):
            Service().run()  # autospec kept the signature
    assert patched.call_count == 1
    instance = Service()
    with mock.patch.object(instance, "run", wraps=instance.run) as spy:
        calls.clear()
        assert instance.run(2) == 20
    assert spy.call_count == 1
    assert calls == [("hook", 2), ("body", 2)]


# --------------------------------------------------------------------------- rebuilt classes


def rebuild(cls: type) -> type:
    """What ``dataclass(slots=True)`` and ``attrs`` do: a new class from the old namespace."""
    namespace = {key: value for key, value in cls.__dict__.items() if key not in ("__dict__", "__weakref__")}
    namespace["__slots__"] = ()
    return type(cls)(cls.__name__, cls.__bases__, namespace)


def test_rebuilt_class_runs_hooks_bound_later() -> None:
    calls: list[Any] = []
    Old = make_service("method", calls)
    New = rebuild(Old)
    assert New is not Old and not hasattr(New(), "__dict__")
    New.run.bind(recorder(calls, "bound on New"))
    Old.run.bind(recorder(calls, "bound on Old"))
    assert New().run(1) == 10
    assert calls == [("bound on New", 1), ("bound on Old", 1), ("body", 1)]
    calls.clear()
    New.run.suspend_hooks()
    assert New().run(2) == 20
    assert calls == [("body", 2)]
    New.run.resume_hooks()

    @support_hooks
    class Child(New):  # type: ignore[valid-type, misc]
        @slot
        def run(self, x: int) -> int:
            calls.append(("child body", x))
            return super().run(x) + 1

    Child.run.bind(recorder(calls, "child"))
    calls.clear()
    assert Child().run(3) == 31
    assert calls == [("bound on New", 3), ("bound on Old", 3), ("child", 3), ("child body", 3), ("body", 3)]
    calls.clear()
    hook_bound_after_child = New.run.bind(recorder(calls, "after child"))
    assert Child().run(4) == 41
    assert ("after child", 4) in calls
    hook_bound_after_child.disable()


@pytest.mark.skipif(sys.version_info < (3, 10), reason="dataclass(slots=True) needs Python 3.10")
def test_dataclass_slots_above_support_hooks() -> None:
    calls: list[Any] = []

    @dataclasses.dataclass(slots=True)  # type: ignore[call-overload, misc]
    @support_hooks
    class Point:
        x: int = 1

        @slot
        def scaled(self, factor: int) -> int:
            calls.append(("body", factor))
            return self.x * factor

    assert not hasattr(Point(), "__dict__")
    Point.scaled.bind(recorder(calls))
    assert Point(3).scaled(2) == 6
    assert calls == [("hook", 2), ("body", 2)]
    calls.clear()
    with Point.scaled.skip_hooks():
        assert Point(3).scaled(1) == 3
    assert calls == [("body", 1)]


def test_rebuilt_class_is_collected() -> None:
    calls: list[Any] = []
    record = recorder(calls)

    def make() -> weakref.ref[type]:
        New = rebuild(make_service("method", calls))
        New.run.bind(record)
        assert New().run(1) == 10
        return weakref.ref(New)

    reference = make()
    gc.collect()
    assert reference() is None


# --------------------------------------------------------------------------- @hook on a context-manager class


def test_hook_on_context_manager_class_keeps_its_namespace() -> None:
    @support_hooks
    class Service:
        @slot
        def run(self) -> int:
            return 1

    @Service.run.bind
    @hook
    class Ctx:
        entered = 0
        enabled = "the class's own"
        priority = "the class's own"

        def __init__(self, service: Any) -> None:
            pass

        def __enter__(self) -> None:
            Ctx.entered += 1  # `Ctx` is the hook now: onETL copies the namespace onto it

        def __exit__(self, *exc_info: Any) -> None:
            pass

    assert Service().run() == 1
    assert Service().run() == 1
    assert Ctx.entered == 2
    # what the Hook defines itself is not overwritten by the class's attributes
    assert Ctx.enabled is True
    assert Ctx.priority is hookfast.HookPriority.NORMAL
    Ctx.disable()
    assert Service().run() == 1
    assert Ctx.entered == 2


# --------------------------------------------------------------------------- defaults assigned later


def _defaults_service(calls: list[Any]) -> type:
    @support_hooks
    class Service:
        @slot
        def run(self, x: int, y: int = 1, *, z: int = 10) -> tuple[int, int, int]:
            return (x, y, z)

    return Service


@pytest.mark.parametrize("through", ["function", "__wrapped__"])
@pytest.mark.parametrize("hook_shape", ["mirror", "varargs"])
def test_defaults_assigned_after_decoration_hold_in_every_state(through: str, hook_shape: str) -> None:
    """A change of ``__defaults__`` / ``__kwdefaults__``, made on ``Cls.method`` or through
    ``Cls.method.__wrapped__``, takes effect at once and holds when hooks come and go."""
    calls: list[Any] = []
    Service = _defaults_service(calls)

    def target() -> Any:
        return Service.run if through == "function" else Service.run.__wrapped__

    target().__defaults__ = (2,)
    target().__kwdefaults__ = {"z": 20}
    assert Service().run(0) == (0, 2, 20)

    if hook_shape == "mirror":

        def seen(obj: Any, x: int, y: int = 1, *, z: int = 10) -> None:
            calls.append((x, y, z))
    else:

        def seen(obj: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[misc]
            calls.append((args, kwargs))

    bound = Service.run.bind(hook(seen))
    assert Service().run(0) == (0, 2, 20)
    target().__defaults__ = (3,)
    assert Service().run(0) == (0, 3, 20)
    target().__kwdefaults__ = {"z": 30}
    assert Service().run(0) == (0, 3, 30)
    # the hook gets what the caller passed, its own defaults filling the rest
    assert calls[-1] == ((0, 1, 10) if hook_shape == "mirror" else ((0,), {}))
    Service.run.unbind(bound)
    assert Service().run(0) == (0, 3, 30)
    assert Service.run.__wrapped__(Service(), 0) == (0, 3, 30)  # the body, without hooks
    assert Service.run.__defaults__ == (3,) and Service.run.__wrapped__.__defaults__ == (3,)
