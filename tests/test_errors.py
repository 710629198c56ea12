"""Errors of a slot call: SignatureError (onETL's message) and hook failures.

Each test also checks that the slot works normally on the next call, so a failure leaves no state
behind (the conftest separately checks that hooks are not left globally stopped).
"""

from __future__ import annotations

import contextlib
import inspect
import linecache
import logging
from typing import Any

import pytest

from hookfast import HookPriority, SignatureError, hook, slot, support_hooks

pytestmark = pytest.mark.usefixtures("backend")

SLOT_LOGGER = "hookfast.slot"


def _name(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _expected_signature_message(method: Any, callback: Any) -> str:
    """The SignatureError text, built exactly as onETL 0.17 builds it."""
    method_line = inspect.getsourcelines(method)[1]
    callback_line = inspect.getsourcelines(callback)[1]
    return (
        "\n"
        "Error while passing method arguments to a hook.\n"
        "\n"
        f"Method name: '{method.__module__}.{method.__qualname__}'\n"
        f"Method source: '{inspect.getsourcefile(method)}:{method_line}'\n"
        "Method signature:\n"
        f"    {inspect.signature(method)}\n"
        "\n"
        f"Hook name: '{callback.__module__}.{callback.__qualname__}'\n"
        f"Hook source: '{inspect.getsourcefile(callback)}:{callback_line}'\n"
        "Hook signature:\n"
        f"    {inspect.signature(callback)}\n"
    )


def _hookfast_records(caplog: pytest.LogCaptureFixture, level: int | None = None) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name.startswith("hookfast") and (level is None or record.levelno == level)
    ]


class _Interrupt(KeyboardInterrupt):
    """A BaseException that is not an Exception."""


def _make_service(calls: list[Any]) -> tuple[type, Any]:
    """A slot with one recording hook; returns (class, original function)."""
    captured = {}

    @support_hooks
    class Service:
        @slot
        def run(self, a: int, b: str = "x") -> int:
            calls.append(("method", a, b))
            return a

        captured["run"] = run

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    def recorder(self, a, b="hook"):
        calls.append(("recorder", a, b))

    return Service, captured["run"]


def _assert_works_normally(service_cls: type, calls: list[Any], *extra: Any) -> None:
    calls.clear()
    assert service_cls().run(5) == 5
    assert calls == [("recorder", 5, "hook"), *extra, ("method", 5, "x")]


# --------------------------------------------------------------------------- SignatureError


def test_signature_error_message_layout_exact():
    captured = {}

    @support_hooks
    class Service:
        @slot
        def run(self, a: int, b: str = "x") -> int:
            return a

        captured["run"] = run

    @Service.run.bind
    @hook
    def needs_more(self, a: int, extra: str) -> None:
        pass  # pragma: no cover - cannot be called

    with pytest.raises(SignatureError) as info:
        Service().run(1)

    message = str(info.value)
    assert message == _expected_signature_message(captured["run"], needs_more.callback)
    assert message.startswith("\nError while passing method arguments to a hook.\n\nMethod name: '")
    assert message.endswith("\n")
    # string annotations (this module uses `from __future__ import annotations`)
    assert "\n    (self, a: 'int', b: 'str' = 'x') -> 'int'\n" in message
    assert "\n    (self, a: 'int', extra: 'str') -> 'None'\n" in message
    # the source line is the first decorator line of each
    method_file, method_line = message.split("Method source: '")[1].split("'")[0].rsplit(":", 1)
    assert method_file == __file__
    assert linecache.getline(method_file, int(method_line)).strip() == "@slot"
    hook_file, hook_line = message.split("Hook source: '")[1].split("'")[0].rsplit(":", 1)
    assert hook_file == __file__
    assert linecache.getline(hook_file, int(hook_line)).strip() == "@Service.run.bind"
    assert f"Hook name: '{__name__}.test_signature_error_message_layout_exact.<locals>.needs_more'" in message
    assert (
        f"Method name: '{__name__}.test_signature_error_message_layout_exact.<locals>.Service.run'" in message
    )


def test_signature_error_message_for_context_manager_class_hook():
    captured = {}

    @support_hooks
    class Service:
        @slot
        @classmethod
        def create(cls, x):
            return x

        captured["create"] = create.__func__

    @Service.create.bind
    @hook
    class Guard:
        def __init__(self, cls, x, y):
            pass  # pragma: no cover

        def __enter__(self):
            return self  # pragma: no cover

        def __exit__(self, *exc_info):
            return False  # pragma: no cover

    with pytest.raises(SignatureError) as info:
        Service.create(1)
    assert str(info.value) == _expected_signature_message(captured["create"], Guard.callback)
    # a class's signature is its __init__ without self
    assert "Hook signature:\n    (cls, x, y)\n" in str(info.value)


def test_signature_error_cause_is_the_bind_type_error():
    @support_hooks
    class Service:
        @slot
        def run(self, a):
            return a

    @Service.run.bind
    @hook
    def needs_more(self, a, extra):
        pass  # pragma: no cover

    with pytest.raises(SignatureError) as info:
        Service().run(1)
    cause = info.value.__cause__
    assert type(cause) is TypeError
    assert str(cause) == "missing a required argument: 'extra'"
    assert info.value.__suppress_context__ is True


def test_signature_error_for_too_many_arguments_cause():
    @support_hooks
    class Service:
        @slot
        def run(self, a, b):
            return a

    @Service.run.bind
    @hook
    def too_few(self, a):
        pass  # pragma: no cover

    with pytest.raises(SignatureError) as info:
        Service().run(1, 2)
    assert str(info.value.__cause__) == "too many positional arguments"
    with pytest.raises(SignatureError) as info:
        Service().run(1, b=2)
    assert str(info.value.__cause__) == "got an unexpected keyword argument 'b'"


def test_signature_error_raised_only_when_slot_is_called():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            return "ok"

        @slot
        def other(self, x):
            calls.append("other")
            return x

    def mismatched(self, x):
        calls.append("hook")  # pragma: no cover

    bound = Service.run.bind(hook(mismatched))  # binding does not inspect arguments
    assert bound.callback is mismatched
    assert calls == []
    with pytest.raises(SignatureError):
        Service().run()
    assert calls == []
    # the same hook fits another slot
    Service.other.bind(bound)
    assert Service().other(3) == 3
    assert calls == ["hook", "other"]


def test_signature_error_reaches_earlier_contexts_and_skips_method():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, a):
            calls.append("method")  # pragma: no cover

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    class Guard:
        def __init__(self, instance, a):
            calls.append("Guard init")

        def __enter__(self):
            calls.append("Guard enter")

        def __exit__(self, exc_type, exc, tb):
            calls.append(("Guard exit", exc_type, exc))
            return False

    @Service.run.bind
    @hook
    def gen(self, a):
        try:
            yield
        except SignatureError as exc:
            calls.append(("gen except", exc))
            raise

    @Service.run.bind
    @hook(priority=HookPriority.LAST)
    def mismatched(self):
        calls.append("mismatched")  # pragma: no cover

    Service.run.bind(hook(lambda self, a: calls.append("after"), priority=HookPriority.LAST))

    with pytest.raises(SignatureError) as info:
        Service().run(1)
    error = info.value
    assert calls == [
        "Guard init",
        "Guard enter",
        ("gen except", error),
        ("Guard exit", SignatureError, error),
    ]


def test_signature_error_suppressed_by_context_returns_none():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")  # pragma: no cover

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    def swallow(self):
        try:
            yield
        except SignatureError:
            calls.append("swallowed")

    Service.run.bind(hook(lambda self, extra: None))
    assert Service().run() is None
    assert calls == ["swallowed"]


def test_slot_called_with_method_name_keyword_while_hook_declares_it():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, **kwargs):
            calls.append(("method", kwargs))  # pragma: no cover

    @Service.run.bind
    @hook
    def check(self, method_name, **kwargs):
        calls.append("hook")  # pragma: no cover

    with pytest.raises(SignatureError) as info:
        Service().run(method_name="user value")
    assert isinstance(info.value.__cause__, TypeError)
    assert "multiple values" in str(info.value.__cause__)
    assert calls == []


def test_positional_method_name_colliding_with_slot_args_is_signature_error():
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self, x):
            calls.append("method")  # pragma: no cover

    @Service.run.bind
    @hook
    def check(self, method_name, *args):
        calls.append("hook")  # pragma: no cover

    with pytest.raises(SignatureError) as info:
        Service().run(1)
    assert str(info.value.__cause__) == "multiple values for argument 'method_name'"
    assert calls == []


def test_signature_error_is_not_logged_as_hook_error(caplog):
    caplog.set_level(logging.DEBUG, logger="hookfast")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    Service.run.bind(hook(lambda self, extra: None))
    caplog.clear()
    with pytest.raises(SignatureError):
        Service().run()
    assert _hookfast_records(caplog, logging.ERROR) == []
    assert not any("Error while" in record.getMessage() for record in caplog.records)


def test_slot_works_after_signature_error():
    calls = []
    Service, _ = _make_service(calls)

    def mismatched(self, a, extra):
        calls.append("mismatched")

    mismatched_hook = Service.run.bind(hook(mismatched))
    with pytest.raises(SignatureError):
        Service().run(5)
    assert calls == [("recorder", 5, "hook")]
    mismatched_hook.disable()
    _assert_works_normally(Service, calls)
    assert Service.run.__hooks__.suspended is False


# --------------------------------------------------------------------------- hook bodies raising


def test_type_error_inside_hook_body_is_not_signature_error_and_is_logged(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    calls = []
    Service, _ = _make_service(calls)
    error = TypeError("raised inside the hook body")

    def body_fails(self, a, b="x"):
        calls.append("body_fails")
        raise error

    Service.run.bind(hook(body_fails))
    with pytest.raises(TypeError) as info:
        Service().run(5)
    assert info.value is error
    assert not isinstance(info.value, SignatureError)
    assert calls == [("recorder", 5, "hook"), "body_fails"]

    errors = _hookfast_records(caplog, logging.ERROR)
    assert len(errors) == 1
    record = errors[0]
    assert record.name == SLOT_LOGGER
    assert record.getMessage() == f"|Hooks| Error while executing a hook '{_name(body_fails)}'"
    assert record.exc_info is not None
    assert record.exc_info[1] is error


def test_type_error_from_nested_call_in_hook_body_is_not_signature_error():
    @support_hooks
    class Service:
        @slot
        def run(self, a):
            return a  # pragma: no cover

    def helper(x):
        return x

    @Service.run.bind
    @hook
    def calls_badly(self, a):
        helper(a, a, a)  # a TypeError about *helper*'s arguments

    with pytest.raises(TypeError) as info:
        Service().run(1)
    assert type(info.value) is TypeError
    assert "helper()" in str(info.value)


def test_type_error_inside_context_manager_init_is_not_signature_error(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    error = TypeError("from __init__")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    @Service.run.bind
    @hook
    class Broken:
        def __init__(self, instance):
            raise error

        def __enter__(self):
            return self  # pragma: no cover

        def __exit__(self, *exc_info):
            return False  # pragma: no cover

    with pytest.raises(TypeError) as info:
        Service().run()
    assert info.value is error
    [record] = _hookfast_records(caplog, logging.ERROR)
    assert record.getMessage() == f"|Hooks| Error while executing a hook '{_name(Broken)}'"
    assert record.exc_info[1] is error


@pytest.mark.parametrize("error_type", [ValueError, RuntimeError, OSError, LookupError])
def test_hook_exception_logged_and_reraised_unchanged(caplog, error_type):
    caplog.set_level(logging.ERROR, logger="hookfast")
    calls = []
    Service, _ = _make_service(calls)
    error = error_type("hook failed")

    @Service.run.bind
    @hook(priority=HookPriority.LAST)
    def failing(self, a):
        raise error

    with pytest.raises(error_type) as info:
        Service().run(5)
    assert info.value is error
    assert calls == [("recorder", 5, "hook")]  # the method did not run
    [record] = _hookfast_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.name == SLOT_LOGGER
    assert record.getMessage() == f"|Hooks| Error while executing a hook '{_name(failing)}'"
    assert record.exc_info[1] is error

    failing.disable()
    _assert_works_normally(Service, calls)


def test_hook_error_log_uses_hook_module_and_qualname(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    class Holder:
        @staticmethod
        def failing(instance):
            raise ValueError("nested")

    Service.run.bind(hook(Holder.failing))
    with pytest.raises(ValueError):
        Service().run()
    [record] = _hookfast_records(caplog, logging.ERROR)
    expected = f"{__name__}.test_hook_error_log_uses_hook_module_and_qualname.<locals>.Holder.failing"
    assert record.getMessage() == f"|Hooks| Error while executing a hook '{expected}'"


def test_generator_raising_before_first_yield_is_not_logged_as_hook_error(caplog):
    # The generator is *created* by the hook call; its body runs when entered, like __enter__.
    caplog.set_level(logging.ERROR, logger="hookfast")
    error = ValueError("before the first yield")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"  # pragma: no cover

    @Service.run.bind
    @hook
    def gen(self):
        raise error
        yield  # pragma: no cover

    with pytest.raises(ValueError) as info:
        Service().run()
    assert info.value is error
    assert _hookfast_records(caplog, logging.ERROR) == []


# --------------------------------------------------------------------------- process_result raising


def test_process_result_raising_is_logged_and_reraised(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    calls = []
    Service, _ = _make_service(calls)
    error = ValueError("process_result failed")

    @Service.run.bind
    @hook
    class Checker:
        def __init__(self, instance, a):
            pass

        def __enter__(self):
            calls.append("enter")
            return self

        def __exit__(self, exc_type, exc, tb):
            calls.append(("exit", exc))
            return False

        def process_result(self, result):
            calls.append(("process_result", result))
            raise error

    with pytest.raises(ValueError) as info:
        Service().run(5)
    assert info.value is error
    assert calls == [
        ("recorder", 5, "hook"),
        "enter",
        ("method", 5, "x"),
        ("process_result", 5),
        ("exit", error),
    ]
    [record] = _hookfast_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.name == SLOT_LOGGER
    assert record.getMessage() == (
        f"|Hooks| Error while passing method call result to the hook '{_name(Checker.callback)}'"
    )
    assert record.exc_info[1] is error

    Checker.disable()
    _assert_works_normally(Service, calls)


def test_generator_code_after_yield_raising_is_logged_as_process_result_error(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    error = KeyError("after yield")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    @Service.run.bind
    @hook
    def gen(self):
        yield
        raise error

    with pytest.raises(KeyError) as info:
        Service().run()
    assert info.value is error
    [record] = _hookfast_records(caplog, logging.ERROR)
    assert record.getMessage() == f"|Hooks| Error while passing method call result to the hook '{_name(gen)}'"
    assert record.exc_info[1] is error


# --------------------------------------------------------------------------- __enter__ / __exit__ raising


def test_enter_raising_propagates_without_error_log(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    calls = []
    Service, _ = _make_service(calls)
    error = RuntimeError("from __enter__")

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    class Outer:
        def __init__(self, instance, a):
            pass

        def __enter__(self):
            calls.append("Outer enter")

        def __exit__(self, exc_type, exc, tb):
            calls.append(("Outer exit", exc))
            return False

    @Service.run.bind
    @hook
    class FailingEnter:
        def __init__(self, instance, a):
            calls.append("FailingEnter init")

        def __enter__(self):
            raise error

        def __exit__(self, *exc_info):
            calls.append("FailingEnter exit")  # pragma: no cover - never entered
            return False

    with pytest.raises(RuntimeError) as info:
        Service().run(5)
    assert info.value is error
    assert calls == [("recorder", 5, "hook"), "Outer enter", "FailingEnter init", ("Outer exit", error)]
    assert _hookfast_records(caplog, logging.ERROR) == []

    FailingEnter.disable()
    calls.clear()
    assert Service().run(5) == 5
    assert calls == [("recorder", 5, "hook"), "Outer enter", ("method", 5, "x"), ("Outer exit", None)]


def test_exit_raising_replaces_exception_without_error_log(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    calls = []
    method_error = ValueError("from the method")
    exit_error = OSError("from __exit__")
    fail = [True]

    @support_hooks
    class Service:
        @slot
        def run(self):
            calls.append("method")
            if fail[0]:
                raise method_error
            return "ok"

    @Service.run.bind
    @hook(priority=HookPriority.FIRST)
    class Outer:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            calls.append(("Outer exit", exc))
            return False

    @Service.run.bind
    @hook
    class FailingExit:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            calls.append(("FailingExit exit", exc))
            if exc is not None:
                raise exit_error
            return False

    with pytest.raises(OSError) as info:
        Service().run()
    assert info.value is exit_error
    assert info.value.__context__ is method_error
    assert calls == ["method", ("FailingExit exit", method_error), ("Outer exit", exit_error)]
    assert _hookfast_records(caplog, logging.ERROR) == []

    fail[0] = False
    calls.clear()
    assert Service().run() == "ok"
    assert calls == ["method", ("FailingExit exit", None), ("Outer exit", None)]


def test_exit_raising_on_success_raises():
    exit_error = OSError("from __exit__ after success")

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    @Service.run.bind
    @hook
    class FailingExit:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            raise exit_error

    with pytest.raises(OSError) as info:
        Service().run()
    assert info.value is exit_error


@pytest.mark.parametrize("general_path", [False, True], ids=["generated", "dispatcher"])
def test_exits_raising_after_success_chain_as_exit_stack_chains_them(general_path):
    """After a call that succeeded, an exit that raises is passed to the outer exits, whose own
    error does not get it as ``__context__`` (``contextlib.ExitStack``'s rule, so onETL's), on
    every call path: the inner exit's error is not being handled while the outer exit runs."""
    inner_error = OSError("inner exit")
    outer_error = KeyError("outer exit")
    seen = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    class Outer:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            seen.append(("outer", exc))
            raise outer_error

    class Inner(Outer):
        def __exit__(self, exc_type, exc, tb):
            seen.append(("inner", exc))
            raise inner_error

    if general_path:  # a hook taking *args, **kwargs: only the general path serves it
        Outer.__init__ = lambda self, *args, **kwargs: None
    Service.run.bind(hook(Outer))
    Service.run.bind(hook(Inner))
    assert Service.run.__hooks__.call_path == ("dispatcher" if general_path else "generated")
    with pytest.raises(KeyError) as info:
        Service().run()
    assert info.value is outer_error
    assert info.value.__context__ is None
    assert seen == [("inner", None), ("outer", inner_error)]

    with pytest.raises(KeyError), contextlib.ExitStack() as stack:  # the rule followed
        stack.enter_context(Outer(None))
        stack.enter_context(Inner(None))
    assert outer_error.__context__ is None


# --------------------------------------------------------------------------- BaseException


@pytest.mark.parametrize(
    "make_error", [lambda: _Interrupt("interrupted"), lambda: SystemExit(3), lambda: GeneratorExit()]
)
def test_base_exception_from_hook_propagates_without_error_log(caplog, make_error):
    caplog.set_level(logging.DEBUG, logger="hookfast")
    calls = []
    Service, _ = _make_service(calls)
    error = make_error()

    @Service.run.bind
    @hook
    def interrupting(self, a):
        raise error

    caplog.clear()
    with pytest.raises(BaseException) as info:
        Service().run(5)
    assert info.value is error
    assert calls == [("recorder", 5, "hook")]
    assert _hookfast_records(caplog, logging.ERROR) == []

    interrupting.disable()
    _assert_works_normally(Service, calls)


def test_base_exception_from_process_result_propagates_without_error_log(caplog):
    caplog.set_level(logging.ERROR, logger="hookfast")
    error = _Interrupt("interrupted in process_result")
    calls = []

    @support_hooks
    class Service:
        @slot
        def run(self):
            return "ok"

    @Service.run.bind
    @hook
    class Interrupting:
        def __init__(self, instance):
            pass

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            calls.append(("exit", exc))
            return False

        def process_result(self, result):
            raise error

    with pytest.raises(_Interrupt) as info:
        Service().run()
    assert info.value is error
    assert calls == [("exit", error)]
    assert _hookfast_records(caplog, logging.ERROR) == []


def test_base_exception_from_method_reaches_contexts():
    calls = []
    error = _Interrupt("method interrupted")

    @support_hooks
    class Service:
        @slot
        def run(self):
            raise error

    @Service.run.bind
    @hook
    def gen(self):
        try:
            yield
        finally:
            calls.append("gen finally")

    with pytest.raises(_Interrupt) as info:
        Service().run()
    assert info.value is error
    assert calls == ["gen finally"]


# --------------------------------------------------------------------------- no leaked state


def test_failures_leave_no_state_behind():
    calls = []
    Service, _ = _make_service(calls)
    failures = {
        "signature": lambda self: None,
        "body": lambda self, a: (_ for _ in ()).throw(ValueError("body")),
        "interrupt": lambda self, a: (_ for _ in ()).throw(_Interrupt()),
    }
    for name, callback in failures.items():
        failing = Service.run.bind(hook(callback, priority=HookPriority.LAST))
        with pytest.raises(BaseException) as info:
            Service().run(5)
        assert isinstance(info.value, (SignatureError, ValueError, _Interrupt)), name
        failing.disable()
        declaration = Service.run.__hooks__
        assert declaration.suspended is False
        assert [bound.enabled for bound in declaration] == [True] + [False] * (len(declaration) - 1)
        _assert_works_normally(Service, calls)
