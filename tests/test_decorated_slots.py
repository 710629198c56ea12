"""Decorators above ``@slot``, and wrappers of a parent's slot in a subclass.

``@log_calls @slot def run`` (a decorator written with ``functools.wraps``): ``Cls.run.bind`` and
the rest of the slot API reach the slot through the wrapper, and a hooked call runs the hooks,
then the decorator, then the body, once each, as onETL does (the wrapper is the function that
dispatches). An async slot under a sync decorator is the exception: its hooks run when the
coroutine runs, after the decorator. A subclass attribute
that wraps the parent's slot (``@functools.wraps(Base.run) def run``, ``run = retry(Base.run)``)
is a plain override, with or without ``@support_hooks`` on the subclass. Every test runs on both
backends.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import threading
from typing import Any, Callable

import pytest

import hookfast
from hookfast import hook, hooks_for, skip_all_hooks, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

KINDS = ["method", "classmethod", "staticmethod"]


def logging_decorator(log: list[Any], label: str = "decorator") -> Callable[[Any], Any]:
    """A decorator written the usual way, with functools.wraps."""

    def decorate(function: Any) -> Any:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            log.append(label)
            return function(*args, **kwargs)

        return wrapper

    return decorate


def recorder(log: list[Any], label: str = "hook") -> Any:
    @hook
    def record(*args: Any) -> None:
        log.append(label)

    record.__name__ = record.__qualname__ = label
    return record


def make_service(kind: str, log: list[Any]) -> tuple[type, Callable[[int], Any]]:
    """``Service.run(x)`` of the given kind under a logging decorator; and how to call it."""
    logged = logging_decorator(log)
    if kind == "method":

        @support_hooks
        class Service:
            @logged
            @slot
            def run(self, x: int) -> int:
                """Run it."""
                log.append("body")
                return x * 10

        return Service, lambda x: Service().run(x)
    if kind == "classmethod":

        @support_hooks
        class Service:  # type: ignore[no-redef]
            @classmethod
            @logged
            @slot
            def run(cls, x: int) -> int:
                """Run it."""
                log.append("body")
                return x * 10

        return Service, lambda x: Service.run(x)

    @support_hooks
    class Service:  # type: ignore[no-redef]
        @staticmethod
        @logged
        @slot
        def run(x: int) -> int:
            """Run it."""
            log.append("body")
            return x * 10

    return Service, lambda x: Service.run(x)


def raw(Service: type) -> Any:
    """What the class itself holds under ``run``, unwrapped from a classmethod / staticmethod."""
    value = Service.__dict__["run"]
    return value.__func__ if isinstance(value, (classmethod, staticmethod)) else value


# --------------------------------------------------------------------------- decorators above @slot


@pytest.mark.parametrize("kind", KINDS)
def test_a_decorator_above_slot_runs_hooks_decorator_and_body_once_each(kind: str) -> None:
    log: list[Any] = []
    Service, call = make_service(kind, log)
    wrapper = raw(Service)
    assert call(1) == 10
    assert log == ["decorator", "body"]

    bound = Service.run.bind(recorder(log))  # reaches the slot through the decorator's wrapper
    log.clear()
    assert call(2) == 20
    assert log == ["hook", "decorator", "body"]
    assert Service.run.__hooks__.function is wrapper  # the decorator's wrapper dispatches

    bound.disable()
    log.clear()
    assert call(3) == 30
    assert log == ["decorator", "body"]
    assert raw(Service) is wrapper


def test_stacked_decorators_each_carry_the_slot_api() -> None:
    log: list[Any] = []

    @support_hooks
    class Service:
        @logging_decorator(log, "outer")
        @logging_decorator(log, "inner")
        @slot
        def run(self) -> str:
            log.append("body")
            return "done"

    outer = Service.__dict__["run"]
    inner = outer.__wrapped__
    assert outer.bind == inner.bind == inner.__wrapped__.bind
    inner.bind(recorder(log))
    assert Service().run() == "done"
    assert log == ["hook", "outer", "inner", "body"]


def test_the_slot_api_and_introspection_work_through_the_decorator() -> None:
    log: list[Any] = []
    Service, call = make_service("method", log)
    first = Service.run.bind(recorder(log, "first"))
    second = Service.run.bind(recorder(log, "second"))

    assert Service.run.__hooks__ is Service.run.__wrapped__.__hooks__  # the decorated function
    assert list(Service.run.__hooks__) == [first, second]
    assert first.slots == (Service.run,)
    assert hooks_for(Service.run).running == hooks_for(Service, "run").running == (first, second)
    assert Service.run.__name__ == "run" and Service.run.__doc__ == "Run it."

    def ran(x: int = 1) -> list[Any]:
        log.clear()
        call(x)
        return log[:]

    Service.run.suspend_hooks()
    assert ran() == ["decorator", "body"]
    assert [entry.silenced_by for entry in hooks_for(Service.run)] == ["slot", "slot"]
    Service.run.resume_hooks()
    with Service.run.skip_hooks():
        assert ran() == ["decorator", "body"]
    with Service.run.skip_hooks(local=True):
        assert ran() == ["decorator", "body"]
    with Service.skip_hooks():
        assert ran() == ["decorator", "body"]
    with skip_all_hooks(local=True):
        assert ran() == ["decorator", "body"]
    assert ran() == ["first", "second", "decorator", "body"]

    Service.run.unbind(first)
    assert ran() == ["second", "decorator", "body"]
    with hookfast.trace() as calls:
        assert ran() == ["second", "decorator", "body"]
    assert [(call.name, [run.hook for run in call.hooks]) for call in calls] == [("run", [second])]
    Service.run.unbind(second)
    assert ran() == ["decorator", "body"]


def test_check_hooks_looks_through_the_decorator() -> None:
    log: list[Any] = []
    Service, _call = make_service("method", log)

    @Service.run.bind
    @hook
    def misfit(self: object, x: int, y: int, z: int) -> None:
        pass

    gc.collect()
    errors = [error for error in hookfast.check_hooks() if "misfit" in str(error)]
    assert len(errors) == 1
    assert "(self, x: 'int') -> 'int'" in str(errors[0])


@pytest.mark.parametrize("kind", KINDS)
def test_references_taken_before_any_hook_run_hooks_decorator_and_body(kind: str) -> None:
    log: list[Any] = []
    Service, _call = make_service(kind, log)
    held = Service.run if kind != "method" else Service().run
    Service.run.bind(recorder(log))
    assert held(4) == 40
    assert log == ["hook", "decorator", "body"]


def test_super_calls_through_a_decorated_parent_slot() -> None:
    log: list[Any] = []
    Service, _call = make_service("method", log)
    Service.run.bind(recorder(log, "base hook"))

    @support_hooks
    class Overriding(Service):  # type: ignore[valid-type, misc]
        @slot
        def run(self, x: int) -> int:
            log.append("child body")
            return super().run(x) + 1

    Overriding.run.bind(recorder(log, "child hook"))

    class Plain(Service):  # type: ignore[valid-type, misc]
        def run(self, x: int) -> int:
            log.append("plain body")
            return super().run(x) + 2

    @support_hooks
    class DecoratedChild(Service):  # type: ignore[valid-type, misc]
        @logging_decorator(log, "child decorator")
        @slot
        def run(self, x: int) -> int:
            log.append("child body")
            return super().run(x) + 3

    # a slot override runs the merged hooks once, at its own call; the super() call runs none
    assert Overriding().run(1) == 11
    assert log == ["base hook", "child hook", "child body", "decorator", "body"]
    # a plain override: the hooks run when the call reaches the parent's slot
    log.clear()
    assert Plain().run(1) == 12
    assert log == ["plain body", "base hook", "decorator", "body"]
    log.clear()
    assert DecoratedChild().run(1) == 13
    assert log == ["base hook", "child decorator", "child body", "decorator", "body"]


def test_a_retrying_decorator_above_slot_runs_the_hooks_once() -> None:
    log: list[Any] = []

    def retry_once(function: Any) -> Any:
        @functools.wraps(function)
        def wrapper(*args: Any) -> Any:
            try:
                return function(*args)
            except ValueError:
                log.append("retry")
                return function(*args)

        return wrapper

    @support_hooks
    class Service:
        attempts = 0

        @retry_once
        @slot
        def run(self) -> str:
            Service.attempts += 1
            if Service.attempts == 1:
                raise ValueError("first attempt fails")
            return "done"

    Service.run.bind(recorder(log))
    assert Service().run() == "done"
    assert log == ["hook", "retry"]  # as onETL: the hooks run before the decorator retries


def test_an_async_slot_under_a_sync_decorator() -> None:
    log: list[Any] = []

    @support_hooks
    class Service:
        @logging_decorator(log)
        @slot
        async def fetch(self, x: int) -> int:
            log.append("body")
            return x

    @Service.fetch.bind
    @hook
    async def on_fetch(self: Any, x: int) -> None:
        log.append("hook")

    assert asyncio.run(Service().fetch(5)) == 5
    assert log == ["decorator", "hook", "body"]


def test_concurrent_calls_through_the_decorator_each_run_their_hooks() -> None:
    log: list[Any] = []
    Service, call = make_service("method", log)
    Service.run.bind(recorder(log))
    threads = [threading.Thread(target=lambda: [call(1) for _ in range(200)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.count("decorator") == log.count("hook") == log.count("body") == 800


# --------------------------------------------------------------------------- decorators that cannot work


def test_a_marker_without_a_wrapped_chain_is_refused_and_leaves_no_trace() -> None:
    def copies_attributes_only(function: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            return function(*args)

        wrapper.__dict__.update(function.__dict__)  # the marker, but no __wrapped__
        return wrapper

    def plain(self: object) -> str:
        return "plain"

    class Service:
        kept = slot(plain)

        @copies_attributes_only
        @slot
        def run(self) -> str:
            return "run"

    before = dict(vars(Service))
    with pytest.raises(
        TypeError, match=r"Service\.run' is .* does not lead to it through __wrapped__.*functools\.wraps"
    ):
        support_hooks(Service)
    assert dict(vars(Service)) == before
    assert not hasattr(plain, "bind")
    assert plain.__hooks__.owner is None  # type: ignore[attr-defined]


def test_a_wrapper_without_an_attribute_dict_is_refused() -> None:
    class Forwarding:
        """Forwards attribute reads to what it wraps, but has no dict of its own."""

        __slots__ = ("__wrapped__",)

        def __init__(self, function: Any) -> None:
            self.__wrapped__ = function

        def __getattr__(self, name: str) -> Any:
            return getattr(self.__wrapped__, name)

        def __call__(self, *args: Any) -> Any:
            return self.__wrapped__(*args)

    class Service:
        run = staticmethod(Forwarding(slot(lambda: "run")))

    with pytest.raises(
        TypeError, match=r"Service\.run': the decorator above @slot gave .* no attribute dict"
    ):
        support_hooks(Service)


def test_a_decorator_above_a_slot_that_is_not_a_def_function() -> None:
    log: list[Any] = []

    @support_hooks
    class Service:
        @logging_decorator(log)
        @slot
        @functools.lru_cache(maxsize=None)  # noqa: B019, UP033 - not a def function: the wrapper dispatches
        def run(self) -> str:
            log.append("body")
            return "run"

    Service.run.bind(recorder(log))
    service = Service()
    assert service.run() == "run"
    assert service.run() == "run"  # cached: the body ran once, the hooks and the decorator twice
    assert log == ["hook", "decorator", "body", "hook", "decorator"]


def test_a_decorator_without_functools_wraps_is_named_when_the_class_has_no_slot_left() -> None:
    def hides(function: Any) -> Any:
        def wrapper(*args: Any) -> Any:
            return function(*args)

        return wrapper

    class Service:
        @hides
        @slot
        def run(self) -> None:
            pass

    with pytest.raises(SyntaxError, match=r"a decorator placed above @slot must use functools\.wraps"):
        support_hooks(Service)


def test_a_failing_support_hooks_restores_the_decorators_wrappers() -> None:
    log: list[Any] = []

    @support_hooks
    class Owner:
        @slot
        def borrowed(self) -> None:
            pass

    class Service:
        @logging_decorator(log)
        @slot
        def a_run(self) -> str:
            return "run"

        z_borrowed = Owner.__dict__["borrowed"]  # another class's slot object: refused

    wrapper = Service.__dict__["a_run"]
    before = dict(wrapper.__dict__)
    code = wrapper.__wrapped__.__code__
    with pytest.raises(TypeError, match="borrowed"):
        support_hooks(Service)
    assert wrapper.__dict__ == before
    assert not hasattr(wrapper, "bind")
    assert wrapper.__wrapped__.__code__ is code
    del Service.z_borrowed
    support_hooks(Service)
    Service.a_run.bind(recorder(log))
    assert Service().a_run() == "run"
    assert log == ["hook", "decorator"]


# --------------------------------------------------------------------------- a parent's slot wrapped below


def make_base(kind: str, log: list[Any]) -> type:
    if kind == "method":

        @support_hooks
        class Base:
            @slot
            def run(self, x: int) -> int:
                log.append("base body")
                return x

    elif kind == "classmethod":

        @support_hooks
        class Base:  # type: ignore[no-redef]
            @slot
            @classmethod
            def run(cls, x: int) -> int:
                log.append("base body")
                return x

    else:

        @support_hooks
        class Base:  # type: ignore[no-redef]
            @slot
            @staticmethod
            def run(x: int) -> int:
                log.append("base body")
                return x

    return Base


@pytest.mark.parametrize("with_support_hooks", [True, False])
@pytest.mark.parametrize("hooked_before", [True, False])
@pytest.mark.parametrize("kind", KINDS)
def test_a_subclass_wrapping_the_parents_slot_is_a_plain_override(
    kind: str, hooked_before: bool, with_support_hooks: bool
) -> None:
    log: list[Any] = []
    Base = make_base(kind, log)
    if hooked_before:  # the class holds the dispatcher when the subclass wraps it
        Base.run.bind(recorder(log, "base hook"))
    retry = logging_decorator(log, "retry")
    parent = Base.__dict__["run"]

    class Child(Base):  # type: ignore[valid-type, misc]
        run = retry(parent) if kind == "method" else type(parent)(retry(parent.__func__))

        @slot
        def other(self) -> None:
            pass

    if with_support_hooks:
        support_hooks(Child)  # used to raise TypeError: "'Child.run' is the slot 'Base.run' again"
    if not hooked_before:
        Base.run.bind(recorder(log, "base hook"))
    receiver: Any = Child() if kind == "method" else Child
    assert receiver.run(1) == 1
    assert log == ["retry", "base hook", "base body"]

    # Child.run.bind is the parent slot's, as functools.wraps copied it (onETL: the same)
    late = Child.run.bind(recorder(log, "late"))
    assert list(Base.run.__hooks__)[-1] is late
    log.clear()
    receiver.run(2)
    assert log == ["retry", "base hook", "late", "base body"]
    assert hooks_for(Child, "run").running == hooks_for(Base.run).running
    log.clear()
    (Base() if kind == "method" else Base).run(3)
    assert log == ["base hook", "late", "base body"]


def test_a_functools_wraps_override_calling_super_runs_the_hooks_once() -> None:
    log: list[Any] = []
    Base = make_base("method", log)
    Base.run.bind(recorder(log, "base hook"))

    @support_hooks
    class Child(Base):  # type: ignore[valid-type, misc]
        @functools.wraps(Base.run)
        def run(self, x: int) -> int:
            log.append("child body")
            return super().run(x) + 1

        @slot
        def other(self) -> None:
            pass

    assert Child().run(1) == 2
    assert log == ["child body", "base hook", "base body"]
    assert Child.other.__hooks__.owner is Child
