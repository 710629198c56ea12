"""The four independent enable/disable levels (docs/states.md): global, class, slot and hook.

Every test builds its classes inside the test so that they use the backend of the test's parameter.
``build(kind)`` makes a class whose slot ``m`` is a regular method, a classmethod or a staticmethod,
with one recording hook bound to it; ``runs()`` calls the slot and says whether the hook ran.
"""

from __future__ import annotations

import itertools
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from hookfast import (
    Hook,
    hook,
    resume_all_hooks,
    skip_all_hooks,
    slot,
    stop_all_hooks,
    support_hooks,
)

pytestmark = pytest.mark.usefixtures("backend")

KINDS = ["method", "classmethod", "staticmethod"]
LEVELS = ["global", "class", "slot", "hook"]


def make_class(kind: str, calls: list[str], name: str = "m") -> type:
    @support_hooks
    class C:
        if kind == "method":

            @slot
            def m(self, x: int) -> int:
                calls.append("m")
                return x * 2

        elif kind == "classmethod":

            @slot
            @classmethod
            def m(cls, x: int) -> int:
                calls.append("m")
                return x * 2

        else:

            @slot
            @staticmethod
            def m(x: int) -> int:
                calls.append("m")
                return x * 2

    return C


@dataclass
class Setup:
    cls: type
    hook: Hook[Any]
    calls: list[str]
    kind: str

    def runs(self) -> bool:
        """Call the slot (on an instance and, for class/static slots, on the class); did the hook run?"""
        self.calls.clear()
        assert self.cls().m(3) == 6
        ran = self.calls == ["hook", "m"]
        assert ran or self.calls == ["m"], self.calls
        if self.kind != "method":
            self.calls.clear()
            assert self.cls.m(3) == 6
            assert self.calls == (["hook", "m"] if ran else ["m"])
        self.calls.clear()
        return ran

    def stop(self, level: str) -> None:
        {
            "global": stop_all_hooks,
            "class": self.cls.suspend_hooks,
            "slot": self.cls.m.suspend_hooks,
            "hook": self.hook.disable,
        }[level]()

    def resume(self, level: str) -> None:
        {
            "global": resume_all_hooks,
            "class": self.cls.resume_hooks,
            "slot": self.cls.m.resume_hooks,
            "hook": self.hook.enable,
        }[level]()

    def skip(self, level: str) -> AbstractContextManager[None]:
        return {
            "global": skip_all_hooks,
            "class": self.cls.skip_hooks,
            "slot": self.cls.m.skip_hooks,
            "hook": self.hook.skip,
        }[level]()


def build(kind: str) -> Setup:
    calls: list[str] = []
    cls = make_class(kind, calls)

    @cls.m.bind
    @hook
    def recorder(*args: object) -> None:
        calls.append("hook")

    return Setup(cls, recorder, calls, kind)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def setup(kind: str) -> Setup:
    return build(kind)


@pytest.fixture
def resume_global() -> Any:
    """Tests that stop the global level on purpose resume it even when they fail half-way."""
    yield
    resume_all_hooks()


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name.startswith("hookfast")]


# --- each level on its own: stop and resume ---


@pytest.mark.parametrize("level", LEVELS)
def test_stop_and_resume_each_level(setup: Setup, level: str, resume_global: None) -> None:
    assert setup.runs()
    setup.stop(level)
    assert not setup.runs()
    setup.stop(level)  # twice: still stopped, and one resume is enough
    assert not setup.runs()
    setup.resume(level)
    assert setup.runs()
    setup.resume(level)  # resuming a running level changes nothing
    assert setup.runs()


def test_global_stop_affects_every_class(resume_global: None) -> None:
    setups = [build(kind) for kind in KINDS]
    stop_all_hooks()
    assert not any(one.runs() for one in setups)
    resume_all_hooks()
    assert all(one.runs() for one in setups)


def test_hook_bound_while_globally_stopped_runs_after_resume(kind: str, resume_global: None) -> None:
    calls: list[str] = []
    cls = make_class(kind, calls)
    stop_all_hooks()

    @cls.m.bind
    @hook
    def recorder(*args: object) -> None:
        calls.append("hook")

    setup = Setup(cls, recorder, calls, kind)
    assert not setup.runs()
    resume_all_hooks()
    assert setup.runs()


def test_class_suspend_affects_only_that_class(kind: str) -> None:
    one, other = build(kind), build(kind)
    one.cls.suspend_hooks()
    assert not one.runs()
    assert other.runs()
    one.cls.resume_hooks()
    assert one.runs()


def test_class_suspend_affects_every_slot_of_the_class() -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        def a(self) -> None:
            calls.append("a")

        @slot
        @classmethod
        def b(cls) -> None:
            calls.append("b")

        @slot
        @staticmethod
        def c() -> None:
            calls.append("c")

    @C.a.bind
    @C.b.bind
    @C.c.bind
    @hook
    def recorder(*args: object, method_name: str) -> None:
        calls.append(f"hook {method_name}")

    def call_all() -> list[str]:
        calls.clear()
        C().a()
        C.b()
        C.c()
        return list(calls)

    assert call_all() == ["hook a", "a", "hook b", "b", "hook c", "c"]
    C.suspend_hooks()
    # the class level is its own switch: the slot-level switches stay as they were
    assert [C.a.__hooks__.suspended, C.b.__hooks__.suspended, C.c.__hooks__.suspended] == [False] * 3
    assert [C.a.__hooks__.active, C.b.__hooks__.active, C.c.__hooks__.active] == [[]] * 3
    assert call_all() == ["a", "b", "c"]
    C.resume_hooks()
    assert call_all() == ["hook a", "a", "hook b", "b", "hook c", "c"]
    with C.skip_hooks():
        assert call_all() == ["a", "b", "c"]
    assert call_all() == ["hook a", "a", "hook b", "b", "hook c", "c"]


def test_class_suspend_acts_on_inherited_slots(kind: str) -> None:
    base = build(kind)
    calls = base.calls

    @support_hooks
    class Child(base.cls):  # type: ignore[name-defined,misc]
        @slot
        def other(self) -> None:
            calls.append("other")

    @Child.other.bind
    @hook
    def on_other(self: object) -> None:
        calls.append("hook other")

    child = Setup(Child, base.hook, calls, kind)
    assert child.runs()
    Child.suspend_hooks()
    assert not child.runs()
    # the inherited slot is the parent's declaration: it is suspended for the parent too (onETL)
    assert not base.runs()
    calls.clear()
    Child().other()
    assert calls == ["other"]
    Child.resume_hooks()
    assert child.runs()
    assert base.runs()
    calls.clear()
    Child().other()
    assert calls == ["hook other", "other"]


def test_class_suspend_of_undecorated_subclass_acts_on_parent(kind: str) -> None:
    base = build(kind)

    class Child(base.cls):  # type: ignore[name-defined,misc]
        pass

    child = Setup(Child, base.hook, base.calls, kind)
    Child.suspend_hooks()
    assert not child.runs()
    assert not base.runs()
    Child.resume_hooks()
    assert child.runs()
    assert base.runs()


def test_class_suspend_of_overriding_child_keeps_parent_hooks_like_onetl() -> None:
    """onETL quirk kept (checked against onETL 0.17 in /tmp/ref): `Child.suspend_hooks()` on a child
    that overrides `m` with its own slot suspends only the child's declaration, so hooks bound to
    `Base.m` still run for `Child().m()`; Base instances keep their hooks too."""
    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def m(self) -> str:
            return "base"

    @support_hooks
    class Child(Base):
        @slot
        def m(self) -> str:
            return "child"

    @Base.m.bind
    @hook
    def on_base(self: object) -> None:
        calls.append("base hook")

    @Child.m.bind
    @hook
    def on_child(self: object) -> None:
        calls.append("child hook")

    Child.suspend_hooks()
    assert Child().m() == "child"
    assert calls == ["base hook"]
    calls.clear()
    assert Base().m() == "base"
    assert calls == ["base hook"]
    calls.clear()
    assert Child.m.__hooks__.active == []
    assert Base.m.__hooks__.active == [on_base]

    with Child.skip_hooks():
        Child().m()
    assert calls == ["base hook"]
    calls.clear()

    Child.resume_hooks()
    Child().m()
    assert calls == ["base hook", "child hook"]


def test_parent_slot_suspend_silences_parent_hooks_in_child_calls() -> None:
    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def m(self) -> str:
            return "base"

    @support_hooks
    class Child(Base):
        @slot
        def m(self) -> str:
            return "child"

    @Base.m.bind
    @hook
    def on_base(self: object) -> None:
        calls.append("base hook")

    @Child.m.bind
    @hook
    def on_child(self: object) -> None:
        calls.append("child hook")

    Base.m.suspend_hooks()
    Child().m()
    Base().m()
    assert calls == ["child hook"]
    calls.clear()
    Base.m.resume_hooks()
    Child().m()
    assert calls == ["base hook", "child hook"]


def test_slot_suspend_only_affects_that_slot() -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        def a(self) -> None:
            calls.append("a")

        @slot
        def b(self) -> None:
            calls.append("b")

    @C.a.bind
    @C.b.bind
    @hook
    def recorder(self: object, method_name: str) -> None:
        calls.append(f"hook {method_name}")

    C.a.suspend_hooks()
    assert C.a.__hooks__.suspended is True
    assert C.b.__hooks__.suspended is False
    C().a()
    C().b()
    assert calls == ["a", "hook b", "b"]
    calls.clear()
    C().a.resume_hooks()  # through an instance, as onETL allows
    C().a()
    assert calls == ["hook a", "a"]


def test_hook_enabled_attribute_is_the_same_as_disable_and_enable(setup: Setup) -> None:
    assert setup.hook.enabled is True
    setup.hook.enabled = False
    assert setup.hook.enabled is False
    assert not setup.runs()
    assert setup.cls.m.__hooks__.call_path == "plain"
    setup.hook.enabled = True
    assert setup.hook.enabled is True
    assert setup.runs()
    assert setup.cls.m.__hooks__.call_path != "plain"
    setup.hook.disable()
    assert setup.hook.enabled is False
    setup.hook.enable()
    assert setup.hook.enabled is True


def test_hook_created_disabled_runs_after_enable(kind: str) -> None:
    calls: list[str] = []
    cls = make_class(kind, calls)

    @cls.m.bind
    @hook(enabled=False)
    def recorder(*args: object) -> None:
        calls.append("hook")

    setup = Setup(cls, recorder, calls, kind)
    assert not setup.runs()
    recorder.enable()
    assert setup.runs()


def test_hook_state_change_affects_every_slot_it_is_bound_to() -> None:
    calls: list[str] = []
    setups = [Setup(make_class(kind, calls), None, calls, kind) for kind in KINDS]  # type: ignore[arg-type]

    @hook
    def shared(*args: object) -> None:
        calls.append("hook")

    for one in setups:
        one.cls.m.bind(shared)
        one.hook = shared
    assert all(one.runs() for one in setups)
    shared.disable()
    assert not any(one.runs() for one in setups)
    shared.enable()
    assert all(one.runs() for one in setups)
    with shared.skip():
        assert not any(one.runs() for one in setups)
    assert all(one.runs() for one in setups)
    shared.enabled = False
    assert not any(one.runs() for one in setups)
    shared.enabled = True
    assert all(one.runs() for one in setups)


def test_disabling_one_hook_keeps_the_others() -> None:
    calls: list[str] = []
    cls = make_class("method", calls)

    @cls.m.bind
    @hook
    def first(self: object, x: int) -> None:
        calls.append("first")

    @cls.m.bind
    @hook
    def second(self: object, x: int) -> None:
        calls.append("second")

    first.disable()
    cls().m(1)
    assert calls == ["second", "m"]
    calls.clear()
    with second.skip():
        cls().m(1)
    assert calls == ["m"]


# --- levels are independent ---


# Two different levels (the same level twice is test_stop_and_resume_each_level).
@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(LEVELS, 2)))
def test_resuming_one_level_never_resumes_another(
    setup: Setup, first: str, second: str, resume_global: None
) -> None:
    setup.stop(first)
    setup.stop(second)
    assert not setup.runs()
    setup.resume(first)
    assert not setup.runs(), f"resuming {first} must not resume {second}"
    setup.resume(second)
    assert setup.runs()


def test_class_level_is_independent_of_the_slot_level(setup: Setup) -> None:
    """Deliberate difference: onETL aliased the class level to each slot's switch, so a class resume
    undid a slot suspend (and vice versa); hookfast keeps the levels independent, as onETL's design
    document describes them."""
    setup.cls.m.suspend_hooks()
    setup.cls.resume_hooks()
    assert not setup.runs()
    setup.cls.m.resume_hooks()
    setup.cls.suspend_hooks()
    setup.cls.m.resume_hooks()
    assert not setup.runs()
    setup.cls.resume_hooks()
    assert setup.runs()


def test_class_levels_of_parent_and_child_are_independent(kind: str) -> None:
    base = build(kind)

    @support_hooks  # decorated, so Child has its own class-level switch
    class Child(base.cls):  # type: ignore[name-defined,misc]
        @slot
        def other(self) -> None:
            pass

    child = Setup(Child, base.hook, base.calls, kind)
    base.cls.suspend_hooks()
    Child.suspend_hooks()
    Child.resume_hooks()
    assert not child.runs(), "resuming the child class must not resume the parent class"
    assert not base.runs()
    base.cls.suspend_hooks()
    base.cls.resume_hooks()
    assert child.runs()
    Child.suspend_hooks()
    base.cls.resume_hooks()
    assert not base.runs(), "resuming the parent class must not resume the child class stop"
    Child.resume_hooks()
    assert base.runs()


@pytest.mark.parametrize("stopped", LEVELS)
@pytest.mark.parametrize("skipped", LEVELS)
def test_skip_of_one_level_keeps_another_level_stopped(
    setup: Setup, skipped: str, stopped: str, resume_global: None
) -> None:
    setup.stop(stopped)
    with setup.skip(skipped):
        assert not setup.runs()
    assert not setup.runs(), f"leaving skip of {skipped} must not resume {stopped}"
    setup.resume(stopped)
    assert setup.runs()


# --- skip: context manager, decorator, exceptions, already stopped ---


@pytest.mark.parametrize("level", LEVELS)
def test_skip_as_context_manager(setup: Setup, level: str) -> None:
    with setup.skip(level) as entered:
        assert entered is None
        assert not setup.runs()
    assert setup.runs()


@pytest.mark.parametrize("level", LEVELS)
def test_skip_as_decorator(setup: Setup, level: str) -> None:
    observed: list[bool] = []

    @setup.skip(level)
    def body(a: int, *, b: int) -> int:
        observed.append(setup.runs())
        return a + b

    assert setup.runs()
    assert body(1, b=2) == 3
    assert observed == [False]
    assert setup.runs()
    # the decorator can be used again
    assert body(2, b=2) == 4
    assert observed == [False, False]
    assert setup.runs()


def test_skip_decorators_written_as_in_docs() -> None:
    calls: list[str] = []
    cls = make_class("method", calls)

    @cls.m.bind
    @hook
    def recorder(self: object, x: int) -> None:
        calls.append("hook")

    @skip_all_hooks()
    def everything() -> list[str]:
        calls.clear()
        cls().m(1)
        return list(calls)

    @cls.skip_hooks()
    def whole_class() -> list[str]:
        calls.clear()
        cls().m(1)
        return list(calls)

    @cls.m.skip_hooks()
    def one_slot() -> list[str]:
        calls.clear()
        cls().m(1)
        return list(calls)

    @recorder.skip()
    def one_hook() -> list[str]:
        calls.clear()
        cls().m(1)
        return list(calls)

    for function in (everything, whole_class, one_slot, one_hook):
        assert function() == ["m"], function.__name__
        calls.clear()
        cls().m(1)
        assert calls == ["hook", "m"], function.__name__


@pytest.mark.parametrize("level", LEVELS)
def test_skip_restores_state_when_body_raises(setup: Setup, level: str) -> None:
    """Deliberate fix over onETL, whose slot, class and hook skips stay disabled after an error."""
    with pytest.raises(KeyError, match="boom"), setup.skip(level):
        assert not setup.runs()
        raise KeyError("boom")
    assert setup.runs()
    assert setup.hook.enabled is True
    assert setup.cls.m.__hooks__.suspended is False


@pytest.mark.parametrize("level", LEVELS)
def test_skip_decorator_restores_state_when_function_raises(setup: Setup, level: str) -> None:
    @setup.skip(level)
    def failing() -> None:
        assert not setup.runs()
        raise RuntimeError("inside")

    with pytest.raises(RuntimeError, match="inside"):
        failing()
    assert setup.runs()


@pytest.mark.parametrize("level", LEVELS)
def test_skip_restores_state_on_base_exception(setup: Setup, level: str) -> None:
    with pytest.raises(KeyboardInterrupt), setup.skip(level):
        raise KeyboardInterrupt
    assert setup.runs()


@pytest.mark.parametrize("raises", [False, True], ids=["normal-exit", "raising-body"])
@pytest.mark.parametrize("level", LEVELS)
def test_skip_of_already_stopped_level_does_nothing(
    setup: Setup, level: str, raises: bool, resume_global: None
) -> None:
    setup.stop(level)
    try:
        with setup.skip(level):
            assert not setup.runs()
            if raises:
                raise ValueError("body")
    except ValueError:
        assert raises
    assert not setup.runs(), "the level was stopped before the skip: it must stay stopped"
    setup.resume(level)
    assert setup.runs()


@pytest.mark.parametrize("level", LEVELS)
def test_stop_inside_skip_is_undone_at_exit_like_onetl(setup: Setup, level: str, resume_global: None) -> None:
    # skip restores the state it found on entry (running), as onETL does at every level
    with setup.skip(level):
        setup.stop(level)
        assert not setup.runs()
    assert setup.runs()


def test_class_skip_keeps_an_already_suspended_slot_suspended() -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        def a(self) -> None:
            calls.append("a")

        @slot
        def b(self) -> None:
            calls.append("b")

    @C.a.bind
    @C.b.bind
    @hook
    def recorder(self: object, method_name: str) -> None:
        calls.append(f"hook {method_name}")

    C.a.suspend_hooks()
    with pytest.raises(ZeroDivisionError), C.skip_hooks():
        C().a()
        C().b()
        assert calls == ["a", "b"]
        1 / 0  # noqa: B018
    calls.clear()
    C().a()
    C().b()
    assert calls == ["a", "hook b", "b"]
    assert C.a.__hooks__.suspended is True
    assert C.b.__hooks__.suspended is False


# --- nested skips ---


@pytest.mark.parametrize("level", LEVELS)
def test_nested_skips_of_the_same_level(setup: Setup, level: str) -> None:
    with setup.skip(level):
        with setup.skip(level):
            assert not setup.runs()
        assert not setup.runs(), "the inner skip found the level stopped: it must not resume it"
    assert setup.runs()


def test_nested_skips_of_all_levels(setup: Setup) -> None:
    with setup.skip("global"):
        with setup.skip("class"):
            with setup.skip("slot"):
                with setup.skip("hook"):
                    assert not setup.runs()
                assert not setup.runs()
            assert not setup.runs()
        assert not setup.runs()
    assert setup.runs()


def test_nested_skips_in_reverse_order_of_levels(setup: Setup) -> None:
    with setup.skip("hook"):
        with setup.skip("slot"):
            with setup.skip("class"):
                with pytest.raises(LookupError), setup.skip("global"):
                    raise LookupError
                assert not setup.runs()
            assert not setup.runs()
        assert not setup.runs()
    assert setup.runs()


def test_slot_skip_inside_class_skip() -> None:
    setup = build("method")
    with setup.cls.skip_hooks():
        with setup.cls.m.skip_hooks():
            assert setup.cls.m.__hooks__.suspended
            assert not setup.runs()
        # the slot skip restored the slot level; the class level still stops the hook
        assert not setup.cls.m.__hooks__.suspended
        assert not setup.runs()
    assert setup.runs()


# --- skipping from inside a hook, state changes during a call ---


def test_hook_calls_the_same_slot_inside_slot_skip(kind: str) -> None:
    calls: list[str] = []
    cls = make_class(kind, calls)
    inner_results: list[int] = []

    @cls.m.bind
    @hook
    def reentrant(*args: object) -> None:
        calls.append("hook")
        with cls.m.skip_hooks():
            inner_results.append(cls.m(10) if kind != "method" else args[0].m(10))  # type: ignore[attr-defined]

    assert cls().m(1) == 2
    assert calls == ["hook", "m", "m"]
    assert inner_results == [20]
    assert cls.m.__hooks__.suspended is False
    calls.clear()
    assert cls().m(1) == 2
    assert calls == ["hook", "m", "m"]


@pytest.mark.parametrize("level", LEVELS)
def test_skip_used_inside_a_hook_for_another_slot(level: str) -> None:
    target = build("method")
    calls = target.calls

    @support_hooks
    class Outer:
        @slot
        def run(self) -> str:
            calls.append("run")
            return "outer"

    @Outer.run.bind
    @hook
    def outer_hook(self: object) -> None:
        with target.skip(level):
            target.cls().m(3)
        calls.append("outer hook")

    assert Outer().run() == "outer"
    # the skip covered only the inner call: the outer slot's own hook and method still ran
    assert calls == ["m", "outer hook", "run"]
    calls.clear()
    assert target.runs()


def test_hook_skipping_itself_during_the_call() -> None:
    calls: list[str] = []
    cls = make_class("method", calls)

    @cls.m.bind
    @hook
    def self_skipping(self: Any, x: int) -> None:
        calls.append(f"hook {x}")
        if x == 1:
            with self_skipping.skip():
                self.m(2)

    cls().m(1)
    assert calls == ["hook 1", "m", "m"]
    assert self_skipping.enabled is True
    calls.clear()
    cls().m(2)
    assert calls == ["hook 2", "m"]


def test_hook_bound_during_a_call_takes_effect_from_the_next_call(kind: str) -> None:
    calls: list[str] = []
    cls = make_class(kind, calls)

    @hook
    def late(*args: object) -> None:
        calls.append("late")

    @cls.m.bind
    @hook
    def binder(*args: object) -> None:
        calls.append("binder")
        if len(late_binds) == 0:
            late_binds.append(cls.m.bind(late))

    late_binds: list[Hook[Any]] = []
    cls().m(1)
    assert calls == ["binder", "m"]
    assert len(cls.m.__hooks__) == 2
    calls.clear()
    cls().m(1)
    assert calls == ["binder", "late", "m"]


def test_first_hook_bound_by_the_running_method_takes_effect_from_the_next_call() -> None:
    calls: list[str] = []

    @hook
    def late(self: object) -> None:
        calls.append("late")

    @support_hooks
    class C:
        @slot
        def m(self) -> str:
            calls.append("m")
            if not len(C.m.__hooks__):
                C.m.bind(late)
            return "result"

    assert C().m() == "result"
    assert calls == ["m"]
    assert C.m.__hooks__.call_path != "plain"
    calls.clear()
    assert C().m() == "result"
    assert calls == ["late", "m"]


def test_hook_disabled_during_a_call_takes_effect_from_the_next_call() -> None:
    """As in onETL: the list of hooks of a call is fixed before the first hook runs."""
    calls: list[str] = []
    cls = make_class("method", calls)

    @cls.m.bind
    @hook
    def disabler(self: object, x: int) -> None:
        calls.append("disabler")
        later.disable()

    @cls.m.bind
    @hook
    def later(self: object, x: int) -> None:
        calls.append("later")

    cls().m(1)
    assert calls == ["disabler", "later", "m"]
    calls.clear()
    cls().m(1)
    assert calls == ["disabler", "m"]


def test_slot_suspended_by_its_own_hook_still_finishes_the_call() -> None:
    calls: list[str] = []
    cls = make_class("method", calls)

    @cls.m.bind
    @hook
    def suspender(self: object, x: int) -> Any:
        calls.append("before")
        cls.m.suspend_hooks()
        result = yield
        calls.append(f"after {result}")

    assert cls().m(1) == 2
    assert calls == ["before", "m", "after 2"]
    calls.clear()
    cls().m(1)
    assert calls == ["m"]
    calls.clear()
    cls.m.resume_hooks()
    cls().m(1)
    assert calls == ["before", "m", "after 2"]
    cls.m.resume_hooks()


# --- logs (those of the global and hook switches alone: tests/test_unregistered.py) ---


def test_slot_skip_logs(notice_logs: pytest.LogCaptureFixture) -> None:
    setup = build("method")
    with setup.cls.m.skip_hooks():
        notice_logs.clear()
        with setup.cls.m.skip_hooks():
            pass
    assert messages(notice_logs) == ["|Hooks| Hooks already disabled, nothing to skip"]
    notice_logs.clear()
    with setup.cls.m.skip_hooks():
        pass
    assert messages(notice_logs) == ["|Hooks| Disabling hooks"]


def test_skip_objects_are_context_managers_and_decorators() -> None:
    setup = build("method")
    for make in (skip_all_hooks, setup.cls.skip_hooks, setup.cls.m.skip_hooks, setup.hook.skip):
        manager = make()
        assert hasattr(manager, "__enter__") and hasattr(manager, "__exit__")
        wrapped: Callable[[], int] = make()(lambda: 7)
        assert wrapped() == 7
    assert setup.runs()
