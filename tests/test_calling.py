"""Calling a slot: receivers, arguments, ordering, results, contexts, exceptions, super().

Every test records what runs in a ``calls`` list and compares the whole trace, so a hook that runs
twice, too early or not at all fails the test. Classes are defined inside the tests: the dispatch
backend is chosen when ``@support_hooks`` runs (see ``conftest.backend``).
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from hookfast import HookPriority, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

FIRST = HookPriority.FIRST
NORMAL = HookPriority.NORMAL
LAST = HookPriority.LAST


def _recording_cm(calls: list[Any], name: str, *, suppress: bool = False, result: Any = None) -> type:
    """A context-manager hook class recording __init__/__enter__/__exit__ (and the exception seen)."""

    class Recorder:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            calls.append(f"{name} init")

        def __enter__(self) -> Recorder:
            calls.append(f"{name} enter")
            return self

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
            calls.append((f"{name} exit", exc))
            return suppress

    Recorder.__qualname__ = Recorder.__name__ = name
    return Recorder


# --------------------------------------------------------------------------- receivers and arguments


def test_method_hook_receives_instance_and_caller_args():
    calls = []

    @support_hooks
    class Calculator:
        @slot
        def plus(self, a, b):
            calls.append(("plus", self, a, b))
            return a + b

    @Calculator.plus.bind
    @hook
    def check(self, a, b):
        calls.append(("hook", self, a, b))

    calc = Calculator()
    assert calc.plus(1, 2) == 3
    assert calls == [("hook", calc, 1, 2), ("plus", calc, 1, 2)]


def test_keyword_arguments_reach_hook_as_keywords():
    calls = []

    @support_hooks
    class Calculator:
        @slot
        def plus(self, a, b):
            return a + b

    @Calculator.plus.bind
    @hook
    def check(*args, **kwargs):
        calls.append((args[1:], kwargs))

    assert Calculator().plus(1, b=5) == 6
    assert Calculator().plus(a=2, b=3) == 5
    assert calls == [((1,), {"b": 5}), ((), {"a": 2, "b": 3})]


def test_classmethod_hook_receives_class():
    calls = []

    @support_hooks
    class Factory:
        @slot
        @classmethod
        def build(cls, value):
            calls.append(("build", cls, value))
            return value

    @Factory.build.bind
    @hook
    def check(cls, value):
        calls.append(("hook", cls, value))

    assert Factory.build(4) == 4
    assert Factory().build(5) == 5
    assert calls == [("hook", Factory, 4), ("build", Factory, 4), ("hook", Factory, 5), ("build", Factory, 5)]


def test_inherited_classmethod_hook_gets_subclass_as_cls():
    calls = []

    @support_hooks
    class Factory:
        @slot
        @classmethod
        def build(cls, value):
            calls.append(("build", cls, value))
            return cls

    class SubFactory(Factory):
        pass

    @Factory.build.bind
    @hook
    def check(cls, value):
        calls.append(("hook", cls, value))

    assert SubFactory.build(1) is SubFactory
    assert SubFactory().build(2) is SubFactory
    assert calls == [
        ("hook", SubFactory, 1),
        ("build", SubFactory, 1),
        ("hook", SubFactory, 2),
        ("build", SubFactory, 2),
    ]


def test_staticmethod_hook_receives_no_receiver():
    calls = []

    @support_hooks
    class Tools:
        @slot
        @staticmethod
        def join(a, b):
            calls.append(("join", a, b))
            return f"{a}{b}"

    @Tools.join.bind
    @hook
    def check(*args, **kwargs):
        calls.append(("hook", args, kwargs))

    assert Tools.join("x", "y") == "xy"
    assert Tools().join("p", b="q") == "pq"
    assert calls == [
        ("hook", ("x", "y"), {}),
        ("join", "x", "y"),
        ("hook", ("p",), {"b": "q"}),
        ("join", "p", "q"),
    ]


def test_slot_defaults_are_not_forwarded_hook_defaults_apply():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, a, b=2):
            calls.append(("run", a, b))
            return a + b

    @Service.run.bind
    @hook
    def with_default(self, a, b="hook-default"):
        calls.append(("with_default", a, b))

    @Service.run.bind
    @hook
    def catch_all(self, *args, **kwargs):
        calls.append(("catch_all", args, kwargs))

    service = Service()
    assert service.run(1) == 3
    assert service.run(1, b=10) == 11
    assert service.run(1, 20) == 21
    assert calls == [
        ("with_default", 1, "hook-default"),
        ("catch_all", (1,), {}),
        ("run", 1, 2),
        ("with_default", 1, 10),
        ("catch_all", (1,), {"b": 10}),
        ("run", 1, 10),
        ("with_default", 1, 20),
        ("catch_all", (1, 20), {}),
        ("run", 1, 20),
    ]


def test_hook_can_mutate_mutable_argument_but_not_rebind_it():
    @support_hooks
    class Service:
        @slot
        def run(self, items):
            return list(items)

    @Service.run.bind
    @hook
    def mutate(self, items):
        items.append("from hook")
        items = ["rebound"]  # rebinding the local must not affect the method

    assert Service().run(["a"]) == ["a", "from hook"]


def test_same_arguments_object_identity_reaches_hook_and_method():
    seen = []
    marker = object()

    @support_hooks
    class Service:
        @slot
        def run(self, value, *, key):
            seen.append(("run", value, key))

    @Service.run.bind
    @hook
    def check(self, value, *, key):
        seen.append(("hook", value, key))

    Service().run(marker, key=marker)
    assert seen == [("hook", marker, marker), ("run", marker, marker)]
    assert all(v is marker and k is marker for _, v, k in seen)


# --------------------------------------------------------------------------- method_name injection


def test_method_name_keyword_only_parameter_receives_slot_name():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            return x

    @Service.run.bind
    @hook
    def check(self, x, *, method_name):
        calls.append((x, method_name))

    Service().run(7)
    assert calls == [(7, "run")]


def test_method_name_positional_parameter_receives_it_by_keyword():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            return x

    @Service.run.bind
    @hook
    def check(self, x, method_name):
        calls.append((x, method_name))

    Service().run(3)
    Service().run(x=4)
    assert calls == [(3, "run"), (4, "run")]


def test_method_name_with_star_args_hook_and_keyword_call():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            return x

    @Service.run.bind
    @hook
    def with_star(self, *args, method_name, **kwargs):
        calls.append((method_name, args, kwargs))

    Service().run(3)
    Service().run(x=4)
    assert calls == [("run", (3,), {}), ("run", (), {"x": 4})]


def test_kwargs_only_hook_does_not_get_method_name():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            return x

    @Service.run.bind
    @hook
    def catch_all(*args, **kwargs):
        calls.append((args[1:], kwargs))

    Service().run(1)
    Service().run(x=2)
    assert calls == [((1,), {}), ((), {"x": 2})]


def test_method_name_is_function_name_not_attribute_name():
    calls = []

    def implementation(self, x):
        return x

    @support_hooks
    class Service:
        run = slot(implementation)

    @Service.run.bind
    @hook
    def check(self, x, method_name):
        calls.append(method_name)

    assert Service().run(1) == 1
    assert calls == ["implementation"]


def test_method_name_for_classmethod_and_staticmethod_and_shared_hook():
    calls = []

    @support_hooks
    class Service:
        @slot
        @classmethod
        def create(cls):
            return "created"

        @slot
        @staticmethod
        def helper():
            return "helped"

        @slot
        def run(self):
            return "ran"

    @Service.create.bind
    @Service.helper.bind
    @Service.run.bind
    @hook
    def shared(*args, method_name):
        calls.append((len(args), method_name))

    assert Service.create() == "created"
    assert Service.helper() == "helped"
    assert Service().run() == "ran"
    assert calls == [(1, "create"), (0, "helper"), (1, "run")]


# --------------------------------------------------------------------------- ordering


def test_priority_order_within_one_class_and_registration_order_within_priority():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")

    for name, priority in [
        ("last1", LAST),
        ("normal1", NORMAL),
        ("first1", FIRST),
        ("last2", LAST),
        ("normal2", NORMAL),
        ("first2", FIRST),
    ]:

        def callback(self, _name=name):
            calls.append(_name)

        Service.run.bind(hook(callback, priority=priority))

    Service().run()
    assert calls == ["first1", "first2", "normal1", "normal2", "last1", "last2", "method"]


def test_priority_given_as_int_orders_like_enum():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")

    Service.run.bind(hook(lambda self: calls.append("one"), priority=1))
    Service.run.bind(hook(lambda self: calls.append("zero"), priority=0))
    Service.run.bind(hook(lambda self: calls.append("minus"), priority=-1))
    Service().run()
    assert calls == ["minus", "zero", "one", "method"]


def test_order_across_parent_and_child_slots():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self):
            calls.append("parent method")

    @support_hooks
    class Child(Parent):
        @slot
        def run(self):
            calls.append("child method")

    def bind(cls, name, priority):
        cls.run.bind(hook(lambda self: calls.append(name), priority=priority))

    # bound in an order unrelated to the expected run order
    bind(Child, "child LAST", LAST)
    bind(Child, "child NORMAL", NORMAL)
    bind(Parent, "parent LAST", LAST)
    bind(Child, "child FIRST", FIRST)
    bind(Parent, "parent NORMAL", NORMAL)
    bind(Parent, "parent FIRST", FIRST)

    Child().run()
    assert calls == [
        "parent FIRST",
        "child FIRST",
        "parent NORMAL",
        "child NORMAL",
        "parent LAST",
        "child LAST",
        "child method",
    ]
    calls.clear()
    Parent().run()
    assert calls == ["parent FIRST", "parent NORMAL", "parent LAST", "parent method"]


def test_order_multiple_inheritance_follows_reversed_mro():
    calls = []

    @support_hooks
    class MA:
        @slot
        def run(self):
            calls.append("MA method")

    @support_hooks
    class MB:
        @slot
        def run(self):
            calls.append("MB method")

    @support_hooks
    class MC(MA, MB):
        @slot
        def run(self):
            calls.append("MC method")

    assert MC.__mro__[:3] == (MC, MA, MB)
    for cls in (MC, MA, MB):
        for priority in (LAST, NORMAL, FIRST):
            label = f"{cls.__name__} {priority.name}"
            cls.run.bind(hook(lambda self, _label=label: calls.append(_label), priority=priority))

    MC().run()
    assert calls == [
        "MB FIRST",
        "MA FIRST",
        "MC FIRST",
        "MB NORMAL",
        "MA NORMAL",
        "MC NORMAL",
        "MB LAST",
        "MA LAST",
        "MC LAST",
        "MC method",
    ]


def test_parent_hooks_run_for_overriding_slot_without_super():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self, x):
            calls.append(("parent method", x))
            return "parent"

    @support_hooks
    class Child(Parent):
        @slot
        def run(self, x):
            calls.append(("child method", x))
            return "child"

    @Parent.run.bind
    @hook
    def parent_hook(self, x):
        calls.append(("parent hook", type(self).__name__, x))

    assert Child().run(1) == "child"
    assert calls == [("parent hook", "Child", 1), ("child method", 1)]


def test_child_slot_hooks_do_not_run_for_parent_calls():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self):
            calls.append("parent method")

    @support_hooks
    class Child(Parent):
        @slot
        def run(self):
            calls.append("child method")

    Child.run.bind(hook(lambda self: calls.append("child hook")))
    Parent().run()
    Child().run()
    assert calls == ["parent method", "child hook", "child method"]


def test_inherited_slot_shares_parent_declaration():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self):
            calls.append(("method", type(self).__name__))

    class Child(Parent):
        pass

    # binding through the child binds to the parent's declaration
    Child.run.bind(hook(lambda self: calls.append(("hook", type(self).__name__))))
    Parent().run()
    Child().run()
    assert calls == [("hook", "Parent"), ("method", "Parent"), ("hook", "Child"), ("method", "Child")]


# --------------------------------------------------------------------------- plain results


def test_plain_non_none_return_replaces_result_and_method_still_runs():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "original"

    Service.run.bind(hook(lambda self: calls.append("hook") or "replacement"))
    assert Service().run() == "replacement"
    assert calls == ["hook", "method"]


def test_last_plain_result_wins_whatever_priorities():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    Service.run.bind(hook(lambda self: "last", priority=LAST))
    Service.run.bind(hook(lambda self: None, priority=LAST))
    Service.run.bind(hook(lambda self: "first", priority=FIRST))
    Service.run.bind(hook(lambda self: "normal", priority=NORMAL))
    assert Service().run() == "last"


def test_earlier_plain_result_kept_when_later_hooks_return_none():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    Service.run.bind(hook(lambda self: "first", priority=FIRST))
    Service.run.bind(hook(lambda self: None, priority=NORMAL))
    Service.run.bind(hook(lambda self: None, priority=LAST))
    assert Service().run() == "first"


def test_none_returning_hook_is_ignored():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    Service.run.bind(hook(lambda self: None))
    assert Service().run() == "original"


def test_plain_hook_result_replaces_none_method_result():
    @support_hooks
    class Plugins:
        @slot
        @staticmethod
        def get_current_cluster():
            pass

    assert Plugins.get_current_cluster() is None
    Plugins.get_current_cluster.bind(hook(lambda: "cluster-a"))
    assert Plugins.get_current_cluster() == "cluster-a"


@pytest.mark.parametrize("falsy", [0, "", False, [], 0.0])
def test_falsy_plain_result_replaces(falsy):
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    Service.run.bind(hook(lambda self: falsy))
    result = Service().run()
    assert result == falsy
    assert type(result) is type(falsy)


# --------------------------------------------------------------------------- generator hooks


def test_generator_bare_yield_is_an_after_hook():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "original"

    @Service.run.bind
    @hook
    def around(self):
        calls.append("before")
        yield
        calls.append("after")

    assert Service().run() == "original"
    assert calls == ["before", "method", "after"]


def test_generator_yield_value_replaces_result():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "original"

    @Service.run.bind
    @hook
    def replace(self):
        yield "replaced"
        calls.append("after")

    assert Service().run() == "replaced"
    assert calls == ["method", "after"]


def test_generator_receives_result_and_modifies_it():
    seen = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            return x * 10

    @Service.run.bind
    @hook
    def modify(self, x):
        result = yield
        seen.append(result)
        yield result + 1

    assert Service().run(2) == 21
    assert seen == [20]


def test_generator_inspecting_only_leaves_result_unchanged():
    seen = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    def inspect_only(self):
        result = yield
        seen.append(result)
        yield

    assert Service().run() == "original"
    assert seen == ["original"]


def test_generator_yielding_nothing_has_no_effect():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "original"

    @Service.run.bind
    @hook
    def nothing(self):
        calls.append("generator body")
        return
        yield  # pragma: no cover - makes this a generator function

    assert Service().run() == "original"
    assert calls == ["generator body", "method"]


def test_generator_first_value_then_bare_yield_leaves_result_unchanged():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    def first_then_bare(self):
        yield 5
        yield

    assert Service().run() == "original"


@pytest.mark.parametrize("falsy", [0, "", False])
def test_generator_falsy_replacement_replaces(falsy):
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    def modify(self):
        yield
        yield falsy

    result = Service().run()
    assert result == falsy
    assert type(result) is type(falsy)


def test_generator_sees_result_replaced_by_plain_hook():
    seen = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook(priority=FIRST)
    def gen(self):
        seen.append((yield))

    Service.run.bind(hook(lambda self: "plain", priority=LAST))
    assert Service().run() == "plain"
    assert seen == ["plain"]


def test_generator_finally_runs_after_result_processed():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return 1

    @Service.run.bind
    @hook
    def gen(self):
        try:
            result = yield
            calls.append(("got", result))
            yield result + 1
        finally:
            calls.append("finally")

    assert Service().run() == 2
    assert calls == ["method", ("got", 1), "finally"]


# --------------------------------------------------------------------------- context-manager hooks


def test_context_manager_class_without_process_result():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            calls.append(("method", x))
            return "original"

    @Service.run.bind
    @hook
    class Around:
        def __init__(self, instance, x):
            calls.append(("init", type(instance).__name__, x))

        def __enter__(self):
            calls.append("enter")
            return "ignored enter value"

        def __exit__(self, exc_type, exc, tb):
            calls.append(("exit", exc_type, exc, tb))
            return False

    assert Service().run(3) == "original"
    assert calls == [("init", "Service", 3), "enter", ("method", 3), ("exit", None, None, None)]


def test_context_manager_class_with_process_result():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return 2

    @Service.run.bind
    @hook
    class Doubler:
        def __init__(self, instance):
            calls.append("init")

        def __enter__(self):
            calls.append("enter")
            return 12345  # ignored

        def __exit__(self, *exc_info):
            calls.append("exit")

        def process_result(self, result):
            calls.append(("process_result", result))
            return result * 2

    assert Service().run() == 4
    assert calls == ["init", "enter", "method", ("process_result", 2), "exit"]


def test_context_manager_process_result_none_keeps_result():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    class Observer:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def process_result(self, result):
            return None

    assert Service().run() == "original"


@pytest.mark.parametrize("falsy", [0, "", False])
def test_context_manager_process_result_falsy_replaces(falsy):
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    class Falsifier:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def process_result(self, result):
            return falsy

    assert Service().run() is falsy


def test_contexts_process_forward_and_exit_in_reverse():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return ""

    def make(name, priority):
        class Ctx:
            def __init__(self, instance):
                calls.append(f"{name} init")

            def __enter__(self):
                calls.append(f"{name} enter")

            def __exit__(self, *exc_info):
                calls.append(f"{name} exit")

            def process_result(self, result):
                calls.append(f"{name} process {result!r}")
                return result + name

        Ctx.__qualname__ = name
        Service.run.bind(hook(Ctx, priority=priority))

    make("C", LAST)
    make("A", FIRST)
    make("B", NORMAL)
    assert Service().run() == "ABC"
    assert calls == [
        "A init",
        "A enter",
        "B init",
        "B enter",
        "C init",
        "C enter",
        "method",
        "A process ''",
        "B process 'A'",
        "C process 'AB'",
        "C exit",
        "B exit",
        "A exit",
    ]


def test_chain_example_first_gen_last_function_last_gen():
    seen = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            return 1

    @Service.run.bind
    @hook(priority=FIRST)
    def plus_one(self):
        result = yield
        seen.append(result)
        yield result + 1

    Service.run.bind(hook(lambda self: 100, priority=LAST))

    @Service.run.bind
    @hook(priority=LAST)
    def times_two(self):
        result = yield
        yield result * 2

    assert Service().run() == 202
    assert seen == [100]


def test_mixed_generators_and_context_managers_trace_order():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "result"

    @Service.run.bind
    @hook(priority=FIRST)
    def g1(self):
        calls.append("G1 before")
        try:
            yield
            calls.append("G1 after-yield")
        finally:
            calls.append("G1 finally")

    def make_cm(name, priority):
        class K:
            def __init__(self, instance):
                calls.append(f"{name} init")

            def __enter__(self):
                calls.append(f"{name} enter")
                return self

            def __exit__(self, *exc_info):
                calls.append(f"{name} exit")
                return False

            def process_result(self, result):
                calls.append(f"{name} process_result")

        K.__qualname__ = name
        return hook(K, priority=priority)

    Service.run.bind(make_cm("K1", FIRST))

    @Service.run.bind
    @hook(priority=NORMAL)
    def g2(self):
        calls.append("G2 before")
        try:
            yield
            calls.append("G2 after-yield")
        finally:
            calls.append("G2 finally")

    Service.run.bind(make_cm("K2", LAST))

    assert Service().run() == "result"
    assert calls == [
        "G1 before",
        "K1 init",
        "K1 enter",
        "G2 before",
        "K2 init",
        "K2 enter",
        "method",
        "G1 after-yield",
        "G1 finally",
        "K1 process_result",
        "G2 after-yield",
        "G2 finally",
        "K2 process_result",
        "K2 exit",
        "K1 exit",
    ]


def test_function_returning_context_manager_is_entered_not_a_result():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "original"

    Service.run.bind(hook(lambda self: contextlib.nullcontext("V")))

    @Service.run.bind
    @hook
    def returns_cm(self):
        @contextlib.contextmanager
        def managed():
            calls.append("cm enter")
            yield "cm value"
            calls.append("cm exit")

        return managed()

    assert Service().run() == "original"
    assert calls == ["cm enter", "method", "cm exit"]


def test_hook_class_that_is_not_a_context_manager_becomes_the_result():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            calls.append("method")
            return "original"

    @Service.run.bind
    @hook
    class Report:
        def __init__(self, instance, x):
            self.x = x

        def process_result(self, result):  # never called: not a context manager
            calls.append("process_result")
            return "processed"

    result = Service().run(9)
    assert isinstance(result, Report.callback)
    assert result.x == 9
    assert calls == ["method"]


def test_class_with_only_enter_is_not_a_context_manager():
    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    class HalfCM:
        def __init__(self, instance):
            pass

        def __enter__(self):  # pragma: no cover - must never be called
            raise AssertionError("entered a half context manager")

    assert isinstance(Service().run(), HalfCM.callback)


# --------------------------------------------------------------------------- exceptions


def test_hook_raising_before_method_stops_call_and_earlier_contexts_see_it_in_reverse():
    calls = []
    error = ValueError("hook failed")

    @support_hooks
    class Service:
        @slot
        def run(self):  # pragma: no cover - must not run
            calls.append("method")

    Service.run.bind(hook(_recording_cm(calls, "K1"), priority=FIRST))
    Service.run.bind(hook(_recording_cm(calls, "K2"), priority=NORMAL))

    @Service.run.bind
    @hook(priority=NORMAL)
    def gen(self):
        calls.append("gen before")
        try:
            yield
        except ValueError as exc:
            calls.append(("gen except", exc))
            raise
        finally:
            calls.append("gen finally")

    @Service.run.bind
    @hook(priority=LAST)
    def failing(self):
        calls.append("failing")
        raise error

    Service.run.bind(hook(lambda self: calls.append("never"), priority=LAST))

    with pytest.raises(ValueError) as info:
        Service().run()
    assert info.value is error
    assert calls == [
        "K1 init",
        "K1 enter",
        "K2 init",
        "K2 enter",
        "gen before",
        "failing",
        ("gen except", error),
        "gen finally",
        ("K2 exit", error),
        ("K1 exit", error),
    ]


def test_method_raising_exits_contexts_in_reverse_with_same_exception():
    calls = []
    error = KeyError("method failed")

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            raise error

    Service.run.bind(hook(_recording_cm(calls, "K1"), priority=FIRST))

    @Service.run.bind
    @hook
    def gen(self):
        try:
            result = yield
            calls.append(("gen after", result))  # pragma: no cover - skipped by the exception
        except KeyError as exc:
            calls.append(("gen except", exc))
            raise
        finally:
            calls.append("gen finally")

    Service.run.bind(hook(_recording_cm(calls, "K2"), priority=LAST))

    with pytest.raises(KeyError) as info:
        Service().run()
    assert info.value is error
    assert calls == [
        "K1 init",
        "K1 enter",
        "K2 init",
        "K2 enter",
        "method",
        ("K2 exit", error),
        ("gen except", error),
        "gen finally",
        ("K1 exit", error),
    ]


def test_plain_hook_exception_propagates_unchanged():
    error = RuntimeError("boom")

    @support_hooks
    class Service:
        @slot
        def run(self):  # pragma: no cover - must not run
            raise AssertionError("method ran")

    def failing(self):
        raise error

    Service.run.bind(hook(failing))
    with pytest.raises(RuntimeError) as info:
        Service().run()
    assert info.value is error
    assert info.value.__cause__ is None


def test_context_suppressing_method_exception_returns_none():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            raise ValueError("suppressed")

    Service.run.bind(hook(_recording_cm(calls, "K", suppress=True)))
    assert Service().run() is None
    assert [c if isinstance(c, str) else c[0] for c in calls] == ["K init", "K enter", "method", "K exit"]
    assert isinstance(calls[-1][1], ValueError)


def test_context_suppressing_later_hook_exception_returns_none_and_skips_method():
    calls = []
    error = ValueError("from later hook")

    @support_hooks
    class Service:
        @slot
        def run(self):  # pragma: no cover - must not run
            calls.append("method")
            return "original"

    Service.run.bind(hook(_recording_cm(calls, "K", suppress=True), priority=FIRST))

    def failing(self):
        calls.append("failing")
        raise error

    Service.run.bind(hook(failing, priority=LAST))
    assert Service().run() is None
    assert calls == ["K init", "K enter", "failing", ("K exit", error)]


def test_context_suppressing_process_result_exception_returns_none():
    calls = []
    error = ValueError("from process_result")

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "original"

    Service.run.bind(hook(_recording_cm(calls, "K", suppress=True), priority=FIRST))

    @Service.run.bind
    @hook(priority=LAST)
    class Failing:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            calls.append("Failing exit")
            return False

        def process_result(self, result):
            raise error

    assert Service().run() is None
    assert calls == ["K init", "K enter", "method", "Failing exit", ("K exit", error)]


def test_generator_suppressing_method_exception_returns_none():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            raise ValueError("suppressed by generator")

    @Service.run.bind
    @hook
    def swallow(self):
        try:
            yield
        except ValueError as exc:
            calls.append(str(exc))

    assert Service().run() is None
    assert calls == ["suppressed by generator"]


def test_generator_yielding_three_times_raises_after_second_yield_applied():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "original"

    @Service.run.bind
    @hook
    def too_many(self):
        try:
            yield
            yield "second"
            yield "third"  # pragma: no cover - the generator is closed here
        finally:
            calls.append("too_many finally")

    @Service.run.bind
    @hook(priority=LAST)
    class Observer:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            calls.append(("Observer exit", exc))
            return False

        def process_result(self, result):
            calls.append(("Observer saw", result))

    with pytest.raises(RuntimeError, match=r"^generator didn't stop$"):
        Service().run()
    assert calls == [("Observer saw", "second"), ("Observer exit", None), "too_many finally"]


def test_generator_raising_before_first_yield_reaches_earlier_contexts():
    calls = []
    error = LookupError("before yield")

    @support_hooks
    class Service:
        @slot
        def run(self):  # pragma: no cover - must not run
            calls.append("method")

    Service.run.bind(hook(_recording_cm(calls, "K"), priority=FIRST))

    @Service.run.bind
    @hook
    def failing_gen(self):
        calls.append("gen start")
        raise error
        yield  # pragma: no cover

    with pytest.raises(LookupError) as info:
        Service().run()
    assert info.value is error
    assert calls == ["K init", "K enter", "gen start", ("K exit", error)]


def test_generator_raising_after_yield_propagates_same_object_through_contexts():
    calls = []
    error = ArithmeticError("after yield")

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return 1

    Service.run.bind(hook(_recording_cm(calls, "K"), priority=FIRST))

    @Service.run.bind
    @hook
    def failing_gen(self):
        yield
        calls.append("gen after")
        raise error

    with pytest.raises(ArithmeticError) as info:
        Service().run()
    assert info.value is error
    assert calls == ["K init", "K enter", "method", "gen after", ("K exit", error)]


def test_exception_replaced_by_context_exit():
    replacement = OSError("from __exit__")
    original = ValueError("from method")

    @support_hooks
    class Service:
        @slot
        def run(self):
            raise original

    @Service.run.bind
    @hook
    class Replacer:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            raise replacement

    with pytest.raises(OSError) as info:
        Service().run()
    assert info.value is replacement
    assert info.value.__context__ is original


def test_slot_works_normally_after_exception():
    calls = []
    fail = [True]

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            if fail[0]:
                raise ValueError("first call")
            return "ok"

    Service.run.bind(hook(_recording_cm(calls, "K")))
    with pytest.raises(ValueError):
        Service().run()
    fail[0] = False
    calls.clear()
    assert Service().run() == "ok"
    assert calls == ["K init", "K enter", "method", ("K exit", None)]


# --------------------------------------------------------------------------- super() and nesting


def test_overriding_slot_calling_super_runs_each_hook_once():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self, x):
            calls.append(("parent method", x))
            return x

    @support_hooks
    class Child(Parent):
        @slot
        def run(self, x):
            calls.append(("child method", x))
            return super().run(x + 1) * 10

    Parent.run.bind(hook(lambda self, x: calls.append(("parent hook", x))))
    Child.run.bind(hook(lambda self, x: calls.append(("child hook", x))))

    assert Child().run(1) == 20
    assert calls == [("parent hook", 1), ("child hook", 1), ("child method", 1), ("parent method", 2)]
    calls.clear()
    assert Child().run(5) == 60
    assert calls == [("parent hook", 5), ("child hook", 5), ("child method", 5), ("parent method", 6)]


def test_super_call_when_only_parent_has_hooks():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self):
            calls.append("parent method")

    @support_hooks
    class Child(Parent):
        @slot
        def run(self):
            calls.append("child method")
            super().run()

    Parent.run.bind(hook(lambda self: calls.append("parent hook")))
    Child().run()
    assert calls == ["parent hook", "child method", "parent method"]
    calls.clear()
    Parent().run()
    assert calls == ["parent hook", "parent method"]


def test_plain_override_calling_super_runs_parent_hooks_once():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self, x):
            calls.append(("parent method", x))
            return x

    class Child(Parent):
        def run(self, x):
            calls.append(("child method", x))
            return super().run(x)

    Parent.run.bind(hook(lambda self, x: calls.append(("parent hook", type(self).__name__, x))))
    assert Child().run(3) == 3
    assert calls == [("child method", 3), ("parent hook", "Child", 3), ("parent method", 3)]


def test_explicit_base_call_on_overriding_child_skips_hooks():
    calls = []

    @support_hooks
    class Base:
        @slot
        def run(self):
            calls.append("base method")
            return "base"

    @support_hooks
    class Child(Base):
        @slot
        def run(self):
            calls.append("child method")
            return "child"

    Base.run.bind(hook(lambda self: calls.append("base hook")))
    Child.run.bind(hook(lambda self: calls.append("child hook")))

    assert Base.run(Child()) == "base"
    assert calls == ["base method"]
    calls.clear()
    assert Base.run(Base()) == "base"
    assert calls == ["base hook", "base method"]


def test_recursive_calls_run_hooks_each_time():
    calls = []

    @support_hooks
    class Counter:
        @slot
        def countdown(self, n):
            calls.append(("method", n))
            if n > 0:
                self.countdown(n - 1)
            return n

    Counter.countdown.bind(hook(lambda self, n: calls.append(("hook", n))))
    assert Counter().countdown(2) == 2
    assert calls == [("hook", 2), ("method", 2), ("hook", 1), ("method", 1), ("hook", 0), ("method", 0)]


def test_slot_calling_same_slot_on_other_instance_runs_hooks():
    calls = []

    @support_hooks
    class Node:
        def __init__(self, name, child=None):
            self.name = name
            self.child = child

        @slot
        def visit(self):
            calls.append(("method", self.name))
            if self.child is not None:
                self.child.visit()

    Node.visit.bind(hook(lambda self: calls.append(("hook", self.name))))
    Node("root", Node("leaf")).visit()
    assert calls == [("hook", "root"), ("method", "root"), ("hook", "leaf"), ("method", "leaf")]


def test_child_slot_calling_base_slot_on_base_instance_runs_base_hooks():
    calls = []

    @support_hooks
    class Base:
        @slot
        def run(self):
            calls.append(("base method", type(self).__name__))

    @support_hooks
    class Child(Base):
        @slot
        def run(self):
            calls.append(("child method", type(self).__name__))
            Base().run()

    Base.run.bind(hook(lambda self: calls.append(("base hook", type(self).__name__))))
    Child().run()
    assert calls == [
        ("base hook", "Child"),
        ("child method", "Child"),
        ("base hook", "Base"),
        ("base method", "Base"),
    ]


def test_hook_calling_the_slot_on_another_instance_runs_hooks_for_it():
    calls = []

    @support_hooks
    class Service:
        def __init__(self, name):
            self.name = name

        @slot
        def run(self):
            calls.append(("method", self.name))

    @Service.run.bind
    @hook
    def nested(self):
        calls.append(("hook", self.name))
        if self.name == "outer":
            Service("inner").run()

    Service("outer").run()
    assert calls == [("hook", "outer"), ("hook", "inner"), ("method", "inner"), ("method", "outer")]


def test_classmethod_super_chain_runs_each_hook_once():
    calls = []

    @support_hooks
    class Base:
        @slot
        @classmethod
        def create(cls, x):
            calls.append(("base method", cls.__name__, x))
            return cls.__name__

    @support_hooks
    class Child(Base):
        @slot
        @classmethod
        def create(cls, x):
            calls.append(("child method", cls.__name__, x))
            return "child+" + super().create(x)

    Base.create.bind(hook(lambda cls, x: calls.append(("base hook", cls.__name__, x))))
    Child.create.bind(hook(lambda cls, x: calls.append(("child hook", cls.__name__, x))))

    assert Child.create(1) == "child+Child"
    assert calls == [
        ("base hook", "Child", 1),
        ("child hook", "Child", 1),
        ("child method", "Child", 1),
        ("base method", "Child", 1),
    ]
    calls.clear()
    assert Base.create(2) == "Base"
    assert calls == [("base hook", "Base", 2), ("base method", "Base", 2)]


def test_three_level_hierarchy_with_super():
    calls = []

    @support_hooks
    class A:
        @slot
        def run(self):
            calls.append("A method")
            return ["A"]

    @support_hooks
    class B(A):
        @slot
        def run(self):
            calls.append("B method")
            return [*super().run(), "B"]

    @support_hooks
    class C(B):
        @slot
        def run(self):
            calls.append("C method")
            return [*super().run(), "C"]

    for cls in (C, B, A):
        for priority in (LAST, FIRST):
            label = f"{cls.__name__} {priority.name}"
            cls.run.bind(hook(lambda self, _label=label: calls.append(_label), priority=priority))

    assert C().run() == ["A", "B", "C"]
    assert calls == [
        "A FIRST",
        "B FIRST",
        "C FIRST",
        "A LAST",
        "B LAST",
        "C LAST",
        "C method",
        "B method",
        "A method",
    ]
    calls.clear()
    assert B().run() == ["A", "B"]
    assert calls == ["A FIRST", "B FIRST", "A LAST", "B LAST", "B method", "A method"]


def test_three_level_hierarchy_with_plain_middle_override():
    calls = []

    @support_hooks
    class A:
        @slot
        def run(self):
            calls.append("A method")

    class B(A):
        def run(self):
            calls.append("B method")
            super().run()

    @support_hooks
    class C(B):
        @slot
        def run(self):
            calls.append("C method")
            super().run()

    A.run.bind(hook(lambda self: calls.append("A hook")))
    C.run.bind(hook(lambda self: calls.append("C hook")))

    C().run()
    assert calls == ["A hook", "C hook", "C method", "B method", "A method"]
    calls.clear()
    B().run()
    assert calls == ["B method", "A hook", "A method"]


def test_super_suppression_does_not_leak_into_later_calls():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self):
            calls.append("parent method")

    @support_hooks
    class Child(Parent):
        @slot
        def run(self):
            calls.append("child method")
            super().run()
            raise ValueError("after super")

    Parent.run.bind(hook(lambda self: calls.append("parent hook")))
    with pytest.raises(ValueError, match="after super"):
        Child().run()
    calls.clear()
    Parent().run()
    assert calls == ["parent hook", "parent method"]


def test_grandchild_without_override_runs_hooks_once_through_super_chain():
    calls = []

    @support_hooks
    class Parent:
        @slot
        def run(self):
            calls.append("parent method")

    @support_hooks
    class Child(Parent):
        @slot
        def run(self):
            calls.append("child method")
            super().run()

    class Grandchild(Child):
        pass

    Parent.run.bind(hook(lambda self: calls.append(("parent hook", type(self).__name__))))
    Child.run.bind(hook(lambda self: calls.append(("child hook", type(self).__name__))))
    Grandchild().run()
    assert calls == [
        ("parent hook", "Grandchild"),
        ("child hook", "Grandchild"),
        "child method",
        "parent method",
    ]


def test_explicit_base_call_on_child_with_plain_override_runs_hooks():
    calls = []

    @support_hooks
    class Base:
        @slot
        def run(self):
            calls.append("base method")

    class Child(Base):
        def run(self):  # pragma: no cover - not called here
            calls.append("child method")

    Base.run.bind(hook(lambda self: calls.append(("base hook", type(self).__name__))))
    Base.run(Child())
    assert calls == [("base hook", "Child"), "base method"]


# What is in progress decides delegation (docs/priorities.md). The plain-override and diamond lists below are
# what onETL 0.17 records for the same programs (checked against onetl==0.17.0); recursion is
# where hookfast deliberately differs (onETL's process-wide counter skipped the inner calls).


def _labelled_hook(calls: list[Any], label: str) -> Any:
    return hook(lambda *args: calls.append(label))


def test_plain_override_between_two_slots_runs_parent_hooks_once():
    calls: list[Any] = []

    @support_hooks
    class Base:
        @slot
        def m(self):
            calls.append("Base.m")

    @support_hooks
    class Mid(Base):
        @slot
        def m(self):
            calls.append("Mid.m")
            super().m()

    class Leaf(Mid):
        def m(self):
            calls.append("Leaf.m")
            super().m()

    Base.m.bind(_labelled_hook(calls, "Base.hook"))
    Mid.m.bind(_labelled_hook(calls, "Mid.hook"))
    Leaf().m()
    assert calls == ["Leaf.m", "Base.hook", "Mid.hook", "Mid.m", "Base.m"]
    calls.clear()
    Mid().m()
    assert calls == ["Base.hook", "Mid.hook", "Mid.m", "Base.m"]
    calls.clear()
    Base.m(Leaf())  # nothing in progress, and Leaf resolves `m` to a plain method: hooks run
    assert calls == ["Base.hook", "Base.m"]


def test_plain_override_between_two_classmethod_slots_runs_parent_hooks_once():
    calls: list[Any] = []

    @support_hooks
    class Base:
        @slot
        @classmethod
        def make(cls):
            calls.append(("Base.make", cls.__name__))

    @support_hooks
    class Mid(Base):
        @slot
        @classmethod
        def make(cls):
            calls.append(("Mid.make", cls.__name__))
            super().make()

    class Leaf(Mid):
        @classmethod
        def make(cls):
            calls.append(("Leaf.make", cls.__name__))
            super().make()

    Base.make.bind(_labelled_hook(calls, "Base.hook"))
    Mid.make.bind(_labelled_hook(calls, "Mid.hook"))
    Leaf.make()
    assert calls == [
        ("Leaf.make", "Leaf"),
        "Base.hook",
        "Mid.hook",
        ("Mid.make", "Leaf"),
        ("Base.make", "Leaf"),
    ]


def _diamond(calls: list[Any], slotted_leaf: bool) -> type:
    @support_hooks
    class A:
        @slot
        def m(self):
            calls.append("A.m")

    @support_hooks
    class B(A):
        @slot
        def m(self):
            calls.append("B.m")
            super().m()

    @support_hooks
    class C(A):
        @slot
        def m(self):
            calls.append("C.m")
            super().m()

    for cls in (A, B, C):
        cls.m.bind(_labelled_hook(calls, f"{cls.__name__}.hook"))
    if not slotted_leaf:

        class E(B, C):
            pass

        return E

    @support_hooks
    class E(B, C):  # type: ignore[no-redef]
        @slot
        def m(self):
            calls.append("E.m")
            super().m()

    E.m.bind(_labelled_hook(calls, "E.hook"))
    return E


def test_diamond_of_overriding_slots_runs_the_siblings_hooks():
    calls: list[Any] = []
    E = _diamond(calls, slotted_leaf=False)
    E().m()
    # B's call runs the hooks of B's MRO (A, B); C, reached through B's super(), is no parent of
    # B: it runs those of C's MRO (A, C). A, a parent of both, is a delegation.
    assert calls == ["A.hook", "B.hook", "B.m", "A.hook", "C.hook", "C.m", "A.m"]


def test_diamond_under_an_overriding_slot_runs_each_hook_once():
    calls: list[Any] = []
    E = _diamond(calls, slotted_leaf=True)
    E().m()
    assert calls == ["A.hook", "C.hook", "B.hook", "E.hook", "E.m", "B.m", "C.m", "A.m"]


def test_recursion_through_a_plain_override_runs_hooks_at_every_level():
    calls: list[Any] = []

    @support_hooks
    class Base:
        @slot
        def countdown(self, n):
            calls.append(("Base", n))

    @support_hooks
    class Mid(Base):
        @slot
        def countdown(self, n):
            calls.append(("Mid", n))
            super().countdown(n)
            if n:
                self.countdown(n - 1)  # recursion on the same receiver: hooks run again

    class Leaf(Mid):
        def countdown(self, n):
            super().countdown(n)

    Base.countdown.bind(hook(lambda self, n: calls.append(("Base.hook", n))))
    Leaf().countdown(1)
    assert calls == [("Base.hook", 1), ("Mid", 1), ("Base", 1), ("Base.hook", 0), ("Mid", 0), ("Base", 0)]


def test_delegation_record_is_dropped_when_the_call_raises():
    calls: list[Any] = []

    @support_hooks
    class Base:
        @slot
        def m(self, fail):
            calls.append("Base.m")

    @support_hooks
    class Mid(Base):
        @slot
        def m(self, fail):
            if fail:
                raise ValueError("Mid failed")
            super().m(fail)

    class Leaf(Mid):
        def m(self, fail):
            super().m(fail)

    Base.m.bind(_labelled_hook(calls, "Base.hook"))
    leaf = Leaf()
    with pytest.raises(ValueError, match="Mid failed"):
        leaf.m(True)
    calls.clear()
    Base.m(leaf, False)  # nothing in progress any more: the hooks run
    assert calls == ["Base.hook", "Base.m"]


def test_generator_yielding_again_after_throw_raises_runtime_error():
    calls = []
    error = ValueError("from method")

    @support_hooks
    class Service:
        @slot
        def run(self):
            raise error

    @Service.run.bind
    @hook
    def stubborn(self):
        try:
            yield
        except ValueError:
            calls.append("caught")
            yield "again"
        finally:
            calls.append("finally")

    with pytest.raises(RuntimeError, match=r"^generator didn't stop after throw\(\)$") as info:
        Service().run()
    assert info.value.__context__ is error
    assert calls == ["caught", "finally"]


def test_exit_receives_type_value_and_traceback_of_method_exception():
    seen = []
    error = ValueError("with traceback")

    @support_hooks
    class Service:
        @slot
        def run(self):
            raise error

    @Service.run.bind
    @hook
    class Observer:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            seen.append((exc_type, exc, tb is not None and tb is exc.__traceback__))
            return False

    with pytest.raises(ValueError) as info:
        Service().run()
    assert info.value is error
    assert seen == [(ValueError, error, True)]


@pytest.mark.parametrize("signature", ["same", "star"], ids=["generated", "dispatcher"])
def test_an_exit_failing_in_a_call_made_while_an_exception_is_handled_chains_as_exitstack(signature):
    """A slot called inside an ``except`` block (or from another call's exit): an exit that raises
    gets no ``__context__`` from the exception being handled there, as ``contextlib.ExitStack``
    (onETL's unwinding) strips it."""

    class FailingExit:
        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            raise RuntimeError("the exit failed")

    @support_hooks
    class Job:
        @slot
        def run(self, x):
            return x

    if signature == "same":

        @hook
        class Hooked(FailingExit):
            def __init__(self, job, x):
                pass

    else:

        @hook
        class Hooked(FailingExit):
            def __init__(self, *args, **kwargs):
                pass

    Job.run.bind(Hooked)
    assert Job.run.__hooks__.call_path == ("generated" if signature == "same" else "dispatcher")

    def raised_while_handling(call):
        try:
            raise ValueError("being handled")
        except ValueError:
            with pytest.raises(RuntimeError, match="the exit failed") as raised:
                call()
        return raised.value

    def reference():
        with contextlib.ExitStack() as stack:
            stack.enter_context(FailingExit())

    assert raised_while_handling(reference).__context__ is None
    assert raised_while_handling(lambda: Job().run(1)).__context__ is None
