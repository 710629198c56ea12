"""Every example of onETL's hooks design document ("High level design" in onETL's documentation on
hooks), with its import changed to hookfast.

The examples are copied as written; only ``from onetl.hooks import ...`` becomes ``from hookfast import ...``.
Where the document leaves a placeholder (``# do something``, ``magic(e)``, ``finalizer()``) the test
records into a list; obvious typos of the document are fixed and marked ``# document typo:``.
Classes are defined inside the tests because the backend is chosen when ``@support_hooks`` runs.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from hookfast import (
    HookPriority,
    SignatureError,
    hook,
    resume_all_hooks,
    skip_all_hooks,
    slot,
    stop_all_hooks,
    support_hooks,
)

pytestmark = pytest.mark.usefixtures("backend")


def make_my_class() -> type:
    """The document's running example: TL;DR's ``__init__`` with "Define a slot"'s method body."""

    @support_hooks
    class MyClass:
        def __init__(self, data):
            self.data = data

        @slot
        def method(self, arg):
            return self.data, arg

    return MyClass


def notice_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == 5]


# --- TL;DR ---------------------------------------------------------------------------------------


def test_tldr(capsys: pytest.CaptureFixture[str]) -> None:
    from hookfast import hook, slot, support_hooks

    @support_hooks  # enabling hook mechanism for the class
    class MyClass:
        def __init__(self, data):
            self.data = data

        # this is slot
        @slot
        def method(self, arg):
            pass

    @MyClass.method.bind  # bound hook to the slot
    @hook  # this is hook
    def callback(obj, arg):  # this is callback
        print(obj.data, arg)

    obj = MyClass(1)
    obj.method(2)  # will call callback(obj, 2)  -- document typo: the document says callback(obj, 1)

    # prints "1 2"
    assert capsys.readouterr().out == "1 2\n"
    assert obj.method(2) is None  # the slot's own result (pass) is kept


# The scripts in examples/ are run by tests/test_examples.py.


# --- Define a slot -------------------------------------------------------------------------------

# The plain class and the @slot-marked one without @support_hooks involve no backend: they are
# tests/test_unregistered.py::test_define_slot_plain_class_and_marked_method.


def test_define_slot_classmethod_and_staticmethod() -> None:
    class MyClass:
        @slot
        @classmethod
        def class_method(cls, arg):
            return cls, arg

        @slot
        @staticmethod
        def static_method(arg):
            return arg

    assert MyClass.class_method(1) == (MyClass, 1)
    assert MyClass.static_method(1) == 1

    # the same class with @support_hooks, and hooks bound: see "Calling hooks in details"
    calls = []

    @support_hooks
    class MyClass:  # type: ignore[no-redef]
        @slot
        @classmethod
        def class_method(cls, arg):
            return cls, arg

        @slot
        @staticmethod
        def static_method(arg):
            return arg

    @MyClass.class_method.bind
    @hook
    def class_callback(cls, arg):
        calls.append(("class", cls, arg))

    @MyClass.static_method.bind
    @hook
    def static_callback(arg):
        calls.append(("static", arg))

    assert MyClass.class_method(1) == (MyClass, 1)
    assert MyClass().class_method(2) == (MyClass, 2)
    assert MyClass.static_method(3) == 3
    assert MyClass().static_method(4) == 4
    assert calls == [("class", MyClass, 1), ("class", MyClass, 2), ("static", 3), ("static", 4)]


def test_define_slot_with_support_hooks() -> None:
    from hookfast import slot, support_hooks

    @support_hooks
    class MyClass:
        @slot
        def method(self, arg):
            return self.data, arg

    obj = MyClass()
    obj.data = 1
    assert obj.method(2) == (1, 2)
    # "Slot is created": it has the slot API
    for attribute in ("bind", "suspend_hooks", "resume_hooks", "skip_hooks"):
        assert callable(getattr(MyClass.method, attribute))


# --- Define a callback ---------------------------------------------------------------------------


def test_callback_with_self(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    def callback(self, arg):
        print(self.data, arg)

    MyClass.method.bind(hook(callback))
    assert MyClass(1).method(2) == (1, 2)
    assert capsys.readouterr().out == "1 2\n"


def test_callback_with_renamed_args(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    def callback(obj, arg):
        print(obj.data, arg)

    MyClass.method.bind(hook(callback))
    MyClass(1).method(2)
    MyClass(1).method(arg=3)  # a keyword argument still reaches the parameter named `arg`
    assert capsys.readouterr().out == "1 2\n1 3\n"


def test_callback_with_args_kwargs(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    def callback(obj, *args, **kwargs):
        print(obj.data, args, kwargs)

    MyClass.method.bind(hook(callback))
    MyClass(1).method(2)
    MyClass(1).method(arg=2)
    assert capsys.readouterr().out == "1 (2,) {}\n1 () {'arg': 2}\n"


def test_callback_with_method_name(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    def callback(obj, *args, method_name: str, **kwargs):
        print(obj.data, args, method_name, kwargs)

    MyClass.method.bind(hook(callback))
    MyClass(1).method(2)
    MyClass(1).method(arg=2)
    assert capsys.readouterr().out == "1 (2,) method {}\n1 () method {'arg': 2}\n"


def test_incompatible_callback_fails_only_when_slot_is_called() -> None:
    MyClass = make_my_class()

    @MyClass.method.bind  # binding succeeds
    @hook
    def callback(obj):
        raise AssertionError("never called")

    with pytest.raises(SignatureError, match="Error while passing method arguments to a hook"):
        MyClass(1).method(2)


# --- Define a hook -------------------------------------------------------------------------------


def test_define_hook(capsys: pytest.CaptureFixture[str]) -> None:
    from hookfast import Hook

    @hook
    def callback(obj, arg):
        print(obj.data, arg)

    assert isinstance(callback, Hook)
    assert callback.enabled is True
    assert callback.priority is HookPriority.NORMAL
    assert callback.__name__ == "callback"

    # "You can pass more options to the @hook decorator, like state or priority"
    @hook(enabled=False, priority=HookPriority.FIRST)
    def other(obj, arg):
        print("other", obj.data, arg)

    assert other.enabled is False
    assert other.priority is HookPriority.FIRST

    MyClass = make_my_class()
    MyClass.method.bind(callback)
    MyClass.method.bind(other)
    MyClass(1).method(2)
    assert capsys.readouterr().out == "1 2\n"  # `other` is disabled


# --- Bind hook to the slot -----------------------------------------------------------------------


def test_bind_hook_to_slot(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        print(obj, arg)

    obj = MyClass(1)
    obj.method(2)
    assert capsys.readouterr().out == f"{obj} 2\n"
    assert list(MyClass.method.__hooks__) == [callback]


def test_bind_stacking(notice_logs: pytest.LogCaptureFixture) -> None:
    @support_hooks
    class MyClass:
        @slot
        def method1(self, arg):
            return "method1", arg

        @slot
        def method2(self, arg):
            return "method2", arg

    @MyClass.method1.bind
    @MyClass.method2.bind
    @hook
    def callback1(obj, arg):
        "Will be called by both MyClass.method1 and MyClass.method2"

    @MyClass.method1.bind
    @hook
    def callback2(obj, arg):
        "Will be called by MyClass.method1 too"

    assert callback1.__doc__ == "Will be called by both MyClass.method1 and MyClass.method2"
    assert list(MyClass.method1.__hooks__) == [callback1, callback2]
    assert list(MyClass.method2.__hooks__) == [callback1]

    obj = MyClass()
    notice_logs.clear()
    assert obj.method1(1) == ("method1", 1)
    called = [message for message in notice_messages(notice_logs) if "Calling hook" in message]
    assert len(called) == 2
    assert called[0].endswith(f".{callback1.__qualname__}' (1 of 2)")
    assert called[1].endswith(f".{callback2.__qualname__}' (2 of 2)")

    notice_logs.clear()
    assert obj.method2(1) == ("method2", 1)
    called = [message for message in notice_messages(notice_logs) if "Calling hook" in message]
    assert len(called) == 1
    assert called[0].endswith(f".{callback1.__qualname__}' (1 of 1)")


# --- How hooks are called ------------------------------------------------------------------------


def test_general_call(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        print(obj.data, arg)

    obj = MyClass(1)
    obj.method(2)  # will call callback(obj, 2)

    # prints "1 2"
    assert capsys.readouterr().out == "1 2\n"


def test_context_manager_hook(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()
    events = []

    @MyClass.method.bind
    @hook
    class ContextManager:
        def __init__(self, obj, arg):
            self.obj = obj
            self.arg = arg

        def __enter__(self):
            # do something on enter
            print(self.obj.data, self.arg)  # document typo: it prints obj.data, arg (undefined names)
            return self

        def __exit__(self, exc_type, exc_value, traceback):
            # do something on exit
            events.append(("exit", exc_type))
            return False

    assert MyClass(1).method(2) == (1, 2)  # no process_result: the result is untouched
    assert capsys.readouterr().out == "1 2\n"
    assert events == [("exit", None)]


def test_context_manager_hook_with_process_result(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()
    events = []

    def modified(result):  # the document leaves it undefined
        return ("modified", result)

    @MyClass.method.bind
    @hook
    class ContextManager:
        def __init__(self, obj, arg):
            self.obj = obj
            self.arg = arg

        def __enter__(self):
            # do something on enter
            print(self.obj.data, self.arg)  # document typo: it prints obj.data, arg (undefined names)
            return self

        def __exit__(self, exc_type, exc_value, traceback):
            # do something on exit
            events.append("exit")
            return False

        def process_result(self, result):
            # do something with method call result
            events.append(("process_result", result))
            return modified(result)

    assert MyClass(1).method(2) == ("modified", (1, 2))
    assert capsys.readouterr().out == "1 2\n"
    # process_result runs before the context is exited
    assert events == [("process_result", (1, 2)), "exit"]


def test_generator_hook(capsys: pytest.CaptureFixture[str]) -> None:
    events = []

    @support_hooks
    class MyClass:
        def __init__(self, data):
            self.data = data

        @slot
        def method(self, arg):
            events.append("method")
            return self.data, arg

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        print(obj.data, arg)
        # this is called before original method body
        events.append("before")

        yield  # method is called here

        # this is called after original method body
        events.append("after")

    assert MyClass(1).method(2) == (1, 2)
    assert capsys.readouterr().out == "1 2\n"
    assert events == ["before", "method", "after"]


def make_raising_class(events: list[Any]) -> type:
    @support_hooks
    class MyClass:
        def __init__(self, data):
            self.data = data

        @slot
        def method(self, arg):
            events.append("method")
            if isinstance(arg, BaseException):
                raise arg
            return self.data, arg

    return MyClass


def test_generator_hook_with_try_except_finally(capsys: pytest.CaptureFixture[str]) -> None:
    events = []
    MyClass = make_raising_class(events)

    def process_exception(e):
        events.append(("process_exception", e))

    def finalizer():
        events.append("finalizer")

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        print(obj.data, arg)

        try:
            # this is called before original method body
            events.append("before")

            yield  # method is called here
        except Exception as e:
            process_exception(e)  # document typo: the document passes `a`
        finally:
            # this is called after original method body
            finalizer()

    assert MyClass(1).method(2) == (1, 2)
    assert events == ["before", "method", "finalizer"]

    events.clear()
    error = KeyError("boom")
    # the generator handles the exception and does not re-raise it: the slot returns None
    assert MyClass(1).method(error) is None
    assert events == ["before", "method", ("process_exception", error), "finalizer"]
    assert capsys.readouterr().out.startswith("1 2\n")


def test_generator_hook_replaces_result() -> None:
    MyClass = make_my_class()
    seen = []

    def do_something(original_result):  # the document leaves it undefined
        seen.append(original_result)
        return [*original_result, "done"]

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        original_result = yield  # method is called here

        new_result = do_something(original_result)

        yield new_result  # modify/replace the result

    assert MyClass(1).method(2) == [1, 2, "done"]
    assert seen == [(1, 2)]


# --- Calling hooks in details --------------------------------------------------------------------


def test_callback_arguments_per_slot_kind() -> None:
    calls = []

    @support_hooks
    class MyClass:
        @slot
        def method(self, *args, **kwargs):
            return "method"

        @slot
        @classmethod
        def class_method(cls, *args, **kwargs):
            return "class_method"

        @slot
        @staticmethod
        def static_method(*args, **kwargs):
            return "static_method"

    @MyClass.method.bind
    @MyClass.class_method.bind
    @MyClass.static_method.bind
    @hook
    def callback(*args, **kwargs):
        calls.append((args, kwargs))

    obj = MyClass()
    assert obj.method(1, x=2) == "method"
    assert obj.class_method(1, x=2) == "class_method"
    assert obj.static_method(1, x=2) == "static_method"
    assert calls == [((obj, 1), {"x": 2}), ((MyClass, 1), {"x": 2}), ((1,), {"x": 2})]


def test_result_chain_through_process_result() -> None:
    MyClass = make_my_class()
    events = []

    def make_cm(name, transform):
        class Callback:
            def __init__(self, obj, arg):
                events.append(("call", name))

            def __enter__(self):
                events.append(("enter", name))
                return self

            def __exit__(self, *exc_info):
                events.append(("exit", name))
                return False

            def process_result(self, result):
                events.append(("process_result", name, result))
                return transform(result)

        Callback.__qualname__ = name
        return hook(Callback)

    MyClass.method.bind(make_cm("callback1", lambda result: ("c1", result)))
    MyClass.method.bind(make_cm("callback2", lambda result: None))  # None is ignored
    MyClass.method.bind(make_cm("callback3", lambda result: ("c3", result)))

    assert MyClass(1).method(2) == ("c3", ("c1", (1, 2)))
    assert events == [
        ("call", "callback1"),
        ("enter", "callback1"),
        ("call", "callback2"),
        ("enter", "callback2"),
        ("call", "callback3"),
        ("enter", "callback3"),
        ("process_result", "callback1", (1, 2)),
        ("process_result", "callback2", ("c1", (1, 2))),
        ("process_result", "callback3", ("c1", (1, 2))),
        # "Exit all the context managers entered during the slot call": in reverse order
        ("exit", "callback3"),
        ("exit", "callback2"),
        ("exit", "callback1"),
    ]


@pytest.mark.parametrize("falsy", [0, "", False, [], ()])
def test_only_none_is_ignored(falsy: Any) -> None:
    """The document writes ``new_result or original_result``; onETL's code ignores
    only None, and so does hookfast."""
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def replace(obj, arg):
        return falsy

    result = MyClass(1).method(2)
    assert result == falsy and type(result) is type(falsy)

    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def modify(obj, arg):
        yield
        yield falsy

    result = MyClass(1).method(2)
    assert result == falsy and type(result) is type(falsy)


def test_none_results_are_ignored() -> None:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def returns_none(obj, arg):
        return None

    @MyClass.method.bind
    @hook
    def yields_none(obj, arg):
        result = yield None
        assert result == (1, 2)
        yield None

    assert MyClass(1).method(2) == (1, 2)


# --- Hooks priority ------------------------------------------------------------------------------


def test_priority_across_inheritance() -> None:
    events = []

    @support_hooks
    class Parent:
        @slot
        def method(self, arg):
            events.append("Parent.method")
            return arg

    @support_hooks
    class Child(Parent):
        @slot
        def method(self, arg):
            events.append("Child.method")
            return super().method(arg)

    def make(name, priority):
        def callback(obj, arg):
            events.append(name)

        return hook(callback, priority=priority)

    # bound in scrambled order: the call order depends only on (priority, class, registration)
    Child.method.bind(make("child LAST", HookPriority.LAST))
    Parent.method.bind(make("parent NORMAL", HookPriority.NORMAL))
    Child.method.bind(make("child NORMAL", HookPriority.NORMAL))
    Parent.method.bind(make("parent LAST", HookPriority.LAST))
    Child.method.bind(make("child FIRST", HookPriority.FIRST))
    Parent.method.bind(make("parent FIRST", HookPriority.FIRST))
    Parent.method.bind(make("parent NORMAL 2", HookPriority.NORMAL))
    Child.method.bind(make("child FIRST 2", HookPriority.FIRST))

    assert Child().method(1) == 1
    assert events == [
        "parent FIRST",
        "child FIRST",
        "child FIRST 2",
        "parent NORMAL",
        "parent NORMAL 2",
        "child NORMAL",
        "parent LAST",
        "child LAST",
        # "Calls of super() inside inherited class methods does not trigger hooks call"
        "Child.method",
        "Parent.method",
    ]

    events.clear()
    assert Parent().method(1) == 1
    assert events == ["parent FIRST", "parent NORMAL", "parent NORMAL 2", "parent LAST", "Parent.method"]


# --- Hook types ----------------------------------------------------------------------------------


def test_before_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    events = []
    MyClass = make_raising_class(events)

    @MyClass.method.bind
    @hook
    def before1(obj, arg):
        print(obj, arg)
        # original method is called after exiting this function

    @MyClass.method.bind
    @hook
    def before2(obj, arg):
        if arg == 1:
            raise ValueError("arg=1 is not allowed")
        return None  # return None is the same as no return statement

    obj = MyClass(1)
    assert obj.method(2) == (1, 2)
    assert events == ["method"]
    assert capsys.readouterr().out == f"{obj} 2\n"

    events.clear()
    with pytest.raises(ValueError, match="arg=1 is not allowed"):
        obj.method(1)
    assert events == []  # "If hook raises an exception, method will not be called at all"


def test_after_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    events = []
    MyClass = make_raising_class(events)

    @MyClass.method.bind
    @hook
    def after1(obj, arg):
        yield  # original method is called here
        print(obj, arg)

    @MyClass.method.bind
    @hook
    def after2(obj, arg):
        yield None  # yielding None is the same as empty yield
        if arg == 1:
            raise ValueError("arg=1 is not allowed")

    obj = MyClass(1)
    assert obj.method(2) == (1, 2)
    assert capsys.readouterr().out == f"{obj} 2\n"

    events.clear()
    with pytest.raises(ValueError, match="arg=1 is not allowed"):
        obj.method(1)
    assert events == ["method"]  # the method did run before the after-hook raised

    # "If original method raises an exception, the block of code after yield will not be called."
    events.clear()
    capsys.readouterr()
    with pytest.raises(KeyError):
        obj.method(KeyError("from method"))
    assert events == ["method"]
    assert capsys.readouterr().out == ""


def test_context_hook(capsys: pytest.CaptureFixture[str]) -> None:
    events = []
    MyClass = make_raising_class(events)

    class SomeException(Exception):
        pass

    def magic(e):
        events.append(("magic", e))

    def finalizer():
        events.append("finalizer")

    # This is just the same as using @contextlib.contextmanager

    @MyClass.method.bind
    @hook
    def context_generator(obj, arg):
        try:
            yield  # original method is called here
            print(obj, arg)  # <-- this line will not be called if method raised an exception
        except SomeException as e:
            magic(e)
        finally:
            finalizer()

    obj = MyClass(1)
    assert obj.method(2) == (1, 2)
    assert capsys.readouterr().out == f"{obj} 2\n"
    assert events == ["method", "finalizer"]

    events.clear()
    error = SomeException("handled")
    assert obj.method(error) is None  # caught by the hook: suppressed
    assert events == ["method", ("magic", error), "finalizer"]

    events.clear()
    with pytest.raises(KeyError):
        obj.method(KeyError("not handled"))
    assert events == ["method", "finalizer"]
    assert capsys.readouterr().out == ""


def test_contexts_exit_in_reverse_order() -> None:
    """Note of "Context hook": an exception raised by a hook is passed into the previous hook."""
    events = []
    MyClass = make_raising_class(events)

    @MyClass.method.bind
    @hook(priority=HookPriority.FIRST)
    def first(obj, arg):
        try:
            yield
        except ValueError as e:
            events.append(("first caught", str(e)))

    @MyClass.method.bind
    @hook
    def raising(obj, arg):
        raise ValueError("from the later hook")

    assert MyClass(1).method(2) is None
    assert events == [("first caught", "from the later hook")]  # and the method never ran


def test_replacing_result_hooks() -> None:
    MyClass = make_my_class()

    @hook
    def replace1(obj, arg):
        result = arg + 10  # any non-None return result

        # original method call result is ignored, output will always be arg + 10
        return result

    @hook
    def replace2(obj, arg):
        yield arg + 10  # same as above

    MyClass.method.bind(replace1)
    assert MyClass(1).method(2) == 12

    MyClass = make_my_class()
    MyClass.method.bind(replace2)
    assert MyClass(1).method(2) == 12


def test_last_replacing_hook_wins() -> None:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook(priority=HookPriority.LAST)
    def last(obj, arg):
        return "last"

    @MyClass.method.bind
    @hook
    def normal(obj, arg):
        return "normal"

    @MyClass.method.bind
    @hook(priority=HookPriority.FIRST)
    def first(obj, arg):
        return "first"

    assert MyClass(1).method(2) == "last"


def test_accessing_result_hook(capsys: pytest.CaptureFixture[str]) -> None:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def access_result(obj, arg):
        result = yield  # original method is called here, and result can be used in the hook
        print(result)
        yield  # does not modify result

    assert MyClass(1).method(2) == (1, 2)
    assert capsys.readouterr().out == "(1, 2)\n"


def test_modifying_result_hook() -> None:
    @support_hooks
    class MyClass:
        def __init__(self, data):
            self.data = data

        @slot
        def method(self, arg):
            return self.data + arg

    @MyClass.method.bind
    @hook
    def modifies_result(obj, arg):
        result = yield  # original method is called here, and result can be used in the hook
        yield result + 10  # modify output result. None values are ignored

    assert MyClass(1).method(2) == 13


# --- How to enable/disable hooks? ----------------------------------------------------------------


def make_counted_class(calls: list[str]) -> tuple[type, Any]:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        calls.append("hook")

    return MyClass, callback


def hooks_run(cls: type, calls: list[str]) -> bool:
    calls.clear()
    assert cls(1).method(2) == (1, 2)
    return calls == ["hook"]


def test_level_1_global() -> None:
    calls: list[str] = []
    MyClass, _ = make_counted_class(calls)
    stop_all_hooks()
    try:
        assert not hooks_run(MyClass, calls)
    finally:
        resume_all_hooks()
    assert hooks_run(MyClass, calls)
    with skip_all_hooks():
        assert not hooks_run(MyClass, calls)
    assert hooks_run(MyClass, calls)


def test_level_2_class() -> None:
    calls: list[str] = []
    MyClass, _ = make_counted_class(calls)
    MyClass.suspend_hooks()
    assert not hooks_run(MyClass, calls)
    MyClass.resume_hooks()
    assert hooks_run(MyClass, calls)
    with MyClass.skip_hooks():
        assert not hooks_run(MyClass, calls)
    assert hooks_run(MyClass, calls)


def test_level_3_slot() -> None:
    calls: list[str] = []
    MyClass, _ = make_counted_class(calls)
    MyClass.method.suspend_hooks()
    assert not hooks_run(MyClass, calls)
    MyClass.method.resume_hooks()
    assert hooks_run(MyClass, calls)
    with MyClass.method.skip_hooks():
        assert not hooks_run(MyClass, calls)
    assert hooks_run(MyClass, calls)


def test_level_4_hook() -> None:
    calls: list[str] = []
    MyClass, callback = make_counted_class(calls)
    callback.disable()
    assert not hooks_run(MyClass, calls)
    callback.enable()
    assert hooks_run(MyClass, calls)
    with callback.skip():
        assert not hooks_run(MyClass, calls)
    assert hooks_run(MyClass, calls)


def test_levels_are_independent() -> None:
    """Stopping level 1 wins over the others; resuming level 1 does not resume level 2, and so on.

    The document makes the class level a switch of its own. In onETL 0.17 ``C.suspend_hooks()`` only sets
    each slot's flag, so ``C.m.resume_hooks()`` undoes it; hookfast keeps the levels independent.
    """
    calls: list[str] = []
    MyClass, callback = make_counted_class(calls)
    stop_all_hooks()
    try:
        MyClass.suspend_hooks()
        MyClass.method.suspend_hooks()
        callback.disable()
        # resuming the lower levels while level 1 is stopped: still stopped
        callback.enable()
        MyClass.method.resume_hooks()
        assert not hooks_run(MyClass, calls)
    finally:
        resume_all_hooks()
    # level 2 was not resumed by resuming level 1
    assert not hooks_run(MyClass, calls)
    MyClass.resume_hooks()
    assert hooks_run(MyClass, calls)

    for stop, resume in (
        (MyClass.suspend_hooks, MyClass.resume_hooks),
        (MyClass.method.suspend_hooks, MyClass.method.resume_hooks),
        (callback.disable, callback.enable),
    ):
        stop()
        resume_all_hooks()  # nothing to resume at level 1: no effect on the others
        assert not hooks_run(MyClass, calls)
        resume()
        assert hooks_run(MyClass, calls)


# --- How to see logs of the hook mechanism? ------------------------------------------------------


def test_registration_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="hookfast")
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def callback1(obj, arg):
        pass

    @MyClass.method.bind
    @hook
    def callback2(obj, arg):
        pass

    @MyClass.method.bind
    @hook(enabled=False)
    def callback3(obj, arg):
        pass

    messages = [record.getMessage() for record in caplog.records if record.levelno == logging.DEBUG]
    slot_name = MyClass.method.__qualname__
    assert messages == [
        f"|Hooks| Registered hook '{__name__}.{callback.__qualname__}' for '{slot_name}' "
        f"(enabled={enabled}, priority=HookPriority.NORMAL)"
        for callback, enabled in ((callback1, True), (callback2, True), (callback3, False))
    ]


def test_notice_logs_on_every_call(notice_logs: pytest.LogCaptureFixture) -> None:
    """Tracing is emitted on every call, not only on the first one that fills logging's level cache
    (regression: the compiled backend once compared the cached flag with ``(PyObject*)1``)."""
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def callback(obj, arg):
        pass

    for number in range(3):
        notice_logs.clear()
        assert MyClass(1).method(2) == (1, 2)
        assert notice_messages(notice_logs) == [
            f"|Hooks| Calling hook '{__name__}.{callback.__qualname__}' (1 of 1)",
            "|Hooks| Hook is finished with None result",
            f"|Hooks| Calling original method '{MyClass.__module__}.{MyClass.__qualname__}.method'",
            "|Hooks| Method call is finished with non-None result",
        ], f"call #{number}"


def test_notice_logs(notice_logs: pytest.LogCaptureFixture) -> None:
    MyClass = make_my_class()

    @MyClass.method.bind
    @hook
    def callback1(obj, arg):
        return "replaced"

    @MyClass.method.bind
    @hook
    class callback2:
        def __init__(self, obj, arg):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

        def process_result(self, result):
            return result + "!"

    notice_logs.clear()
    assert MyClass(1).method(2) == "replaced!"
    messages = notice_messages(notice_logs)
    owner = MyClass.__qualname__
    name1 = f"{__name__}.{callback1.__qualname__}"
    name2 = f"{__name__}.{callback2.__qualname__}"
    # the document's sample lines, with onETL 0.17's real templates (tests/test_logging.py)
    assert messages == [
        f"|Hooks| 2 hooks registered for '{owner}.method'",
        f"|Hooks| Calling hook '{name1}' (1 of 2)",
        "|Hooks| Hook is finished with returning non-None result",
        f"|Hooks| Calling hook '{name2}' (2 of 2)",
        "|Hooks| This is a context manager, entering...",
        f"|Hooks|   Calling original method '{MyClass.__module__}.{owner}.method'",
        "|Hooks|   Method call is finished with non-None result",
        f"|Hooks| Method call result (*NOT None*) will be replaced with result of calling the hook '{name1}'",
        f"|Hooks| Passing result to 'process_result' method of context manager '{name2}'",
        "|Hooks| Method call result (*NOT* None) is modified by hook!",
    ]


# --- Limitations ---------------------------------------------------------------------------------


def test_limitations() -> None:
    # "Hooks can be bound to public methods only."
    with pytest.raises(ValueError, match="public methods only"):

        class Private:
            @slot
            def _method(self):
                pass

    # "Only methods decorated with @slot decorator implement hooks mechanism."
    @support_hooks
    class MyClass:
        @slot
        def method(self):
            return "slot"

        def plain(self):
            return "plain"

    assert not hasattr(MyClass.plain, "bind")
    assert MyClass().plain() == "plain"
