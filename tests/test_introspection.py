"""Unbinding a hook, ``hooks_for`` (the plan of a call) and ``check_hooks`` (hooks that can never fit).

Every test builds its classes inside the test so that they use the backend of the test's parameter
(see ``conftest.backend``). Hooks record their name in a ``calls`` list, and the slot's method
records ``"m"`` (or its own name), so a test compares what a call really ran with what was expected
or with what ``hooks_for`` says it runs.

``check_hooks`` sees every live slot of the process, other tests' classes included: the tests
collect garbage first and only look at the errors about their own slot (:func:`errors_about`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import inspect
import logging
import re
import threading
import weakref
from pathlib import Path
from typing import Any

import pytest

import hookfast
from hookfast import (
    Hook,
    HookPriority,
    SignatureError,
    check_hooks,
    hook,
    hooks_for,
    resume_all_hooks,
    skip_all_hooks,
    slot,
    stop_all_hooks,
    support_hooks,
)

pytestmark = pytest.mark.usefixtures("backend")

FIRST = HookPriority.FIRST
NORMAL = HookPriority.NORMAL
LAST = HookPriority.LAST

KINDS = ["method", "classmethod", "staticmethod"]
LEVELS = ["global", "class", "slot", "hook"]


# --------------------------------------------------------------------------- helpers


def recorder(calls: list[str], name: str, priority: HookPriority = NORMAL, enabled: bool = True) -> Hook[Any]:
    """A hook named ``name`` (its ``__name__`` and ``__qualname__``) that records that name."""

    def callback(*args: object, **kwargs: object) -> None:
        calls.append(name)

    callback.__name__ = callback.__qualname__ = name
    return hook(callback, priority=priority, enabled=enabled)


def make_class(kind: str, calls: list[str]) -> type:
    """A class whose slot ``m`` (a method, classmethod or staticmethod) records ``"m"``."""

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


def call(cls: type, calls: list[str], through_class: bool = False) -> list[str]:
    """Call ``m(3)`` on an instance (or on the class itself) and return what ran."""
    calls.clear()
    receiver = cls if through_class else cls()
    assert receiver.m(3) == 6
    ran = list(calls)
    calls.clear()
    return ran


def display(bound: Hook[Any]) -> str:
    """``'<module>.<qualname>'`` of a hook, as the logs and error messages print it."""
    return f"{bound.__module__}.{bound.__qualname__}"


def stop(level: str, cls: type, bound: Hook[Any]) -> None:
    {
        "global": stop_all_hooks,
        "class": cls.suspend_hooks,
        "slot": cls.m.suspend_hooks,
        "hook": bound.disable,
    }[level]()


def resume(level: str, cls: type, bound: Hook[Any]) -> None:
    {
        "global": resume_all_hooks,
        "class": cls.resume_hooks,
        "slot": cls.m.resume_hooks,
        "hook": bound.enable,
    }[level]()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def resume_global() -> Any:
    """Tests that stop the global level resume it even when they fail half-way."""
    yield
    resume_all_hooks()


# =========================================================================== unbind


def test_unbind_removes_the_hook_from_the_next_call(kind: str) -> None:
    calls: list[str] = []
    C = make_class(kind, calls)
    first = C.m.bind(recorder(calls, "first"))
    gone = C.m.bind(recorder(calls, "gone"))
    last = C.m.bind(recorder(calls, "last"))
    assert call(C, calls) == ["first", "gone", "last", "m"]

    assert C.m.unbind(gone) is gone
    assert call(C, calls) == ["first", "last", "m"]
    if kind != "method":
        assert call(C, calls, through_class=True) == ["first", "last", "m"]
    assert list(C.m.__hooks__) == [first, last]
    assert len(C.m.__hooks__) == 2
    assert gone.slots == ()
    assert [one.__hooks__ for one in first.slots] == [C.m.__hooks__]
    assert repr(C.m.__hooks__) == f"<hookfast slot {C.m.__hooks__.qualname!r} (active, 2 hooks)>"


def test_unbind_keeps_the_order_and_priorities_of_the_other_hooks() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    C.m.bind(recorder(calls, "late", LAST))
    C.m.bind(recorder(calls, "normal 1"))
    middle = C.m.bind(recorder(calls, "normal 2"))
    C.m.bind(recorder(calls, "normal 3"))
    C.m.bind(recorder(calls, "early", FIRST))
    assert call(C, calls) == ["early", "normal 1", "normal 2", "normal 3", "late", "m"]
    C.m.unbind(middle)
    assert call(C, calls) == ["early", "normal 1", "normal 3", "late", "m"]


def test_unbind_of_a_hook_bound_to_two_slots_keeps_the_other_binding() -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        def a(self) -> None:
            calls.append("a")

        @slot
        def b(self) -> None:
            calls.append("b")

    @support_hooks
    class D:
        @slot
        def m(self) -> None:
            calls.append("D.m")

    shared = C.a.bind(C.b.bind(D.m.bind(recorder(calls, "shared"))))
    assert [one.__hooks__ for one in shared.slots] == [D.m.__hooks__, C.b.__hooks__, C.a.__hooks__]

    C.b.unbind(shared)
    assert [one.__hooks__ for one in shared.slots] == [D.m.__hooks__, C.a.__hooks__]
    C().a()
    C().b()
    D().m()
    assert calls == ["shared", "a", "b", "shared", "D.m"]
    assert list(C.b.__hooks__) == []
    assert list(C.a.__hooks__) == [shared]
    assert list(D.m.__hooks__) == [shared]
    # C.b has no hook left: it holds its plain function again, the other slots still dispatch
    assert C.b.__hooks__.call_path == "plain"
    assert C.a.__hooks__.call_path != "plain"


def test_unbind_removes_every_binding_of_the_hook_to_that_slot() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    twice = recorder(calls, "twice")
    C.m.bind(twice)
    C.m.bind(twice)
    other = C.m.bind(recorder(calls, "other"))
    assert call(C, calls) == ["twice", "twice", "other", "m"]
    C.m.unbind(twice)
    assert call(C, calls) == ["other", "m"]
    assert list(C.m.__hooks__) == [other]
    assert twice.slots == ()


def test_the_documents_describe_unbind_as_it_behaves() -> None:
    """docs/introspection.md and docs/migrating-from-onetl.md say that unbind removes every binding
    to the slot: it does."""
    calls: list[str] = []
    C = make_class("method", calls)
    twice = recorder(calls, "twice")
    C.m.bind(twice)
    C.m.bind(twice)
    C.m.unbind(twice)
    assert call(C, calls) == ["m"]  # one unbind: no binding of it left there
    root = Path(__file__).resolve().parent.parent
    for document in ("docs/introspection.md", "docs/migrating-from-onetl.md"):
        text = " ".join((root / document).read_text(encoding="utf-8").split())
        sentences = [sentence for sentence in re.split(r"(?<=\.) ", text) if "unbind" in sentence]
        claims = [sentence for sentence in sentences if "binding" in sentence]
        assert claims, f"{document} says nothing about what unbind removes"
        for claim in claims:
            assert "one binding" not in claim, f"{document}: {claim}"
        assert any("every binding" in claim for claim in claims), document


def test_unbinding_the_last_hook_restores_the_plain_method(kind: str) -> None:
    calls: list[str] = []
    C = make_class(kind, calls)
    only = C.m.bind(recorder(calls, "only"))
    instance = C()
    # references taken while the hook was bound
    held_bound = instance.m
    held_through_class = C.m
    held_attribute = C.__dict__["m"]
    assert C.m.__hooks__.call_path != "plain"
    assert call(C, calls) == ["only", "m"]

    C.m.unbind(only)
    assert C.m.__hooks__.call_path == "plain"
    assert call(C, calls) == ["m"]
    if kind == "method":
        held_calls = [
            lambda: held_bound(3),
            lambda: held_through_class(instance, 3),
            lambda: held_attribute(instance, 3),
        ]
    else:
        held_calls = [
            lambda: held_bound(3),
            lambda: held_through_class(3),
            lambda: held_attribute.__get__(None, C)(3),
        ]
    for number, held_call in enumerate(held_calls):
        calls.clear()
        assert held_call() == 6
        assert calls == ["m"], f"reference {number}"


def test_unbind_through_the_slot_declaration() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    kept = C.m.bind(recorder(calls, "kept"))
    gone = C.m.bind(recorder(calls, "gone"))
    assert C.m.__hooks__.unbind(gone) is gone
    assert call(C, calls) == ["kept", "m"]
    assert list(C.m.__hooks__) == [kept]


def test_unbind_base_hook_stops_running_for_inheriting_subclass() -> None:
    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def m(self) -> None:
            calls.append("m")

    class Plain(Base):
        pass

    @support_hooks
    class Decorated(Base):
        @slot
        def other(self) -> None:
            calls.append("other")

    base_hook = Base.m.bind(recorder(calls, "base hook"))
    for cls in (Base, Plain, Decorated):
        cls().m()
    assert calls == ["base hook", "m"] * 3
    calls.clear()

    Base.m.unbind(base_hook)
    for cls in (Base, Plain, Decorated):
        cls().m()
    assert calls == ["m"] * 3
    assert Base.m.__hooks__.call_path == "plain"


def test_unbind_through_an_inheriting_subclass_acts_on_the_parent_declaration() -> None:
    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def m(self) -> None:
            calls.append("m")

    class Child(Base):
        pass

    base_hook = Base.m.bind(recorder(calls, "base hook"))
    assert Child.m.unbind(base_hook) is base_hook
    Base().m()
    Child().m()
    assert calls == ["m", "m"]
    assert list(Base.m.__hooks__) == []


def test_unbind_base_hook_stops_running_for_overriding_subclass_calling_super() -> None:
    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def m(self) -> str:
            calls.append("base method")
            return "base"

    @support_hooks
    class Child(Base):
        @slot
        def m(self) -> str:
            calls.append("child method")
            return "child+" + super().m()

    base_hook = Base.m.bind(recorder(calls, "base hook"))
    child_hook = Child.m.bind(recorder(calls, "child hook"))
    assert Child().m() == "child+base"
    assert calls == ["base hook", "child hook", "child method", "base method"]
    calls.clear()

    Base.m.unbind(base_hook)
    assert Child().m() == "child+base"
    assert calls == ["child hook", "child method", "base method"]
    calls.clear()
    assert Base().m() == "base"
    assert calls == ["base method"]
    calls.clear()
    assert Base.m.__hooks__.call_path == "plain"

    Child.m.unbind(child_hook)
    assert Child().m() == "child+base"
    assert calls == ["child method", "base method"]
    assert Child.m.__hooks__.call_path == "plain"


def test_unbind_base_hook_when_overriding_subclass_has_no_hook_of_its_own() -> None:
    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def m(self) -> None:
            calls.append("base method")

    @support_hooks
    class Child(Base):
        @slot
        def m(self) -> None:
            calls.append("child method")
            super().m()

    child = Child()
    held = child.m
    base_hook = Base.m.bind(recorder(calls, "base hook"))
    child.m()
    assert calls == ["base hook", "child method", "base method"]
    calls.clear()

    Base.m.unbind(base_hook)
    child.m()
    held()
    assert calls == ["child method", "base method"] * 2
    # neither class dispatches any more
    assert Child.m.__hooks__.call_path == "plain"
    assert Base.m.__hooks__.call_path == "plain"


def test_unbind_of_a_hook_not_bound_there_raises_value_error_naming_both() -> None:
    calls: list[str] = []

    @support_hooks
    class Alpha:
        @slot
        def run(self) -> None:
            calls.append("run")

    @support_hooks
    class Beta:
        @slot
        def go(self) -> None:
            calls.append("go")

    @hook
    def stray(self: object) -> None:
        calls.append("stray")

    with pytest.raises(ValueError) as never_bound:
        Alpha.run.unbind(stray)
    assert "stray" in str(never_bound.value)
    assert "Alpha.run" in str(never_bound.value)

    Beta.go.bind(stray)
    with pytest.raises(ValueError) as bound_elsewhere:
        Alpha.run.unbind(stray)
    message = str(bound_elsewhere.value)
    assert "stray" in message
    assert "Alpha.run" in message
    assert "Beta.go" in message, "the slots the hook is bound to are listed"
    # nothing changed
    Alpha().run()
    Beta().go()
    assert calls == ["run", "stray", "go"]
    assert [one.__hooks__ for one in stray.slots] == [Beta.go.__hooks__]

    Beta.go.unbind(stray)
    with pytest.raises(ValueError, match="stray"):
        Beta.go.unbind(stray)


def test_unbind_from_overriding_child_of_a_hook_bound_to_the_parent_raises() -> None:
    calls: list[str] = []

    @support_hooks
    class Parent:
        @slot
        def run(self) -> None:
            calls.append("parent")

    @support_hooks
    class Kid(Parent):
        @slot
        def run(self) -> None:
            calls.append("kid")

    parent_hook = Parent.run.bind(recorder(calls, "parent hook"))
    with pytest.raises(ValueError) as error:
        Kid.run.unbind(parent_hook)
    assert "parent hook" in str(error.value)
    assert "Kid.run" in str(error.value)
    assert "Parent.run" in str(error.value)
    Kid().run()
    assert calls == ["parent hook", "kid"]


@pytest.mark.parametrize(
    "not_a_hook",
    [lambda self: None, None, "hook", 42],
    ids=["function", "None", "str", "int"],
)
def test_unbind_of_a_non_hook_raises_type_error(not_a_hook: object) -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    C.m.bind(recorder(calls, "kept"))
    with pytest.raises(TypeError):
        C.m.unbind(not_a_hook)
    with pytest.raises(TypeError):
        C.m.__hooks__.unbind(not_a_hook)
    assert call(C, calls) == ["kept", "m"]


def test_unbind_then_bind_again(kind: str) -> None:
    calls: list[str] = []
    C = make_class(kind, calls)
    again = C.m.bind(recorder(calls, "again"))
    other = C.m.bind(recorder(calls, "other"))
    C.m.unbind(again)
    assert call(C, calls) == ["other", "m"]
    assert C.m.bind(again) is again
    # a new binding: after the hooks already bound, and only once
    assert call(C, calls) == ["other", "again", "m"]
    assert list(C.m.__hooks__) == [other, again]
    assert [one.__hooks__ for one in again.slots] == [C.m.__hooks__]

    C.m.unbind(again)
    C.m.unbind(other)
    assert C.m.__hooks__.call_path == "plain"
    assert call(C, calls) == ["m"]
    C.m.bind(again)
    assert C.m.__hooks__.call_path != "plain"
    assert call(C, calls) == ["again", "m"]


def test_unbind_inside_hook_skip_is_not_undone_at_exit() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    skipped = C.m.bind(recorder(calls, "skipped"))
    other = C.m.bind(recorder(calls, "other"))
    with skipped.skip():
        assert call(C, calls) == ["other", "m"]
        C.m.unbind(skipped)
        assert call(C, calls) == ["other", "m"]
    assert skipped.enabled is True
    assert call(C, calls) == ["other", "m"]
    assert list(C.m.__hooks__) == [other]
    assert skipped.slots == ()


def test_unbind_of_the_only_hook_inside_hook_skip() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    skipped = C.m.bind(recorder(calls, "skipped"))
    with skipped.skip():
        C.m.unbind(skipped)
    assert call(C, calls) == ["m"]
    assert C.m.__hooks__.call_path == "plain"


def test_unbind_inside_slot_skip_is_not_undone_at_exit() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    gone = C.m.bind(recorder(calls, "gone"))
    kept = C.m.bind(recorder(calls, "kept"))
    with C.m.skip_hooks():
        assert call(C, calls) == ["m"]
        C.m.unbind(gone)
        assert call(C, calls) == ["m"]
    assert C.m.__hooks__.suspended is False
    assert call(C, calls) == ["kept", "m"]
    assert list(C.m.__hooks__) == [kept]

    with C.m.skip_hooks():
        C.m.unbind(kept)
    assert call(C, calls) == ["m"]
    assert C.m.__hooks__.call_path == "plain"


def test_unbind_inside_class_and_global_skips(resume_global: None) -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    first = C.m.bind(recorder(calls, "first"))
    second = C.m.bind(recorder(calls, "second"))
    with C.skip_hooks():
        C.m.unbind(first)
    assert call(C, calls) == ["second", "m"]
    with skip_all_hooks():
        C.m.unbind(second)
    assert call(C, calls) == ["m"]
    assert C.m.__hooks__.call_path == "plain"


def test_unbind_during_a_call_takes_effect_from_the_next_call() -> None:
    calls: list[str] = []
    C = make_class("method", calls)

    @C.m.bind
    @hook
    def remover(self: object, x: int) -> None:
        calls.append("remover")
        if later in list(C.m.__hooks__):
            C.m.unbind(later)

    later = C.m.bind(recorder(calls, "later"))
    assert call(C, calls) == ["remover", "later", "m"]
    assert call(C, calls) == ["remover", "m"]


def test_unbind_logs_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    C = make_class("method", calls)

    @C.m.bind
    @hook
    def audited(self: object, x: int) -> None:
        calls.append("audited")

    caplog.set_level(logging.DEBUG, logger="hookfast.slot")
    caplog.clear()
    C.m.unbind(audited)
    expected = f"|Hooks| Unregistered hook '{display(audited)}' from '{C.m.__hooks__.qualname}'"
    records = [record for record in caplog.records if record.name == "hookfast.slot"]
    assert [record.getMessage() for record in records] == [expected]
    assert records[0].levelno == logging.DEBUG


def test_unbind_logs_nothing_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    bound = C.m.bind(recorder(calls, "quiet"))
    caplog.set_level(logging.INFO, logger="hookfast")
    caplog.clear()
    C.m.unbind(bound)
    assert [record for record in caplog.records if record.name.startswith("hookfast")] == []


# =========================================================================== hooks_for


def names(hooks: Any) -> list[str]:
    return [one.__name__ for one in hooks]


def build_hierarchy(calls: list[str]) -> tuple[type, type, dict[str, Hook[Any]]]:
    """Base and Child, each declaring slot ``m``; hooks of every priority bound to both, interleaved."""

    @support_hooks
    class Base:
        @slot
        def m(self, x: int) -> int:
            calls.append("base method")
            return x

    @support_hooks
    class Child(Base):
        @slot
        def m(self, x: int) -> int:
            calls.append("child method")
            return x * 2

    hooks = {}
    for bound_on, name, priority in [
        (Child, "child normal 1", NORMAL),
        (Base, "base last", LAST),
        (Base, "base normal 1", NORMAL),
        (Child, "child first", FIRST),
        (Base, "base first", FIRST),
        (Child, "child last", LAST),
        (Child, "child normal 2", NORMAL),
        (Base, "base normal 2", NORMAL),
    ]:
        hooks[name] = bound_on.m.bind(recorder(calls, name, priority))
    return Base, Child, hooks


CHILD_ORDER = [
    "base first",
    "child first",
    "base normal 1",
    "base normal 2",
    "child normal 1",
    "child normal 2",
    "base last",
    "child last",
]
BASE_ORDER = ["base first", "base normal 1", "base normal 2", "base last"]


def test_plan_is_in_call_order_across_the_mro() -> None:
    calls: list[str] = []
    Base, Child, hooks = build_hierarchy(calls)

    plan = hooks_for(Child, "m")
    assert isinstance(plan, tuple)
    assert type(plan).__name__ == "HookPlan"
    assert [entry.hook for entry in plan] == [hooks[name] for name in CHILD_ORDER]
    assert [entry.priority for entry in plan] == [FIRST, FIRST, NORMAL, NORMAL, NORMAL, NORMAL, LAST, LAST]
    assert all(type(entry.priority) is HookPriority for entry in plan)
    assert [entry.bound_on for entry in plan] == [Base, Child, Base, Base, Child, Child, Base, Child]
    assert all(entry.runs and entry.silenced_by is None and entry.enabled for entry in plan)
    assert plan.running == tuple(hooks[name] for name in CHILD_ORDER)
    assert type(plan.running) is tuple

    Child().m(1)
    assert calls == [*CHILD_ORDER, "child method"]
    calls.clear()

    base_plan = hooks_for(Base, "m")
    assert [entry.hook for entry in base_plan] == [hooks[name] for name in BASE_ORDER]
    assert {entry.bound_on for entry in base_plan} == {Base}
    Base().m(1)
    assert calls == [*BASE_ORDER, "base method"]


def test_plan_is_the_same_through_the_slot_the_class_and_an_instance() -> None:
    calls: list[str] = []
    Base, Child, _ = build_hierarchy(calls)
    for cls in (Base, Child):
        through_slot = hooks_for(cls.m)
        assert through_slot == hooks_for(cls, "m")
        assert through_slot == hooks_for(cls(), "m")
        assert through_slot.running == hooks_for(cls(), "m").running
    assert hooks_for(Base.m) != hooks_for(Child.m)


def test_plan_of_inheriting_subclasses_is_the_parent_declarations_plan() -> None:
    calls: list[str] = []
    Base, Child, _ = build_hierarchy(calls)

    class Plain(Child):
        pass

    @support_hooks
    class GrandChild(Child):
        @slot
        def other(self) -> None:
            pass

    expected = hooks_for(Child, "m")
    for cls in (Plain, GrandChild):
        assert hooks_for(cls, "m") == expected
        assert hooks_for(cls.m) == expected
        assert hooks_for(cls(), "m") == expected
        assert [entry.bound_on for entry in hooks_for(cls, "m")] == [
            Base,
            Child,
            Base,
            Base,
            Child,
            Child,
            Base,
            Child,
        ]
        cls().m(1)
        assert calls == [*CHILD_ORDER, "child method"]
        calls.clear()


def test_plan_of_a_three_level_hierarchy_orders_equal_priorities_from_the_root() -> None:
    calls: list[str] = []

    @support_hooks
    class A:
        @slot
        def m(self) -> None:
            calls.append("A method")

    class B(A):
        pass

    @support_hooks
    class C(B):
        @slot
        def m(self) -> None:
            calls.append("C method")

    @support_hooks
    class D(C):
        @slot
        def m(self) -> None:
            calls.append("D method")

    # bound from the leaf to the root: bind order alone would put D's hook first
    D.m.bind(recorder(calls, "D"))
    C.m.bind(recorder(calls, "C"))
    A.m.bind(recorder(calls, "A"))
    plan = hooks_for(D, "m")
    assert names(entry.hook for entry in plan) == ["A", "C", "D"]
    assert [entry.bound_on for entry in plan] == [A, C, D]
    D().m()
    assert calls == ["A", "C", "D", "D method"]


def test_plan_of_a_slot_without_hooks_is_empty(kind: str) -> None:
    calls: list[str] = []
    C = make_class(kind, calls)
    plan = hooks_for(C.m)
    assert plan == ()
    assert len(plan) == 0
    assert plan.running == ()
    assert hooks_for(C, "m") == ()
    first_line = repr(plan).splitlines()[0]
    assert "0 hooks, 0 running" in first_line


def test_plan_of_classmethod_and_staticmethod_slots() -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        @classmethod
        def build(cls, x: int) -> int:
            calls.append("build")
            return x

        @slot
        @staticmethod
        def join(x: int) -> int:
            calls.append("join")
            return x

    class Sub(C):
        pass

    build_late = C.build.bind(recorder(calls, "build late", LAST))
    build_early = C.build.bind(recorder(calls, "build early", FIRST))
    join_hook = C.join.bind(recorder(calls, "join hook"))
    join_off = C.join.bind(recorder(calls, "join off", enabled=False))

    for cls in (C, Sub):
        build_plan = hooks_for(cls.build)
        assert build_plan == hooks_for(cls, "build") == hooks_for(cls(), "build")
        assert [entry.hook for entry in build_plan] == [build_early, build_late]
        assert [entry.bound_on for entry in build_plan] == [C, C]
        assert build_plan.running == (build_early, build_late)

        join_plan = hooks_for(cls.join)
        assert join_plan == hooks_for(cls, "join") == hooks_for(cls(), "join")
        assert [entry.hook for entry in join_plan] == [join_hook, join_off]
        assert [entry.silenced_by for entry in join_plan] == [None, "hook"]
        assert [entry.enabled for entry in join_plan] == [True, False]
        assert join_plan.running == (join_hook,)

        calls.clear()
        cls.build(1)
        cls().join(2)
        assert calls == ["build early", "build late", "build", "join hook", "join"]


@pytest.mark.parametrize("level", LEVELS)
def test_silenced_by_each_level(kind: str, level: str, resume_global: None) -> None:
    calls: list[str] = []
    C = make_class(kind, calls)
    bound = C.m.bind(recorder(calls, "recorder"))
    (entry,) = hooks_for(C.m)
    assert (entry.hook, entry.silenced_by, entry.runs, entry.enabled) == (bound, None, True, True)
    assert entry.priority is NORMAL
    assert entry.bound_on is C

    stop(level, C, bound)
    (entry,) = hooks_for(C.m)
    assert entry.hook is bound
    assert entry.silenced_by == level
    assert entry.runs is False
    assert entry.enabled is (level != "hook")
    assert hooks_for(C.m).running == ()
    assert call(C, calls) == ["m"]

    resume(level, C, bound)
    (entry,) = hooks_for(C.m)
    assert (entry.silenced_by, entry.runs, entry.enabled) == (None, True, True)
    assert hooks_for(C.m).running == (bound,)
    assert call(C, calls) == ["recorder", "m"]


@pytest.mark.parametrize("level", LEVELS)
def test_silenced_by_inside_skip_blocks(level: str, resume_global: None) -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    bound = C.m.bind(recorder(calls, "recorder"))
    skip = {
        "global": skip_all_hooks,
        "class": C.skip_hooks,
        "slot": C.m.skip_hooks,
        "hook": bound.skip,
    }[level]
    with skip():
        (entry,) = hooks_for(C, "m")
        assert entry.silenced_by == level
        assert not entry.runs
    (entry,) = hooks_for(C, "m")
    assert entry.silenced_by is None
    assert entry.runs


def test_silenced_by_names_the_first_level_in_order_global_class_slot_hook(
    kind: str, resume_global: None
) -> None:
    calls: list[str] = []
    C = make_class(kind, calls)
    bound = C.m.bind(recorder(calls, "recorder"))
    for level in reversed(LEVELS):  # stopped from the hook level up, resumed from the global down
        stop(level, C, bound)

    for index, level in enumerate(LEVELS):
        (entry,) = hooks_for(C.m)
        assert entry.silenced_by == level, f"stopped: {LEVELS[index:]}"
        assert entry.runs is False
        assert entry.enabled is False
        assert call(C, calls) == ["m"]
        resume(level, C, bound)
    (entry,) = hooks_for(C.m)
    assert (entry.silenced_by, entry.runs, entry.enabled) == (None, True, True)
    assert call(C, calls) == ["recorder", "m"]


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for i, a in enumerate(LEVELS) for b in LEVELS[i + 1 :]],
)
def test_silenced_by_reports_the_higher_of_two_levels(first: str, second: str, resume_global: None) -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    bound = C.m.bind(recorder(calls, "recorder"))
    stop(second, C, bound)
    stop(first, C, bound)
    (entry,) = hooks_for(C.m)
    assert entry.silenced_by == first
    resume(first, C, bound)
    (entry,) = hooks_for(C.m)
    assert entry.silenced_by == second
    resume(second, C, bound)
    (entry,) = hooks_for(C.m)
    assert entry.silenced_by is None


def _apply(state: str, base: type, child: type, hooks: dict[str, Hook[Any]]) -> None:
    for part in state.split("+"):
        {
            "none": lambda: None,
            "global": stop_all_hooks,
            "base class": base.suspend_hooks,
            "child class": child.suspend_hooks,
            "base slot": base.m.suspend_hooks,
            "child slot": child.m.suspend_hooks,
            "hooks": lambda: (hooks["base normal 2"].disable(), hooks["child first"].disable()),
        }[part]()


# state -> the silencing level of a Base hook and of a Child hook (None: it runs); a disabled hook
# ("hooks" disables "base normal 2" and "child first") is silenced by "hook" unless a higher level is
STATES: dict[str, tuple[str | None, str | None]] = {
    "none": (None, None),
    "global": ("global", "global"),
    "base class": ("class", None),
    "child class": (None, "class"),
    "base slot": ("slot", None),
    "child slot": (None, "slot"),
    "hooks": (None, None),
    "global+hooks": ("global", "global"),
    "base class+base slot": ("class", None),
    "base slot+child class": ("slot", "class"),
    "child slot+child class": (None, "class"),
    "base slot+hooks": ("slot", None),
    "child class+hooks": (None, "class"),
    "base class+child slot+hooks": ("class", "slot"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_plan_runs_what_a_call_runs(state: str, resume_global: None) -> None:
    calls: list[str] = []
    Base, Child, hooks = build_hierarchy(calls)
    _apply(state, Base, Child, hooks)

    for cls, method in ((Child, "child method"), (Base, "base method")):
        plan = hooks_for(cls, "m")
        calls.clear()
        cls().m(1)
        assert calls[-1] == method
        ran = calls[:-1]
        assert names(plan.running) == ran, f"{cls.__name__} in state {state}"
        assert names(entry.hook for entry in plan if entry.runs) == ran
        for entry in plan:
            assert entry.runs is (entry.silenced_by is None)
            assert entry.enabled is entry.hook.enabled
        # every bound hook is listed, silenced or not, in priority / depth / bind order
        assert names(entry.hook for entry in plan) == (CHILD_ORDER if cls is Child else BASE_ORDER)

    base_level, child_level = STATES[state]
    disabled = {hooks["base normal 2"], hooks["child first"]} if "hooks" in state else set()
    for cls in (Child, Base):
        for entry in hooks_for(cls, "m"):
            level = base_level if entry.bound_on is Base else child_level
            if entry.hook in disabled and level is None:
                level = "hook"
            assert entry.silenced_by == level, f"{entry.hook.__name__} through {cls.__name__}"
            assert entry.enabled is (entry.hook not in disabled)


def test_planned_hooks_are_immutable() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    bound = C.m.bind(recorder(calls, "recorder"))
    plan = hooks_for(C.m)
    entry = plan[0]
    with pytest.raises(AttributeError):
        entry.runs = False
    with pytest.raises((AttributeError, TypeError)):
        entry.hook = None
    # a plan is a snapshot: later changes do not alter it
    bound.disable()
    assert entry.runs is True
    assert hooks_for(C.m)[0].runs is False
    assert dataclasses.is_dataclass(entry) or isinstance(entry, tuple)


def test_plan_repr_lists_every_hook_and_its_state() -> None:
    @support_hooks
    class Base:
        @slot
        def m(self) -> None:
            pass

    @support_hooks
    class Child(Base):
        @slot
        def m(self) -> None:
            pass

    @Child.m.bind
    @hook
    def log(self: object) -> None:
        pass

    @Base.m.bind
    @hook(priority=FIRST)
    def audit(self: object) -> None:
        pass

    @Child.m.bind
    @hook(priority=LAST)
    def tail(self: object) -> None:
        pass

    tail.disable()
    text = repr(hooks_for(Child, "m"))
    lines = text.splitlines()
    assert len(lines) == 4, text
    assert lines[0].startswith("<HookPlan")
    assert "Child.m" in lines[0]
    assert "3 hooks, 2 running" in lines[0]
    for number, (line, bound, bound_on, state) in enumerate(
        [
            (lines[1], audit, "Base", "runs"),
            (lines[2], log, "Child", "runs"),
            (lines[3], tail, "Child", "silenced by hook"),
        ],
        start=1,
    ):
        assert line.strip().startswith(f"{number}."), line
        assert str(bound.priority) in line, line
        assert display(bound) in line, line
        assert re.search(rf"\(bound on (\S+\.)?{bound_on}\)", line), line
        assert line.rstrip().endswith(state), line

    Child.suspend_hooks()
    lines = repr(hooks_for(Child, "m")).splitlines()
    assert "3 hooks, 1 running" in lines[0]
    assert lines[1].rstrip().endswith("runs")
    assert lines[2].rstrip().endswith("silenced by class")
    assert lines[3].rstrip().endswith("silenced by class")
    Child.resume_hooks()

    # the slot and hook reprs are unchanged
    assert repr(Child.m.__hooks__) == f"<hookfast slot {Child.m.__hooks__.qualname!r} (active, 2 hooks)>"
    assert repr(tail) == f"Hook(callback={tail.callback!r}, enabled=False, priority={LAST!r})"


def test_plan_of_something_that_is_not_a_slot_raises_value_error_naming_it() -> None:
    @support_hooks
    class C:
        setting = 5

        @slot
        def m(self) -> None:
            pass

        def plain(self) -> None:
            pass

    def loose_function() -> None:
        pass

    for target, name in [
        ((C, "plain"), "plain"),
        ((C(), "plain"), "plain"),
        ((C.plain,), "plain"),
        ((C, "setting"), "setting"),
        ((loose_function,), "loose_function"),
    ]:
        with pytest.raises(ValueError, match=name):
            hooks_for(*target)


# =========================================================================== check_hooks


LABELS = ["Method name", "Method source", "Method signature", "Hook name", "Hook source", "Hook signature"]


def fields(error: BaseException) -> dict[str, str]:
    """The labelled values of a SignatureError message (a signature is on the line after its label)."""
    lines = [line.strip() for line in str(error).splitlines()]
    found = {}
    for index, line in enumerate(lines):
        for label in LABELS:
            if line.startswith(f"{label}:"):
                value = line[len(label) + 1 :].strip()
                if not value and index + 1 < len(lines):
                    value = lines[index + 1]
                found[label] = value
    return found


def errors_about(slot_object: Any) -> list[SignatureError]:
    """``check_hooks()`` entries about this slot, after collecting other tests' dead classes."""
    gc.collect()
    qualname = slot_object.__hooks__.qualname
    errors = check_hooks()
    assert isinstance(errors, list)
    return [error for error in errors if qualname in fields(error).get("Method name", "")]


def test_check_hooks_returns_nothing_when_every_hook_fits() -> None:
    @support_hooks
    class Fits:
        @slot
        def run(self, a: int, b: int = 2) -> int:
            return a + b

        @slot
        @classmethod
        def build(cls, value: int) -> int:
            return value

        @slot
        @staticmethod
        def join(a: str, *rest: str) -> str:
            return a

    @Fits.run.bind
    @hook
    def exact(self: object, a: int, b: int = 0) -> None:
        pass

    @Fits.run.bind
    @hook
    def generator(self: object, a: int, b: int = 0) -> Any:
        yield

    @Fits.run.bind
    @hook
    class Context:
        def __init__(self, receiver: object, a: int, b: int = 0) -> None:
            pass

        def __enter__(self) -> None:
            pass

        def __exit__(self, *exc: object) -> None:
            pass

    @Fits.build.bind
    @hook
    def on_build(cls: type, value: int) -> None:
        pass

    @Fits.join.bind
    @hook
    def on_join(a: str, *rest: str) -> None:
        pass

    gc.collect()
    for slot_object in (Fits.run, Fits.build, Fits.join):
        assert errors_about(slot_object) == []
    assert all(isinstance(error, SignatureError) for error in check_hooks())


def test_check_hooks_reports_a_hook_that_can_never_fit() -> None:
    calls: list[str] = []

    @support_hooks
    class Service:
        @slot
        def run(self, a: int, b: int) -> int:
            calls.append("run")
            return a + b

    @hook
    def too_short(self: object) -> None:
        calls.append("too short")

    # binding stays permissive, as in onETL
    assert Service.run.bind(too_short) is too_short
    assert list(Service.run.__hooks__) == [too_short]
    assert [one.__hooks__ for one in too_short.slots] == [Service.run.__hooks__]

    (error,) = errors_about(Service.run)
    assert type(error) is SignatureError
    assert isinstance(error, hookfast.SignatureError)
    assert isinstance(error, TypeError)
    message = str(error)
    declaration = Service.run.__hooks__
    assert "Method name:" in message
    assert declaration.qualname in message
    assert f"{declaration.function.__module__}.{declaration.qualname}" in message
    assert "Hook name:" in message
    assert display(too_short) in message
    assert str(inspect.signature(declaration.function)) in message
    assert str(inspect.signature(too_short.callback)) in message
    found = fields(error)
    assert set(found) == set(LABELS), message
    assert found["Method signature"] == str(inspect.signature(declaration.function))
    assert found["Hook signature"] == str(inspect.signature(too_short.callback))
    assert display(too_short) in found["Hook name"]

    # the same layout as the error raised when the slot is called
    with pytest.raises(SignatureError) as at_call:
        Service().run(1, 2)
    assert fields(at_call.value) == found


def test_check_hooks_reports_one_error_per_slot_and_hook() -> None:
    @support_hooks
    class Service:
        @slot
        def run(self, a: int) -> None:
            pass

        @slot
        def other(self, a: int) -> None:
            pass

    @hook
    def never(self: object, a: int, b: int, c: int) -> None:
        pass

    @hook
    def neither(self: object, *, z: int) -> None:
        pass

    @hook
    def fine(self: object, a: int) -> None:
        pass

    Service.run.bind(never)
    Service.run.bind(never)  # bound twice: still one (slot, hook) pair
    Service.run.bind(fine)
    Service.run.bind(neither)
    Service.other.bind(never)

    run_errors = errors_about(Service.run)
    assert len(run_errors) == 2, [str(error) for error in run_errors]
    assert sum(display(never) in str(error) for error in run_errors) == 1
    assert sum(display(neither) in str(error) for error in run_errors) == 1
    assert not any(display(fine) in str(error) for error in run_errors)

    (other_error,) = errors_about(Service.other)
    assert display(never) in str(other_error)
    assert Service.other.__hooks__.qualname in str(other_error)


def test_check_hooks_passes_method_name_to_hooks_that_declare_it() -> None:
    @support_hooks
    class Service:
        @slot
        def run(self, a: int) -> None:
            pass

    @Service.run.bind
    @hook
    def named(self: object, a: int, method_name: str) -> None:
        pass

    @Service.run.bind
    @hook
    def named_keyword_only(self: object, a: int, *, method_name: str) -> None:
        pass

    @Service.run.bind
    @hook
    def named_but_short(self: object, method_name: str) -> None:
        pass

    (error,) = errors_about(Service.run)
    assert display(named_but_short) in str(error)
    assert str(inspect.signature(named_but_short.callback)) in str(error)


def test_check_hooks_accepts_hooks_taking_any_arguments() -> None:
    @support_hooks
    class Service:
        @slot
        def run(self, a: int, b: int = 1, *, c: int = 2) -> None:
            pass

        @slot
        @staticmethod
        def static(a: int) -> None:
            pass

    for bound in (
        hook(lambda *args, **kwargs: None),
        hook(lambda self, *args, **kwargs: None),
        hook(lambda *args, method_name, **kwargs: None),
    ):
        Service.run.bind(bound)
        Service.static.bind(bound)
    assert errors_about(Service.run) == []
    assert errors_about(Service.static) == []


def test_check_hooks_does_not_report_a_hook_fitting_only_some_call_shapes() -> None:
    @support_hooks
    class Service:
        @slot
        def run(self, a: int, b: int = 1) -> None:
            pass

    @Service.run.bind
    @hook
    def required_only(self: object, a: int) -> None:  # rejects b, fits run(1)
        pass

    @Service.run.bind
    @hook
    def all_arguments(self: object, a: int, b: int) -> None:  # needs b, fits run(1, 2)
        pass

    @Service.run.bind
    @hook
    def nothing(self: object) -> None:  # fits no call
        pass

    (error,) = errors_about(Service.run)
    assert display(nothing) in str(error)


def test_check_hooks_accepts_hooks_fitting_some_call_of_a_slot_taking_star_args() -> None:
    """A slot taking ``*args`` / ``**kwargs`` accepts calls its named parameters do not show."""

    @support_hooks
    class Service:
        @slot
        def run(self, *sources: str) -> None:
            pass

        @slot
        def configure(self, **options: int) -> None:
            pass

        @slot
        @staticmethod
        def join(*parts: str, sep: str = "") -> None:
            pass

        @slot
        @classmethod
        def build(cls, name: str, *args: Any, **kwargs: Any) -> None:
            pass

    fitting = {
        Service.run: [
            lambda self, first, *rest: None,  # run("a", ...)
            lambda self, first, second: None,  # run("a", "b")
            lambda self, first, second=None, *, method_name: None,
        ],
        Service.configure: [
            lambda self, *, verbose: None,  # configure(verbose=1)
            lambda self, verbose, level=0: None,  # configure(verbose=1) binds by keyword
            lambda self, **options: None,
        ],
        Service.join: [lambda first, *rest, sep="": None, lambda *, sep: None],
        Service.build: [lambda cls, name, extra, *, flag: None],  # build("n", 1, flag=2)
    }
    for slot_object, callbacks in fitting.items():
        for callback in callbacks:
            slot_object.bind(hook(callback))
    for slot_object in fitting:
        assert errors_about(slot_object) == [], slot_object

    @hook
    def takes_keyword_only_run_cannot_pass(self: object, *, flag: int) -> None:
        pass

    Service.run.bind(takes_keyword_only_run_cannot_pass)  # run() passes no keyword at all
    # configure() passes nothing but the receiver positionally (a keyword can fill `first`, not `/`)
    Service.configure.bind(hook(lambda self, first, /: None))
    (run_error,) = errors_about(Service.run)
    assert display(takes_keyword_only_run_cannot_pass) in str(run_error)
    (configure_error,) = errors_about(Service.configure)
    assert "(self, first, /)" in fields(configure_error)["Hook signature"]
    assert errors_about(Service.build) == []
    Service.build.bind(hook(lambda name: None))  # the receiver always comes first, positionally
    assert len(errors_about(Service.build)) == 1


SLOT_PARAMETERS = ["", "a", "a, b=1", "*args", "a, *args", "**kwargs", "a, /, **kwargs", "*, k", "a, *, k=1"]
HOOK_PARAMETERS = [
    "",
    "a",
    "a, b",
    "a, /",
    "*rest",
    "a, *rest",
    "*, k",
    "**kwargs",
    "k, **kwargs",
    "a, *, z",
    "method_name",
    "a, *, method_name",
]


def _fits_some_call(slot_function: Any, hook_function: Any) -> bool:
    """By brute force: some call of the slot (receiver first) also binds to the hook."""
    import itertools

    slot_signature, hook_signature = inspect.signature(slot_function), inspect.signature(hook_function)
    extra = {"method_name": "m"} if "method_name" in hook_signature.parameters else {}
    names = sorted({*slot_signature.parameters, *hook_signature.parameters, "fresh"} - {"self"})
    for positional in range(1, 6):
        for count in range(len(names) + 1):
            for chosen in itertools.combinations(names, count):
                args, kwargs = [object()] * positional, dict.fromkeys(chosen, 0)
                try:
                    slot_signature.bind(*args, **kwargs)
                    hook_signature.bind(*args, **kwargs, **extra)
                except TypeError:
                    continue
                return True
    return False


def test_check_hooks_reports_exactly_the_hooks_no_call_of_the_slot_fits() -> None:
    namespace: dict[str, Any] = {}
    for number, parameters in enumerate(SLOT_PARAMETERS):
        exec(f"def slot_{number}(self, {parameters}): pass", namespace)
    for number, parameters in enumerate(HOOK_PARAMETERS):
        exec(f"def hook_{number}(self, {parameters}): pass", namespace)
    checked = 0
    for slot_number in range(len(SLOT_PARAMETERS)):
        slot_function = namespace[f"slot_{slot_number}"]
        Service = support_hooks(type("Service", (), {"run": slot(slot_function)}))
        expected = set()
        for hook_number in range(len(HOOK_PARAMETERS)):
            hook_function = namespace[f"hook_{hook_number}"]
            Service.run.bind(hook(hook_function))
            if not _fits_some_call(slot_function.__hooks__.body, hook_function):
                expected.add(str(inspect.signature(hook_function)))
        reported = {fields(error)["Hook signature"] for error in errors_about(Service.run)}
        assert reported == expected, SLOT_PARAMETERS[slot_number]
        checked += len(expected)
    assert checked > 20  # the brute force finds misfits: the comparison means something


def test_check_hooks_knows_the_receiver_of_each_slot_kind() -> None:
    @support_hooks
    class Service:
        @slot
        @classmethod
        def build(cls, value: int) -> None:
            pass

        @slot
        @staticmethod
        def join(value: int) -> None:
            pass

    @Service.build.bind
    @hook
    def build_fits(cls: type, value: int) -> None:
        pass

    @Service.build.bind
    @hook
    def build_misses_cls(value: int) -> None:
        pass

    @Service.join.bind
    @hook
    def join_fits(value: int) -> None:
        pass

    @Service.join.bind
    @hook
    def join_expects_self(self: object, value: int) -> None:
        pass

    (build_error,) = errors_about(Service.build)
    assert display(build_misses_cls) in str(build_error)
    (join_error,) = errors_about(Service.join)
    assert display(join_expects_self) in str(join_error)


def test_check_hooks_reports_silenced_hooks_too(resume_global: None) -> None:
    @support_hooks
    class Service:
        @slot
        def run(self, a: int) -> None:
            pass

    @Service.run.bind
    @hook(enabled=False)
    def disabled(self: object) -> None:
        pass

    assert len(errors_about(Service.run)) == 1
    Service.suspend_hooks()
    Service.run.suspend_hooks()
    stop_all_hooks()
    assert len(errors_about(Service.run)) == 1
    resume_all_hooks()


def test_check_hooks_forgets_unbound_hooks_and_dropped_classes() -> None:
    @support_hooks
    class Dropped:
        @slot
        def run(self, a: int) -> None:
            pass

    @hook
    def misfit(self: object) -> None:
        pass

    @hook
    def other_misfit(self: object, a: int, b: int) -> None:
        pass

    Dropped.run.bind(misfit)
    Dropped.run.bind(other_misfit)
    qualname = Dropped.run.__hooks__.qualname
    assert len(errors_about(Dropped.run)) == 2

    Dropped.run.unbind(other_misfit)
    (error,) = errors_about(Dropped.run)
    assert display(misfit) in str(error)
    del error

    class_reference = weakref.ref(Dropped)
    del Dropped
    gc.collect()
    assert class_reference() is None, "precondition: nothing else keeps the class alive"
    assert misfit.slots == ()
    assert not [error for error in check_hooks() if qualname in fields(error).get("Method name", "")]


def test_check_hooks_is_callable_with_no_slots_of_this_test() -> None:
    gc.collect()
    errors = check_hooks()
    assert isinstance(errors, list)
    assert all(isinstance(error, SignatureError) for error in errors)


# =========================================================================== hooks_for and scoped skips


@pytest.mark.parametrize("level", LEVELS)
def test_plan_honours_the_local_skips_of_the_calling_thread_or_task(level: str) -> None:
    calls: list[str] = []
    Base, Child, hooks = build_hierarchy(calls)
    skipped_hook = hooks["base normal 2"]
    skip = {
        "global": lambda: skip_all_hooks(local=True),
        "class": lambda: Base.skip_hooks(local=True),
        "slot": lambda: Base.m.skip_hooks(local=True),
        "hook": lambda: skipped_hook.skip(local=True),
    }[level]
    seen_elsewhere: list[Any] = []

    def other_thread() -> None:
        seen_elsewhere.append(hooks_for(Child, "m"))

    with skip():
        plan = hooks_for(Child, "m")
        calls.clear()
        Child().m(1)
        ran = calls[:-1]
        assert names(plan.running) == ran  # what a call made here runs
        for entry in plan:
            assert entry.runs is (entry.silenced_by is None)
        if level == "global":
            silenced = {entry.hook for entry in plan}
        elif level == "hook":
            silenced = {skipped_hook}
        else:  # class and slot: Base's own hooks (a class-level skip of Base covers Base.m only)
            silenced = {entry.hook for entry in plan if entry.bound_on is Base}
        assert {entry.hook for entry in plan if entry.silenced_by == "local"} == silenced
        assert silenced and not (silenced & set(plan.running))
        assert Child.m.__hooks__.merged_hooks() == plan.running
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    (elsewhere,) = seen_elsewhere  # another thread's calls are not skipped
    assert names(elsewhere.running) == CHILD_ORDER
    assert "silenced by local" in repr(plan)
    assert names(hooks_for(Child, "m").running) == CHILD_ORDER  # the block ended


def test_plan_names_a_process_wide_level_before_local(resume_global: None) -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    bound = C.m.bind(recorder(calls, "recorder"))
    with skip_all_hooks(local=True):
        (entry,) = hooks_for(C.m)
        assert entry.silenced_by == "local"
        bound.disable()
        (entry,) = hooks_for(C.m)
        assert entry.silenced_by == "hook"
        bound.enable()


def test_plan_in_a_task_follows_the_task_scoped_skips() -> None:
    calls: list[str] = []
    C = make_class("method", calls)
    bound = C.m.bind(recorder(calls, "recorder"))

    async def skipping() -> tuple[str | None, ...]:
        with bound.skip(local=True):
            await asyncio.sleep(0)
            return tuple(entry.silenced_by for entry in hooks_for(C.m))

    async def running() -> tuple[str | None, ...]:
        await asyncio.sleep(0)
        return tuple(entry.silenced_by for entry in hooks_for(C.m))

    async def main() -> list[tuple[str | None, ...]]:
        return list(await asyncio.gather(skipping(), running()))

    assert asyncio.run(main()) == [("local",), (None,)]
