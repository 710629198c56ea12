"""Declarations on their own: ``@slot`` and ``@hook`` before any class registers a slot, and ``Hook`` objects.

Nothing here registers a class with ``@support_hooks`` or calls a slot, so no dispatch backend is
involved: these tests run once. Everything that registers a class or calls a slot is in the
per-backend modules (``tests/test_declaring.py``, ``tests/test_states.py``, ...), which declare
``pytestmark = pytest.mark.usefixtures("backend")``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import pytest

from hookfast import (
    NOTICE,
    Hook,
    HookPriority,
    hook,
    resume_all_hooks,
    skip_all_hooks,
    slot,
    stop_all_hooks,
)

WRAPPERS = [None, classmethod, staticmethod]
WRAPPER_IDS = ["regular", "classmethod", "staticmethod"]


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name.startswith("hookfast")]


@pytest.fixture
def resume_global() -> Iterator[None]:
    """Tests that stop the global level on purpose resume it even when they fail half-way."""
    yield
    resume_all_hooks()


# --- @slot errors, and @slot without @support_hooks ---


@pytest.mark.parametrize("wrap", WRAPPERS, ids=WRAPPER_IDS)
@pytest.mark.parametrize("name", ["_m", "__m"])
def test_slot_on_private_name_raises_value_error(name: str, wrap: type | None) -> None:
    def method(self: object) -> None:
        pass

    method.__name__ = name
    method.__qualname__ = f"C.{name}"
    target = method if wrap is None else wrap(method)
    expected = f"^@slot decorator could be applied to public methods only, got '{name}'"
    with pytest.raises(ValueError, match=expected):
        slot(target)
    # nothing half-registered: the function is not marked, so @slot can still not see it as a slot
    assert not hasattr(method, "__hooks__")


def test_slot_on_private_method_in_class_body() -> None:
    with pytest.raises(ValueError, match="'_hidden'"):

        class C:
            @slot
            def _hidden(self) -> None:
                pass

    with pytest.raises(ValueError, match="'__mangled'"):

        class D:
            @slot
            def __mangled(self) -> None:
                pass


def test_slot_on_property_raises_type_error() -> None:
    with pytest.raises(
        TypeError,
        match=r"^@slot decorator could be applied to only to methods of class, got <class 'property'>",
    ):

        class C:
            @slot  # type: ignore[misc]
            @property
            def value(self) -> int:
                return 1


def test_slot_on_non_callable_raises_type_error() -> None:
    with pytest.raises(TypeError, match=r"got <class 'int'>"):
        slot(5)


@pytest.mark.parametrize("wrap", WRAPPERS, ids=WRAPPER_IDS)
def test_slot_twice_raises_syntax_error(wrap: type | None) -> None:
    def method(self: object) -> None:
        pass

    target = method if wrap is None else wrap(method)
    marked = slot(target)
    declaration = method.__hooks__  # type: ignore[attr-defined]
    with pytest.raises(SyntaxError, match=r"^Cannot place @slot hook twice on the same method"):
        slot(marked)
    # the first mark is kept
    assert method.__hooks__ is declaration  # type: ignore[attr-defined]


def test_slot_twice_in_class_body_raises_syntax_error() -> None:
    with pytest.raises(SyntaxError, match="Cannot place @slot hook twice"):

        class C:
            @slot
            @slot
            def m(self) -> None:
                pass


def test_slot_without_support_hooks_is_only_marked() -> None:
    def method(self: object) -> str:
        return "plain"

    class C:
        m = slot(method)

    assert C.__dict__["m"] is method
    assert not hasattr(C.m, "bind")
    assert C().m() == "plain"


# the design document's "Define a slot" (tests/test_design_document_examples.py has its
# other examples)
def test_define_slot_plain_class_and_marked_method() -> None:
    class MyClass:
        def __init__(self, data):
            self.data = data

        def method(self, arg):
            return self.data, arg

    assert MyClass(1).method(2) == (1, 2)

    class MyClass:  # type: ignore[no-redef]
        @slot
        def method(self, arg):
            return self.data, arg

    # without @support_hooks the method is only marked and works as before
    obj = MyClass()
    obj.data = 1
    assert obj.method(2) == (1, 2)
    assert hasattr(MyClass.__dict__["method"], "__hooks__")


def test_merged_hooks_of_an_unregistered_slot_is_empty():
    def run(self):
        return None

    slot(run)
    assert run.__hooks__.merged_hooks() == ()


# --- @hook errors and priorities ---


def test_hook_twice_raises_type_error() -> None:
    def callback() -> None:
        pass

    once = hook(callback)
    with pytest.raises(TypeError, match=r"^@hook decorator can be applied only once"):
        hook(once)
    with pytest.raises(TypeError, match=r"^@hook decorator can be applied only once"):
        hook(priority=HookPriority.FIRST)(once)
    assert once.callback is callback
    assert once.priority is HookPriority.NORMAL


@pytest.mark.parametrize("priority", [5, 2, -2, "FIRST", None, 1.5])
def test_invalid_priority_raises_value_error_naming_hook(priority: object) -> None:
    def my_callback() -> None:
        pass

    name = f"{__name__}.test_invalid_priority_raises_value_error_naming_hook.<locals>.my_callback"
    expected = re.escape(f"{priority!r} is not a valid HookPriority for hook '{name}'")
    with pytest.raises(ValueError, match=f"^{expected}"):
        hook(priority=priority)(my_callback)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not a valid HookPriority"):
        Hook(my_callback, priority=priority)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "member"), [(-1, HookPriority.FIRST), (0, HookPriority.NORMAL), (1, HookPriority.LAST)]
)
def test_int_priorities_accepted(value: int, member: HookPriority) -> None:
    @hook(priority=value)
    def callback() -> None:
        pass

    assert callback.priority is member
    assert isinstance(callback.priority, HookPriority)


# --- Hook objects ---


def test_hook_attributes_copied_from_callback() -> None:
    def my_callback(self: object, arg: int) -> int:
        """Callback documentation."""
        return arg * 3

    made = hook(my_callback)
    assert isinstance(made, Hook)
    assert made.__name__ == "my_callback"
    assert made.__qualname__ == "test_hook_attributes_copied_from_callback.<locals>.my_callback"
    assert made.__module__ == __name__
    assert made.__doc__ == "Callback documentation."
    assert made.__wrapped__ is my_callback
    assert made.callback is my_callback
    assert made.enabled is True
    assert made.priority is HookPriority.NORMAL
    assert made(None, 2) == 6
    assert made(None, arg=4) == 12


def test_hook_with_options() -> None:
    @hook(enabled=False, priority=HookPriority.FIRST)
    def callback() -> str:
        return "called"

    assert callback.enabled is False
    assert callback.priority is HookPriority.FIRST
    assert callback() == "called"  # calling a hook calls the callback whatever its state

    made = hook()(lambda: "lambda")
    assert made() == "lambda"
    assert made.__name__ == "<lambda>"


def test_hook_of_generator_function_and_class() -> None:
    def generator_callback(self: object) -> object:
        yield

    class ContextHook:
        """A context-manager hook."""

        def __init__(self, owner: object) -> None:
            self.owner = owner

        def __enter__(self) -> ContextHook:
            return self

        def __exit__(self, *exc_info: object) -> None:
            return None

    generator_hook = hook(generator_callback)
    class_hook = hook(ContextHook)
    assert generator_hook.__wrapped__ is generator_callback
    assert inspect.isgenerator(generator_hook(None))
    assert class_hook.__name__ == "ContextHook"
    assert class_hook.__doc__ == "A context-manager hook."
    assert class_hook.callback is ContextHook
    instance = class_hook("owner")
    assert isinstance(instance, ContextHook)
    assert instance.owner == "owner"


def test_hook_compares_and_hashes_by_identity() -> None:
    def callback() -> None:
        pass

    one = hook(callback)
    other = hook(callback)
    assert one != other
    assert one == one
    assert len({one, other, one}) == 2


# --- logs of the global and hook switches ---


def test_global_state_logs(notice_logs: pytest.LogCaptureFixture, resume_global: None) -> None:
    stop_all_hooks()
    stop_all_hooks()
    resume_all_hooks()
    resume_all_hooks()
    with skip_all_hooks(), skip_all_hooks():
        pass
    assert messages(notice_logs) == [
        "|Hooks| Stopping all hooks",
        "|Hooks| Hooks already stopped",
        "|Hooks| Resuming all hooks",
        "|Hooks| Hooks are not stopped, nothing to resume",
        "|Hooks| Skipping all hooks...",
        "|Hooks| All hooks are disabled, nothing to skip",
        "|Hooks| Restoring all hooks...",
    ]
    assert {record.levelno for record in notice_logs.records} == {NOTICE}
    assert all(record.name.startswith("hookfast") for record in notice_logs.records)


def test_hook_state_logs(notice_logs: pytest.LogCaptureFixture) -> None:
    @hook
    def logged(*args: object) -> None:
        pass

    name = f"{__name__}.test_hook_state_logs.<locals>.logged"
    logged.disable()
    logged.disable()
    with logged.skip():
        pass
    logged.enable()
    logged.enable()
    with logged.skip():
        pass
    assert messages(notice_logs) == [
        f"|Hooks| Disable hook '{name}'",
        f"|Hooks| Hook '{name}' already disabled",
        f"|Hooks| Hook '{name}' already disabled, nothing to skip",
        f"|Hooks| Enable hook '{name}'",
        f"|Hooks| Hook '{name}' already enabled",
        f"|Hooks| Skipping hook '{name}' ...",
        f"|Hooks| Restoring hook '{name}' ...",
    ]
    assert {record.levelno for record in notice_logs.records} == {NOTICE}


def test_hook_skip_logs_restore_also_when_body_raises(notice_logs: pytest.LogCaptureFixture) -> None:
    @hook
    def logged() -> None:
        pass

    name = f"{__name__}.test_hook_skip_logs_restore_also_when_body_raises.<locals>.logged"
    with pytest.raises(OSError), logged.skip():
        raise OSError
    assert messages(notice_logs) == [
        f"|Hooks| Skipping hook '{name}' ...",
        f"|Hooks| Restoring hook '{name}' ...",
    ]
