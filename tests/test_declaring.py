"""Declaring slots and hooks (docs/slots-and-hooks.md) and the errors raised on bad declarations.

Every class is defined inside its test, so that it is built with the backend of the test's parameter.
Failing declarations must leave nothing half-registered: the class, the slot and the hook are checked
to be exactly as they were before the failing call.

Declarations that no class registers (``@slot`` and ``@hook`` errors, ``Hook`` objects) involve no
backend: they are in ``tests/test_unregistered.py``, which runs once.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import pytest

from hookfast import Hook, HookPriority, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")


def make_calculator(calls: list[str]) -> type:
    @support_hooks
    class Calculator:
        def __init__(self, base: int = 10) -> None:
            self.base = base

        @slot
        def plus(self, arg: int) -> int:
            """Add arg to the base."""
            calls.append("plus")
            return self.base + arg

        @slot
        def minus(self, arg: int) -> int:
            calls.append("minus")
            return self.base - arg

    return Calculator


# --- @slot on the three kinds of methods ---


def test_slot_on_regular_class_and_static_methods_all_dispatch() -> None:
    received: list[tuple[str, tuple[object, ...]]] = []

    @support_hooks
    class C:
        @slot
        def regular(self, x: int) -> int:
            return x + 1

        @slot
        @classmethod
        def klass(cls, x: int) -> int:
            return x + 2

        @slot
        @staticmethod
        def static(x: int) -> int:
            return x + 3

    @C.regular.bind
    @C.klass.bind
    @C.static.bind
    @hook
    def record(*args: object) -> None:
        received.append(("hook", args))

    obj = C()
    assert obj.regular(1) == 2
    assert received == [("hook", (obj, 1))]
    received.clear()

    assert C.klass(1) == 3
    assert obj.klass(1) == 3
    assert received == [("hook", (C, 1)), ("hook", (C, 1))]
    received.clear()

    assert C.static(1) == 4
    assert obj.static(1) == 4
    assert received == [("hook", (1,)), ("hook", (1,))]


def test_classmethod_of_inherited_slot_receives_subclass() -> None:
    received: list[object] = []

    @support_hooks
    class Base:
        @slot
        @classmethod
        def make(cls) -> str:
            return cls.__name__

    class Child(Base):
        pass

    @Base.make.bind
    @hook
    def record(cls: type) -> None:
        received.append(cls)

    assert Child.make() == "Child"
    assert received == [Child]


def test_classmethod_above_slot_also_works() -> None:
    """Deliberate difference: onETL silently ignores `@classmethod @slot`; hookfast registers it."""
    received: list[object] = []

    @support_hooks
    class C:
        @classmethod
        @slot
        def m(cls, x: int) -> int:
            return x * 2

    @C.m.bind
    @hook
    def record(cls: type, x: int) -> None:
        received.append((cls, x))

    assert C.m(4) == 8
    assert received == [(C, 4)]


@pytest.mark.parametrize("dunder", ["__init__", "__call__"])
def test_dunder_slot_allowed_and_hooked(dunder: str) -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        def __init__(self, value: int = 0) -> None:
            calls.append("init")
            self.value = value

        @slot
        def __call__(self, x: int) -> int:
            calls.append("call")
            return self.value + x

    @getattr(C, dunder).bind
    @hook
    def record(self: object, *args: object) -> None:
        calls.append(f"hook {dunder}")

    obj = C(5)
    assert obj(1) == 6
    expected_call = "init" if dunder == "__init__" else "call"
    index = calls.index(expected_call)
    assert calls[index - 1] == f"hook {dunder}"
    assert calls.count(f"hook {dunder}") == 1


def test_dunder_and_trailing_dunder_names_accepted_like_onetl() -> None:
    calls: list[str] = []

    @support_hooks
    class C:
        @slot
        def _m__(self) -> str:
            return "odd"

    @C._m__.bind
    @hook
    def record(self: object) -> None:
        calls.append("hook")

    assert C()._m__() == "odd"
    assert calls == ["hook"]


# --- @hook errors and priorities ---


def test_hook_above_bind_and_hook_raises_type_error() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    with pytest.raises(TypeError, match=r"^@hook decorator can be applied only once"):

        @hook
        @Calculator.plus.bind
        @hook
        def callback(self: object, arg: int) -> None:
            calls.append("hook")

    # the inner bind happened before the outer @hook failed, exactly as in onETL
    assert len(Calculator.plus.__hooks__) == 1
    assert Calculator().plus(1) == 11
    assert calls == ["hook", "plus"]


def test_invalid_priority_assignment_keeps_old_priority() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    @Calculator.plus.bind
    @hook(priority=HookPriority.LAST)
    def last(self: object, arg: int) -> None:
        calls.append("last")

    @Calculator.plus.bind
    @hook
    def normal(self: object, arg: int) -> None:
        calls.append("normal")

    with pytest.raises(ValueError, match="is not a valid HookPriority"):
        last.priority = 7
    assert last.priority is HookPriority.LAST
    Calculator().plus(1)
    assert calls == ["normal", "last", "plus"]


def test_int_priorities_order_hooks() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    for name, priority in [("last", 1), ("normal", 0), ("first", -1)]:

        def callback(self: object, arg: int, name: str = name) -> None:
            calls.append(name)

        Calculator.plus.bind(hook(priority=priority)(callback))

    Calculator().plus(1)
    assert calls == ["first", "normal", "last", "plus"]


# --- bind ---


@pytest.mark.parametrize("form", ["decorator", "call", "call-then-decorate"])
def test_three_bind_forms_work_and_return_the_hook(form: str) -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    @hook
    def callback(self: object, arg: int) -> None:
        calls.append(f"hook {arg}")

    if form == "decorator":

        @Calculator.plus.bind
        @hook
        def decorated(self: object, arg: int) -> None:
            calls.append(f"hook {arg}")

        returned = decorated
        assert isinstance(decorated, Hook)
    elif form == "call":
        returned = Calculator.plus.bind(callback)
        assert returned is callback
    else:
        returned = Calculator.plus.bind()(callback)
        assert returned is callback

    assert list(Calculator.plus.__hooks__) == [returned]
    assert Calculator().plus(2) == 12
    assert calls == ["hook 2", "plus"]


@pytest.mark.parametrize(
    "not_a_hook",
    [lambda self, arg: None, 42, "text", object(), type("K", (), {})],
    ids=["function", "int", "str", "object", "class"],
)
@pytest.mark.parametrize("hooked_before", [False, True])
def test_bind_of_non_hook_raises_and_changes_nothing(not_a_hook: object, hooked_before: bool) -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)
    original = Calculator.__dict__["plus"]
    if hooked_before:

        @Calculator.plus.bind
        @hook
        def existing(self: object, arg: int) -> None:
            calls.append("existing")

    installed = Calculator.__dict__["plus"]
    assert (Calculator.plus.__hooks__.call_path == "plain") is not hooked_before
    before = len(Calculator.plus.__hooks__)

    expected = r"^@.*Calculator\.plus\.bind decorator can be used only on top function marked with @hook"
    with pytest.raises(TypeError, match=expected):
        Calculator.plus.bind(not_a_hook)  # type: ignore[type-var]
    with pytest.raises(TypeError, match="@hook"):
        Calculator.plus.bind()(not_a_hook)  # type: ignore[type-var]

    assert len(Calculator.plus.__hooks__) == before
    assert Calculator.__dict__["plus"] is installed
    assert Calculator().plus(1) == 11
    assert calls == (["existing", "plus"] if hooked_before else ["plus"])


def test_bind_decorator_on_plain_function_raises() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)
    with pytest.raises(TypeError, match="only on top function marked with @hook"):

        @Calculator.plus.bind
        def callback(self: object, arg: int) -> None:
            calls.append("never")

    assert len(Calculator.plus.__hooks__) == 0
    assert Calculator.plus.__hooks__.call_path == "plain"
    Calculator().plus(1)
    assert calls == ["plus"]


def test_one_hook_bound_to_many_slots() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    @support_hooks
    class Other:
        @slot
        @staticmethod
        def run(arg: int) -> int:
            calls.append("run")
            return arg

    @Calculator.plus.bind
    @Calculator.minus.bind
    @Other.run.bind
    @hook
    def callback(*args: object, method_name: str) -> None:
        calls.append(f"hook {method_name}")

    assert isinstance(callback, Hook)
    calc = Calculator()
    assert calc.plus(1) == 11
    assert calc.minus(1) == 9
    assert Other.run(3) == 3
    assert calls == ["hook plus", "plus", "hook minus", "minus", "hook run", "run"]
    for declaration in (Calculator.plus.__hooks__, Calculator.minus.__hooks__, Other.run.__hooks__):
        assert list(declaration) == [callback]


def test_many_hooks_on_one_slot_run_in_bind_order() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)
    hooks = []
    for number in range(5):

        def callback(self: object, arg: int, number: int = number) -> None:
            calls.append(f"hook {number}")

        hooks.append(Calculator.plus.bind(hook(callback)))

    assert list(Calculator.plus.__hooks__) == hooks
    assert len(Calculator.plus.__hooks__) == 5
    Calculator().plus(1)
    assert calls == [f"hook {number}" for number in range(5)] + ["plus"]


def test_same_hook_bound_twice_runs_twice() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    @Calculator.plus.bind
    @Calculator.plus.bind
    @hook
    def callback(self: object, arg: int) -> None:
        calls.append("hook")

    assert list(Calculator.plus.__hooks__) == [callback, callback]
    Calculator().plus(1)
    assert calls == ["hook", "hook", "plus"]
    calls.clear()
    callback.disable()
    Calculator().plus(1)
    assert calls == ["plus"]
    callback.enable()


# --- hooks belong to a slot declaration ---


def test_redeclared_slot_has_its_own_hook_list() -> None:
    calls: list[str] = []

    @support_hooks
    class Parent:
        @slot
        def m(self) -> str:
            return "parent"

    @support_hooks
    class Child(Parent):
        @slot
        def m(self) -> str:
            return "child"

    @Parent.m.bind
    @hook
    def on_parent(self: object) -> None:
        calls.append(f"parent hook on {type(self).__name__}")

    @Child.m.bind
    @hook
    def on_child(self: object) -> None:
        calls.append(f"child hook on {type(self).__name__}")

    assert Child.m.__hooks__ is not Parent.m.__hooks__
    assert list(Parent.m.__hooks__) == [on_parent]
    assert list(Child.m.__hooks__) == [on_child]

    assert Parent().m() == "parent"
    assert calls == ["parent hook on Parent"]
    calls.clear()
    assert Child().m() == "child"
    assert calls == ["parent hook on Child", "child hook on Child"]


def test_not_redeclared_slot_shares_the_parent_declaration() -> None:
    calls: list[str] = []

    @support_hooks
    class Parent:
        @slot
        def m(self) -> str:
            return "parent"

    class Child(Parent):
        def other(self) -> None:
            pass

    @Child.m.bind
    @hook
    def via_child(self: object) -> None:
        calls.append(f"hook on {type(self).__name__}")

    assert Child.m.__hooks__ is Parent.m.__hooks__
    assert list(Parent.m.__hooks__) == [via_child]
    assert Parent.m.__hooks__.owner is Parent
    assert Parent().m() == "parent"
    assert Child().m() == "parent"
    assert calls == ["hook on Parent", "hook on Child"]


def test_redeclared_slot_without_support_hooks_is_not_dispatching() -> None:
    calls: list[str] = []

    @support_hooks
    class Parent:
        @slot
        def m(self) -> str:
            return "parent"

    class Child(Parent):
        @slot
        def m(self) -> str:
            return "child"

    @Parent.m.bind
    @hook
    def on_parent(self: object) -> None:
        calls.append("parent hook")

    assert not hasattr(Child.m, "bind")
    assert Child().m() == "child"
    assert calls == []


def test_dataclass_beneath_support_hooks() -> None:
    calls: list[object] = []

    @support_hooks
    @dataclass
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)

        @slot
        def total(self, extra: int = 0) -> int:
            return self.x + self.y + extra

        @slot
        @classmethod
        def origin(cls) -> Point:
            return cls(0, 0)

    @Point.total.bind
    @Point.origin.bind
    @hook
    def record(receiver: object, *args: object) -> None:
        calls.append(receiver)

    point = Point(1, 2)
    assert point == Point(1, 2)
    assert point.total(3) == 6
    assert Point.origin() == Point(0, 0)
    assert calls == [point, Point]
    assert [f.name for f in Point.__dataclass_fields__.values()] == ["x", "y", "tags"]


def test_support_hooks_twice_is_harmless() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)
    declaration = Calculator.plus.__hooks__

    @Calculator.plus.bind
    @hook
    def callback(self: object, arg: int) -> None:
        calls.append("hook")

    assert support_hooks(Calculator) is Calculator
    assert Calculator.plus.__hooks__ is declaration
    assert list(declaration) == [callback]
    Calculator().plus(1)
    assert calls == ["hook", "plus"]


# --- @support_hooks errors ---


def test_support_hooks_without_slots_raises_syntax_error_naming_class() -> None:
    class NoSlots:
        def m(self) -> None:
            pass

    before = dict(vars(NoSlots))
    with pytest.raises(
        SyntaxError,
        match=r"^@support_hooks can be used only with @slot decorator on some of class methods.*NoSlots'",
    ):
        support_hooks(NoSlots)
    assert dict(vars(NoSlots)) == before
    assert not hasattr(NoSlots, "suspend_hooks")


def test_support_hooks_on_subclass_with_only_inherited_slots_raises() -> None:
    @support_hooks
    class Parent:
        @slot
        def m(self) -> None:
            pass

    class Child(Parent):
        def plain(self) -> None:
            pass

    before = dict(vars(Child))
    with pytest.raises(SyntaxError, match=r"\bChild'"):
        support_hooks(Child)
    assert dict(vars(Child)) == before
    # Child still uses the parent's class-level helpers, as onETL
    assert "suspend_hooks" not in vars(Child)


def test_methods_without_slot_are_untouched() -> None:
    def plain(self: object) -> str:
        return "plain"

    def cls_function(cls: type) -> str:
        return "cls"

    def static_function() -> str:
        return "static"

    plain_classmethod = classmethod(cls_function)
    plain_staticmethod = staticmethod(static_function)
    plain_property = property(lambda self: 1)

    class C:
        p = plain
        c = plain_classmethod
        s = plain_staticmethod
        prop = plain_property
        attribute = (1, 2)

        @slot
        def m(self) -> None:
            pass

    attribute = C.__dict__["attribute"]
    assert support_hooks(C) is C
    assert C.__dict__["p"] is plain
    assert C.__dict__["c"] is plain_classmethod
    assert C.__dict__["s"] is plain_staticmethod
    assert C.__dict__["prop"] is plain_property
    assert C.__dict__["attribute"] is attribute
    assert not hasattr(plain, "bind")
    assert not hasattr(plain, "__hooks__")
    assert C().p() == "plain"
    assert C.c() == "cls"
    assert C.s() == "static"


def test_borrowed_slot_function_rolls_back_the_whole_class() -> None:
    @support_hooks
    class Owner:
        @slot
        def borrowed(self) -> str:
            return "owner"

    def valid(self: object) -> str:
        return "valid"

    valid_slot = slot(valid)
    borrowed = Owner.__dict__["borrowed"]

    class Mixed:
        a_valid = valid_slot
        b_borrowed = borrowed

    before = dict(vars(Mixed))
    with pytest.raises(TypeError, match="borrowed"):
        support_hooks(Mixed)

    assert dict(vars(Mixed)) == before
    assert Mixed.__dict__["a_valid"] is valid
    assert Mixed.__dict__["b_borrowed"] is borrowed
    assert not hasattr(valid, "bind")
    assert not hasattr(Mixed.a_valid, "bind")
    assert "suspend_hooks" not in vars(Mixed)
    assert valid.__hooks__.owner is None  # type: ignore[attr-defined]
    # the owner of the borrowed slot is intact
    assert Owner.borrowed.__hooks__.owner is Owner

    # after removing the borrowed attribute, the class can be decorated normally
    del Mixed.b_borrowed
    support_hooks(Mixed)
    calls: list[str] = []

    @Mixed.a_valid.bind
    @hook
    def callback(self: object) -> None:
        calls.append("hook")

    assert Mixed().a_valid() == "valid"
    assert calls == ["hook"]


def test_borrowed_slot_first_in_class_also_rolls_back() -> None:
    @support_hooks
    class Owner:
        @slot
        @classmethod
        def borrowed(cls) -> str:
            return "owner"

    @slot
    def z_valid(self: object) -> str:
        return "valid"

    borrowed = Owner.__dict__["borrowed"]

    class Mixed:
        a_borrowed = borrowed
        z = z_valid

    before = dict(vars(Mixed))
    with pytest.raises(TypeError):
        support_hooks(Mixed)
    assert dict(vars(Mixed)) == before
    assert not hasattr(z_valid, "bind")


def _is_registered(declaration: object, name: str) -> bool:
    from hookfast import _registry

    return declaration in _registry._declarations_by_name.get(name, ())


def test_slot_on_nameless_callable_fails_like_onetl_and_leaves_no_trace() -> None:
    import functools

    import hookfast

    def target(self: object) -> str:
        return "target"

    nameless = functools.partial(target)
    with pytest.raises(AttributeError, match=r"^@slot needs a named callable, got functools\.partial"):
        slot(nameless)
    assert not hasattr(nameless, "__hooks__")
    # the process is not poisoned: every level still works, for every class
    hookfast.stop_all_hooks()
    hookfast.resume_all_hooks()
    with hookfast.skip_all_hooks():
        pass
    calls: list[str] = []  # a class defined afterwards hooks as usual
    Calculator = make_calculator(calls)
    Calculator.plus.bind(hook(lambda self, arg: calls.append("hook")))
    assert Calculator().plus(1) == 11
    assert calls == ["hook", "plus"]


class _Frozen(type):
    """A metaclass refusing every class attribute assignment after creation."""

    def __setattr__(cls, name: str, value: object) -> None:
        raise AttributeError(f"class {cls.__name__} is frozen: cannot set {name!r}")


def test_support_hooks_refused_by_metaclass_leaves_no_trace() -> None:
    import hookfast

    calls: list[str] = []

    @support_hooks
    class Base:
        @slot
        def run(self) -> str:
            calls.append("base")
            return "base"

    Base.run.bind(hook(lambda self: calls.append("base hook")))

    class Frozen(Base, metaclass=_Frozen):
        @slot
        def run(self) -> str:
            calls.append("frozen")
            return "frozen"

    function = Frozen.__dict__["run"]
    code = function.__code__
    before = dict(vars(Frozen))
    with pytest.raises(AttributeError, match="is frozen"):
        support_hooks(Frozen)
    assert dict(vars(Frozen)) == before
    assert function.__code__ is code  # activated by Base's hook while registering, then restored
    assert not hasattr(function, "bind") and "__wrapped__" not in function.__dict__
    assert function.__hooks__.owner is None
    assert not _is_registered(function.__hooks__, "run")
    assert _is_registered(Base.run.__hooks__, "run")
    hookfast.stop_all_hooks()
    hookfast.resume_all_hooks()
    assert Frozen().run() == "frozen"  # a plain method: no hooks, no dispatch
    assert Base().run() == "base"
    assert calls == ["frozen", "base hook", "base"]


def test_failure_after_an_activated_slot_rolls_everything_back() -> None:
    """The first slot is registered and activated (a parent's hook can run), the second fails."""
    calls: list[str] = []

    @support_hooks
    class Owner:
        @slot
        def borrowed(self) -> str:
            return "owner"

    @support_hooks
    class Base:
        @slot
        def a_valid(self) -> str:
            return "base"

    Base.a_valid.bind(hook(lambda self: calls.append("base hook")))

    def a_valid(self: object) -> str:
        calls.append("mixed")
        return "mixed"

    valid_slot = slot(a_valid)
    code = a_valid.__code__

    class Mixed(Base):
        a_valid = valid_slot
        b_borrowed = Owner.__dict__["borrowed"]

    before = dict(vars(Mixed))
    with pytest.raises(TypeError, match="borrowed"):
        support_hooks(Mixed)
    assert dict(vars(Mixed)) == before
    assert a_valid.__code__ is code
    assert not hasattr(a_valid, "bind")
    assert a_valid.__hooks__.owner is None  # type: ignore[attr-defined]
    assert not _is_registered(a_valid.__hooks__, "a_valid")  # type: ignore[attr-defined]
    assert Mixed().a_valid() == "mixed"
    assert calls == ["mixed"]


def test_same_slot_under_two_names_raises() -> None:
    @slot
    def shared(self: object) -> None:
        pass

    class Twice:
        first = shared
        second = shared

    before = dict(vars(Twice))
    with pytest.raises(TypeError):
        support_hooks(Twice)
    assert dict(vars(Twice)) == before
    assert not hasattr(shared, "bind")


# --- slot objects ---


def test_slot_keeps_name_doc_and_signature_while_unhooked_and_hooked() -> None:
    @support_hooks
    class C:
        @slot
        def regular(self, a: int, *, b: str = "x") -> str:
            """Regular doc."""
            return f"{a}{b}"

        @slot
        @classmethod
        def klass(cls, a: int) -> int:
            """Class doc."""
            return a

        @slot
        @staticmethod
        def static(a: int, b: int = 2) -> int:
            """Static doc."""
            return a + b

    def snapshot() -> list[object]:
        return [
            (C.regular.__name__, C.regular.__doc__, str(inspect.signature(C.regular))),
            (C().regular.__name__, str(inspect.signature(C().regular))),
            (C.klass.__name__, C.klass.__doc__, str(inspect.signature(C.klass))),
            (C.static.__name__, C.static.__doc__, str(inspect.signature(C.static))),
            C.regular.__qualname__,
        ]

    unhooked = snapshot()
    assert unhooked == [
        ("regular", "Regular doc.", "(self, a: 'int', *, b: 'str' = 'x') -> 'str'"),
        ("regular", "(a: 'int', *, b: 'str' = 'x') -> 'str'"),
        ("klass", "Class doc.", "(a: 'int') -> 'int'"),
        ("static", "Static doc.", "(a: 'int', b: 'int' = 2) -> 'int'"),
        "test_slot_keeps_name_doc_and_signature_while_unhooked_and_hooked.<locals>.C.regular",
    ]

    @C.regular.bind
    @C.klass.bind
    @C.static.bind
    @hook
    def callback(*args: object, **kwargs: object) -> None:
        pass

    assert C.regular.__hooks__.call_path != "plain"
    assert snapshot() == unhooked
    assert C().regular(1) == "1x"
    assert C.klass(2) == 2
    assert C.static(1) == 3


def test_slot_attributes_available_in_both_states() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)
    for _ in range(2):
        for attribute in ("bind", "suspend_hooks", "resume_hooks", "skip_hooks", "__hooks__"):
            assert hasattr(Calculator.plus, attribute)
            assert hasattr(Calculator().plus, attribute)
        Calculator.plus.bind(hook(lambda self, arg: None))
    declaration = Calculator.plus.__hooks__
    assert declaration.name == "plus"
    assert declaration.owner is Calculator


@pytest.mark.parametrize("kind", ["method", "classmethod", "staticmethod"])
def test_original_object_in_class_while_no_enabled_hook(kind: str) -> None:
    calls: list[str] = []

    def function(*args: object) -> str:
        calls.append("original")
        return "result"

    function.__name__ = function.__qualname__ = "m"
    wrappers = {"method": function, "classmethod": classmethod(function)}
    wrappers["staticmethod"] = staticmethod(function)
    value = wrappers[kind]

    class C:
        m = slot(value)

    support_hooks(C)
    assert C.__dict__["m"] is value

    @hook(enabled=False)
    def disabled_from_start(*args: object) -> None:
        calls.append("disabled")

    C.m.bind(disabled_from_start)
    assert C.__dict__["m"] is value

    @C.m.bind
    @hook
    def first(*args: object) -> None:
        calls.append("first")

    @C.m.bind
    @hook
    def second(*args: object) -> None:
        calls.append("second")

    assert C.m.__hooks__.call_path != "plain"
    assert C().m() == "result"
    assert calls == ["first", "second", "original"]
    calls.clear()

    first.disable()
    assert C.m.__hooks__.call_path != "plain"
    second.disable()
    assert C.__dict__["m"] is value
    assert C().m() == "result"
    assert calls == ["original"]
    calls.clear()

    disabled_from_start.enable()
    assert C.m.__hooks__.call_path != "plain"
    assert C().m() == "result"
    assert calls == ["disabled", "original"]
    disabled_from_start.disable()
    assert C.__dict__["m"] is value


def test_slot_declaration_reports_its_hooks() -> None:
    calls: list[str] = []
    Calculator = make_calculator(calls)

    @Calculator.plus.bind
    @hook(priority=HookPriority.LAST)
    def last(self: object, arg: int) -> None:
        pass

    @Calculator.plus.bind
    @hook(enabled=False)
    def disabled(self: object, arg: int) -> None:
        pass

    @Calculator.plus.bind
    @hook(priority=HookPriority.FIRST)
    def first(self: object, arg: int) -> None:
        pass

    declaration = Calculator.plus.__hooks__
    assert list(declaration) == [last, disabled, first]
    assert len(declaration) == 3
    assert declaration.active == [last, first]
    assert list(declaration.merged_hooks()) == [first, last]
    assert declaration.suspended is False


def test_merged_hooks_follow_the_call_order_across_the_mro():
    @support_hooks
    class Base:
        @slot
        def run(self):
            return "base"

    @support_hooks
    class Child(Base):
        @slot
        def run(self):
            return "child"

    base_last = Base.run.bind(hook(lambda self: None, priority=HookPriority.LAST))
    base_first = Base.run.bind(hook(lambda self: None, priority=HookPriority.FIRST))
    child_normal = Child.run.bind(hook(lambda self: None))
    child_first = Child.run.bind(hook(lambda self: None, priority=HookPriority.FIRST))
    disabled = Child.run.bind(hook(lambda self: None, enabled=False))

    assert Child.run.__hooks__.merged_hooks() == (base_first, child_first, child_normal, base_last)
    assert Base.run.__hooks__.merged_hooks() == (base_first, base_last)
    Base.run.suspend_hooks()
    assert Child.run.__hooks__.merged_hooks() == (child_first, child_normal)
    Base.run.resume_hooks()
    assert disabled not in Child.run.__hooks__.merged_hooks()
