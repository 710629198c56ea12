"""The mmcv-style hook runner (``hookfast.runner``): priorities, registration, ``call_hook``, own points.

A runner class takes the dispatch backend current when it is created, so runner classes
(``HookRunner`` subclasses) are defined inside the tests or by the ``runner_class`` fixture, which
depends on ``conftest.backend``: every test using them runs once per backend. What involves no
runner (``Priority``, ``get_priority``, the ``Hook`` helpers, ``get_triggered_stages``) runs once.
Hooks record what runs in a ``calls`` list and the tests compare the whole trace, so a hook that
runs twice, too early or not at all fails the test.
"""

from __future__ import annotations

import abc
import copy
import enum
import gc
import importlib
import pickle
import types
import weakref
from typing import Any, Callable, ClassVar
from unittest import mock

import pytest

from hookfast import _dispatch
from hookfast.runner import Hook, HookRunner, Priority, get_priority, points_of

#: Hook's points in mmcv's declaration order
MMCV_POINTS = (
    "before_run",
    "after_run",
    "before_epoch",
    "after_epoch",
    "before_iter",
    "after_iter",
    "before_train_epoch",
    "before_val_epoch",
    "after_train_epoch",
    "after_val_epoch",
    "before_train_iter",
    "before_val_iter",
    "after_train_iter",
    "after_val_iter",
)
MMCV_STAGES = (
    "before_run",
    "before_train_epoch",
    "before_train_iter",
    "after_train_iter",
    "after_train_epoch",
    "before_val_epoch",
    "before_val_iter",
    "after_val_iter",
    "after_val_epoch",
    "after_run",
)
#: the stages each generic method runs at (through Hook's forwarding defaults)
GENERIC = {
    "before_epoch": ("before_train_epoch", "before_val_epoch"),
    "after_epoch": ("after_train_epoch", "after_val_epoch"),
    "before_iter": ("before_train_iter", "before_val_iter"),
    "after_iter": ("after_train_iter", "after_val_iter"),
}
PRIORITIES = {
    "HIGHEST": 0,
    "VERY_HIGH": 10,
    "HIGH": 30,
    "ABOVE_NORMAL": 40,
    "NORMAL": 50,
    "BELOW_NORMAL": 60,
    "LOW": 70,
    "VERY_LOW": 90,
    "LOWEST": 100,
}


@pytest.fixture
def runner_class(backend: str) -> type[HookRunner]:
    """A fresh ``HookRunner`` subclass, created with the test's backend."""

    class Runner(HookRunner):
        pass

    return Runner


def recorder_class(calls: list[Any], label: str, *points: str, base: type = Hook) -> type:
    """A ``base`` subclass overriding ``points``; each appends ``(label, point, runner, args, kwargs)``."""

    def make(point: str) -> Callable[..., None]:
        def method(self: Hook, runner: Any, *args: Any, **kwargs: Any) -> None:
            calls.append((label, point, runner, args, kwargs))

        method.__name__ = point
        return method

    return types.new_class(
        f"Recorder_{label}", (base,), exec_body=lambda ns: ns.update({p: make(p) for p in points})
    )


def recorder(calls: list[Any], label: str, *points: str) -> Hook:
    """An instance of :func:`recorder_class`."""
    hook: Hook = recorder_class(calls, label, *points)()
    return hook


def call_every_point(runner: HookRunner, points: tuple[str, ...] = MMCV_POINTS) -> list[str]:
    """Call each point in turn; returns the points called (to interleave with a trace)."""
    for point in points:
        assert runner.call_hook(point) is None
    return list(points)


# --------------------------------------------------------------------------- Priority and get_priority


def test_priority_members_are_mmcvs() -> None:
    """Priority has mmcv's names and values, in that order."""
    assert [(member.name, member.value) for member in Priority] == list(PRIORITIES.items())


def test_priority_is_a_plain_enum_like_mmcvs() -> None:
    """mmcv's Priority is an Enum, not an IntEnum: members are not ints and print as Priority.NAME."""
    assert issubclass(Priority, enum.Enum)
    assert not issubclass(Priority, int)
    assert not isinstance(Priority.HIGH, int)
    assert Priority.HIGH != 30
    assert Priority.NORMAL.value == 50
    assert f"{Priority.HIGH}" == "Priority.HIGH"
    assert str(Priority.LOWEST) == "Priority.LOWEST"
    assert Priority(30) is Priority.HIGH
    with pytest.raises(TypeError):
        sorted([Priority.LOW, Priority.HIGH])  # type: ignore[type-var]


@pytest.mark.parametrize("name", list(PRIORITIES))
def test_get_priority_accepts_member_and_name_in_any_case(name: str) -> None:
    """A member gives its int value; its name in upper, lower or mixed case gives the same int."""
    value = PRIORITIES[name]
    for form in (Priority[name], name, name.lower(), name.capitalize(), name.swapcase().title()):
        result = get_priority(form)
        assert result == value, form
        assert type(result) is int, form


@pytest.mark.parametrize("value", [0, 1, 29, 30, 37, 50, 99, 100])
def test_get_priority_accepts_ints_0_to_100(value: int) -> None:
    """An int from 0 to 100 (bounds included) is returned as is."""
    result = get_priority(value)
    assert result == value
    assert type(result) is int


@pytest.mark.parametrize("value", [True, False])
def test_get_priority_accepts_bools_as_mmcv_does(value: bool) -> None:
    """A bool is an int: mmcv's get_priority returns it as is (True is 1, False is 0)."""
    assert get_priority(value) is value


@pytest.mark.parametrize("name", ["unknown", "NORMALL", "", "50", "very high", "priority", "FOO"])
def test_get_priority_unknown_name_is_a_key_error_naming_it_and_the_valid_names(name: str) -> None:
    """An unknown name: KeyError, as mmcv's ``Priority[name.upper()]``, naming it and the valid names."""
    with pytest.raises(KeyError) as info:
        get_priority(name)
    message = str(info.value)
    assert repr(name) in message
    for valid in PRIORITIES:
        assert valid in message


@pytest.mark.parametrize("value", [-1, 101, -100, 1000])
def test_get_priority_int_out_of_range_is_a_value_error(value: int) -> None:
    """An int outside 0..100: ValueError."""
    with pytest.raises(ValueError, match=str(value)):
        get_priority(value)


@pytest.mark.parametrize("value", [1.5, 50.0, None, b"HIGH", [50], Priority])
def test_get_priority_other_types_are_a_type_error(value: object) -> None:
    """A float, None, bytes, ...: TypeError."""
    with pytest.raises(TypeError):
        get_priority(value)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Hook: points, stages, helpers


#: the public names of mmcv's Hook class
MMCV_HOOK_NAMES = {
    "stages",
    *MMCV_POINTS,
    "every_n_epochs",
    "every_n_inner_iters",
    "every_n_iters",
    "end_of_epoch",
    "is_last_epoch",
    "is_last_iter",
    "get_triggered_stages",
}


def test_hook_stages_and_points() -> None:
    """Hook.stages is mmcv's tuple; points_of(Hook) has the 14 methods every hook has, in order."""
    assert Hook.stages == MMCV_STAGES
    assert points_of(Hook) == MMCV_POINTS
    assert isinstance(points_of(Hook), tuple)

    class Plain(Hook):
        def helper(self) -> None:
            pass

    assert points_of(Plain) == MMCV_POINTS
    assert points_of(Plain()) == MMCV_POINTS
    assert points_of(object()) == MMCV_POINTS


def test_hook_has_mmcvs_public_names_only() -> None:
    """No public name of hookfast's own on Hook: a hook's attributes are its author's."""
    assert {name for name in dir(Hook) if not name.startswith("_")} == MMCV_HOOK_NAMES


def test_a_hook_attribute_named_points_is_the_hooks_own(runner_class: type[HookRunner]) -> None:
    """``class MilestoneHook(Hook): points = [2, 4]`` keeps its list: the runner keeps its own elsewhere."""
    seen: list[Any] = []

    class MilestoneHook(Hook):
        points: ClassVar[list[int]] = [2, 4]

        def after_train_epoch(self, runner: Any) -> None:
            seen.append(list(self.points))

    class Points(Hook, base=True):
        points = (1,)

        def on_batch(self, runner: Any, batch: Any) -> None:
            seen.append(("on_batch", self.points, batch))

    assert MilestoneHook.points == [2, 4]
    assert Points.points == (1,)
    runner = runner_class()
    hook, own = MilestoneHook(), Points()
    runner.register_hook(hook)
    runner.register_hook(own)
    runner.call_hook("after_train_epoch")
    runner.call_hook("on_batch", 7)
    assert seen == [[2, 4], ("on_batch", (1,), 7)]
    assert MilestoneHook.points == [2, 4]
    assert hook.points == [2, 4]
    assert set(vars(hook)) == {"priority"}
    assert points_of(Points) == (*MMCV_POINTS, "on_batch")


def test_hook_defaults_forward_to_generic_methods() -> None:
    """The stage defaults call the generic method with the runner (mmcv's forwarding)."""
    calls: list[Any] = []
    runner = object()
    hook = recorder(calls, "h", *GENERIC)
    for generic, stages in GENERIC.items():
        for stage in stages:
            assert getattr(hook, stage)(runner) is None
            assert calls.pop() == ("h", generic, runner, (), {})
    assert calls == []
    plain = Hook()
    for point in MMCV_POINTS:
        assert getattr(plain, point)(runner) is None


def test_every_n_helpers() -> None:
    """every_n_epochs / every_n_inner_iters / every_n_iters: (counter + 1) % n == 0, False when n <= 0."""
    hook = Hook()
    runner = types.SimpleNamespace(epoch=1, inner_iter=4, iter=9)
    assert hook.every_n_epochs(runner, 2) is True
    assert hook.every_n_epochs(runner, 1) is True
    assert hook.every_n_epochs(runner, 3) is False
    assert hook.every_n_epochs(runner, 0) is False
    assert hook.every_n_epochs(runner, -2) is False
    assert hook.every_n_inner_iters(runner, 5) is True
    assert hook.every_n_inner_iters(runner, 3) is False
    assert hook.every_n_inner_iters(runner, 0) is False
    assert hook.every_n_iters(runner, 10) is True
    assert hook.every_n_iters(runner, 5) is True
    assert hook.every_n_iters(runner, 4) is False
    assert hook.every_n_iters(runner, 0) is False
    # each reads its own counter
    runner = types.SimpleNamespace(epoch=0, inner_iter=1, iter=2)
    assert hook.every_n_epochs(runner, 1) is True
    assert hook.every_n_epochs(runner, 2) is False
    assert hook.every_n_inner_iters(runner, 2) is True
    assert hook.every_n_inner_iters(runner, 3) is False
    assert hook.every_n_iters(runner, 3) is True
    assert hook.every_n_iters(runner, 2) is False


def test_end_and_last_helpers() -> None:
    """end_of_epoch reads len(runner.data_loader); is_last_epoch / is_last_iter: _max_epochs / _max_iters."""
    hook = Hook()
    last = types.SimpleNamespace(
        inner_iter=4, data_loader=[0] * 5, epoch=2, _max_epochs=3, iter=9, _max_iters=10
    )
    assert hook.end_of_epoch(last) is True
    assert hook.is_last_epoch(last) is True
    assert hook.is_last_iter(last) is True
    before = types.SimpleNamespace(
        inner_iter=3, data_loader=[0] * 5, epoch=1, _max_epochs=3, iter=8, _max_iters=10
    )
    assert hook.end_of_epoch(before) is False
    assert hook.is_last_epoch(before) is False
    assert hook.is_last_iter(before) is False


def test_get_triggered_stages() -> None:
    """The stages whose method or generic method the class overrides, in Hook.stages order."""

    class Stage(Hook):
        def after_train_iter(self, runner: Any) -> None:
            pass

    class Generic(Hook):
        def after_iter(self, runner: Any) -> None:
            pass

    class Mixed(Hook):
        def after_run(self, runner: Any) -> None:
            pass

        def before_val_iter(self, runner: Any) -> None:
            pass

        def before_epoch(self, runner: Any) -> None:
            pass

    class Inherited(Stage):
        pass

    class Nothing(Hook):
        def helper(self) -> None:
            pass

    assert Hook().get_triggered_stages() == []
    assert Nothing().get_triggered_stages() == []
    assert Stage().get_triggered_stages() == ["after_train_iter"]
    assert Inherited().get_triggered_stages() == ["after_train_iter"]
    assert Generic().get_triggered_stages() == ["after_train_iter", "after_val_iter"]
    assert Mixed().get_triggered_stages() == [
        "before_train_epoch",
        "before_val_epoch",
        "before_val_iter",
        "after_run",
    ]

    class Everything(Hook):
        pass

    for point in MMCV_POINTS:
        setattr(Everything, point, lambda self, runner: None)
    assert Everything().get_triggered_stages() == list(MMCV_STAGES)


def test_get_triggered_stages_reads_the_class_not_the_instance() -> None:
    """Like mmcv's is_method_overridden, an instance attribute does not make a stage triggered."""
    hook = Hook()
    hook.after_run = lambda runner: None  # type: ignore[method-assign]
    assert hook.get_triggered_stages() == []


def test_own_points_are_declared_by_base_classes() -> None:
    """``base=True`` declares each public function of the body as a point, after Hook's."""

    class Points(Hook, base=True):
        def on_batch(self, runner: Any, batch: Any) -> None:
            pass

        def on_end(self, runner: Any) -> None:
            pass

    class Concrete(Points):
        def on_batch(self, runner: Any, batch: Any) -> None:
            pass

        def helper(self) -> None:
            pass

    class More(Concrete, base=True):
        def on_save(self, runner: Any) -> None:
            pass

    assert points_of(Points) == (*MMCV_POINTS, "on_batch", "on_end")
    assert points_of(Concrete) == (*MMCV_POINTS, "on_batch", "on_end")
    assert points_of(More) == (*MMCV_POINTS, "on_batch", "on_end", "on_save")
    assert points_of(Concrete()) == (*MMCV_POINTS, "on_batch", "on_end")
    assert points_of(Hook) == MMCV_POINTS
    assert Points.stages == MMCV_STAGES


# --------------------------------------------------------------------------- register_hook / unregister_hook


def test_register_orders_by_priority_then_registration(runner_class: type[HookRunner]) -> None:
    """Lower priority first, equal priorities in registration order; hook.priority is the int."""
    runner = runner_class()
    a, b, c, d, e, f, g, h = (Hook() for _ in range(8))
    runner.register_hook(a)  # NORMAL
    runner.register_hook(b, priority="HIGH")
    runner.register_hook(c, Priority.LOW)
    runner.register_hook(d, 50)
    runner.register_hook(e, priority="normal")
    runner.register_hook(f, 0)
    runner.register_hook(g, "lowest")
    runner.register_hook(h, Priority.NORMAL)
    assert runner.hooks == [f, b, a, d, e, h, c, g]
    assert [hook.priority for hook in runner.hooks] == [0, 30, 50, 50, 50, 50, 70, 100]
    assert all(type(hook.priority) is int for hook in runner.hooks)


def test_register_equal_priorities_keep_registration_order(runner_class: type[HookRunner]) -> None:
    """mmcv's insertion: a hook goes after every hook of lower or equal priority."""
    runner = runner_class()
    hooks = [Hook() for _ in range(6)]
    for hook, priority in zip(hooks, ["LOW", 70, "HIGH", Priority.LOW, 30, "high"]):
        runner.register_hook(hook, priority)
    assert runner.hooks == [hooks[2], hooks[4], hooks[5], hooks[0], hooks[1], hooks[3]]


def test_register_not_a_hook_is_an_assertion_error(runner_class: type[HookRunner]) -> None:
    """A non-Hook object, even with the methods of one, is refused as mmcv asserts; nothing changes."""
    runner = runner_class()
    existing = Hook()
    runner.register_hook(existing)

    class Duck:
        def after_iter(self, runner: Any) -> None:
            pass

    duck = Duck()
    for thing in (duck, Hook, object(), None):
        with pytest.raises(AssertionError, match="Hook"):
            runner.register_hook(thing)  # type: ignore[arg-type]
    assert runner.hooks == [existing]
    assert not hasattr(duck, "priority")


def test_register_hook_with_priority_attribute_is_a_value_error(runner_class: type[HookRunner]) -> None:
    """A hook that already has a ``priority`` attribute: mmcv's ValueError; the attribute is kept."""
    runner = runner_class()
    existing = Hook()
    runner.register_hook(existing)
    hook = Hook()
    hook.priority = 7  # type: ignore[attr-defined]
    with pytest.raises(ValueError) as info:
        runner.register_hook(hook, "HIGH")
    assert str(info.value).startswith('"priority" is a reserved attribute for hooks')
    assert hook.priority == 7  # type: ignore[attr-defined]
    assert runner.hooks == [existing]

    class WithPriority(Hook):
        priority = 3

    with pytest.raises(ValueError, match='"priority" is a reserved attribute for hooks'):
        runner.register_hook(WithPriority())
    assert runner.hooks == [existing]


def test_register_hook_of_another_runner_is_a_value_error(runner_class: type[HookRunner]) -> None:
    """A hook registered on another runner has a priority: mmcv's ValueError; both runners unchanged."""
    one, two = runner_class(), runner_class()
    hook = Hook()
    one.register_hook(hook, "HIGH")
    with pytest.raises(ValueError, match='"priority" is a reserved attribute for hooks'):
        two.register_hook(hook, "LOW")
    assert two.hooks == []
    assert one.hooks == [hook]
    assert hook.priority == 30  # type: ignore[attr-defined]


def test_register_same_hook_twice_is_a_value_error(runner_class: type[HookRunner]) -> None:
    """Registering a hook twice says it is already registered; the first registration stays."""
    runner = runner_class()
    hook, other = Hook(), Hook()
    runner.register_hook(hook, "HIGH")
    runner.register_hook(other)
    for priority in ("LOW", "HIGH", "NORMAL"):
        with pytest.raises(ValueError) as info:
            runner.register_hook(hook, priority)
        assert "already registered" in str(info.value).lower()
    assert runner.hooks == [hook, other]
    assert hook.priority == 30  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("priority", "error"),
    [
        ("unknown", KeyError),
        ("", KeyError),
        (-1, ValueError),
        (101, ValueError),
        (1.5, TypeError),
        (None, TypeError),
        (b"NORMAL", TypeError),
    ],
)
def test_register_bad_priority_changes_nothing(
    runner_class: type[HookRunner], priority: object, error: type[Exception]
) -> None:
    """A bad priority raises as mmcv's get_priority does; no ``priority`` attribute is added."""
    runner = runner_class()
    existing = Hook()
    runner.register_hook(existing)
    hook = Hook()
    with pytest.raises(error):
        runner.register_hook(hook, priority)  # type: ignore[arg-type]
    assert runner.hooks == [existing]
    assert not hasattr(hook, "priority")
    runner.register_hook(hook, "HIGHEST")  # nothing left behind
    assert runner.hooks == [hook, existing]


def test_register_with_bools_as_priorities(runner_class: type[HookRunner]) -> None:
    """True and False are ints to mmcv: priorities 1 and 0, kept as the bools themselves."""
    runner = runner_class()
    one, zero, high = Hook(), Hook(), Hook()
    runner.register_hook(high, "HIGH")
    runner.register_hook(one, True)
    runner.register_hook(zero, False)
    assert runner.hooks == [zero, one, high]
    assert one.priority is True  # type: ignore[attr-defined]
    assert zero.priority is False  # type: ignore[attr-defined]


def test_register_with_a_member_sets_the_plain_int(runner_class: type[HookRunner]) -> None:
    """``hook.priority`` is the member's int value, as in mmcv."""
    runner = runner_class()
    hook = Hook()
    runner.register_hook(hook, Priority.ABOVE_NORMAL)
    assert hook.priority == 40  # type: ignore[attr-defined]
    assert type(hook.priority) is int  # type: ignore[attr-defined]


def test_unregister_removes_hook_and_priority(runner_class: type[HookRunner]) -> None:
    """unregister_hook removes the hook and its ``priority``; it can then be registered again."""
    calls: list[Any] = []
    runner = runner_class()
    a, b, c = (recorder(calls, label, "after_run") for label in "abc")
    runner.register_hook(a, "HIGH")
    runner.register_hook(b)
    runner.register_hook(c, "LOW")
    runner.unregister_hook(b)
    assert runner.hooks == [a, c]
    assert not hasattr(b, "priority")
    runner.call_hook("after_run")
    assert [call[0] for call in calls] == ["a", "c"]
    runner.register_hook(b, "HIGHEST")
    assert runner.hooks == [b, a, c]
    assert b.priority == 0  # type: ignore[attr-defined]


def test_unregister_not_registered_is_a_value_error(runner_class: type[HookRunner]) -> None:
    """A hook not registered here (never, no longer, or on another runner): ValueError, nothing changes."""
    runner, other_runner = runner_class(), runner_class()
    registered, never, elsewhere = Hook(), Hook(), Hook()
    runner.register_hook(registered)
    other_runner.register_hook(elsewhere, "LOW")
    for hook in (never, elsewhere, object()):
        with pytest.raises(ValueError):
            runner.unregister_hook(hook)  # type: ignore[arg-type]
    assert runner.hooks == [registered]
    assert other_runner.hooks == [elsewhere]
    assert elsewhere.priority == 70  # type: ignore[attr-defined]
    assert not hasattr(never, "priority")
    runner.unregister_hook(registered)
    with pytest.raises(ValueError):
        runner.unregister_hook(registered)
    assert runner.hooks == []


# --------------------------------------------------------------------------- call_hook


def test_call_hook_calls_in_order_with_runner_args_and_kwargs(runner_class: type[HookRunner]) -> None:
    """Each hook is called in priority order with (runner, *args, **kwargs); call_hook returns None."""
    calls: list[Any] = []
    runner = runner_class()
    low = recorder(calls, "low", "after_train_iter")
    high = recorder(calls, "high", "after_train_iter")
    normal = recorder(calls, "normal", "after_train_iter")
    runner.register_hook(low, "LOW")
    runner.register_hook(high, "HIGH")
    runner.register_hook(normal)
    assert runner.call_hook("after_train_iter", 1, "two", key=3) is None
    assert calls == [
        ("high", "after_train_iter", runner, (1, "two"), {"key": 3}),
        ("normal", "after_train_iter", runner, (1, "two"), {"key": 3}),
        ("low", "after_train_iter", runner, (1, "two"), {"key": 3}),
    ]


def test_call_hook_with_fn_name_as_keyword_argument_of_the_hook(runner_class: type[HookRunner]) -> None:
    """Keyword arguments named like call_hook's own parameter reach the hook."""
    calls: list[Any] = []
    runner = runner_class()
    runner.register_hook(recorder(calls, "h", "after_run"))
    runner.call_hook("after_run", fn_name="x", hook="y")
    assert calls == [("h", "after_run", runner, (), {"fn_name": "x", "hook": "y"})]


def test_return_values_of_hooks_are_ignored(runner_class: type[HookRunner]) -> None:
    class Returns(Hook):
        def before_run(self, runner: Any) -> int:
            return 42

    runner = runner_class()
    runner.register_hook(Returns())
    assert runner.call_hook("before_run") is None


@pytest.mark.parametrize("generic", list(GENERIC))
def test_generic_method_runs_at_its_train_and_val_stages(
    runner_class: type[HookRunner], generic: str
) -> None:
    """Overriding ``after_iter`` (etc.) runs at after_train_iter and after_val_iter, and at itself."""
    calls: list[Any] = []
    runner = runner_class()
    runner.register_hook(recorder(calls, "h", generic))
    for point in MMCV_POINTS:
        calls.append(point)
        runner.call_hook(point)
    expected = []
    for point in MMCV_POINTS:
        expected.append(point)
        if point == generic or point in GENERIC[generic]:
            expected.append(("h", generic, runner, (), {}))
    assert calls == expected


@pytest.mark.parametrize("stage", [s for stages in GENERIC.values() for s in stages])
def test_overriding_a_stage_runs_only_at_that_stage(runner_class: type[HookRunner], stage: str) -> None:
    """Overriding ``after_train_iter`` runs at after_train_iter only, not at after_val_iter nor after_iter."""
    calls: list[Any] = []
    runner = runner_class()
    runner.register_hook(recorder(calls, "h", stage))
    for point in MMCV_POINTS:
        calls.append(point)
        runner.call_hook(point)
    expected = []
    for point in MMCV_POINTS:
        expected.append(point)
        if point == stage:
            expected.append(("h", stage, runner, (), {}))
    assert calls == expected


def test_hook_overriding_nothing_is_never_called(runner_class: type[HookRunner]) -> None:
    """Defaults that do nothing are not called: with an extra argument they would raise TypeError.

    A recording hook overriding every point runs at each point, so the points do run.
    """
    calls: list[Any] = []

    class Nothing(Hook):
        def helper(self, runner: Any, *args: Any) -> None:
            calls.append("helper")

    runner = runner_class()
    runner.register_hook(Hook(), "HIGHEST")
    runner.register_hook(Nothing(), "HIGH")
    runner.register_hook(recorder(calls, "all", *MMCV_POINTS))
    runner.register_hook(Nothing(), "LOWEST")
    for point in MMCV_POINTS:
        runner.call_hook(point, "extra")
    assert calls == [("all", point, runner, ("extra",), {}) for point in MMCV_POINTS]


def test_forwarding_default_is_called_like_getattr_would(runner_class: type[HookRunner]) -> None:
    """A forwarding default whose target does something is called as the naive loop calls it.

    Hook.after_train_iter takes only the runner, so extra arguments are a TypeError, as in
    ``getattr(hook, "after_train_iter")(runner, "extra")``.
    """
    calls: list[Any] = []
    runner = runner_class()
    runner.register_hook(recorder(calls, "h", "after_iter"))
    with pytest.raises(TypeError):
        runner.call_hook("after_train_iter", "extra")
    assert calls == []
    runner.call_hook("after_iter", "extra")
    assert calls == [("h", "after_iter", runner, ("extra",), {})]


def test_exception_propagates_unchanged_and_stops_the_loop(runner_class: type[HookRunner]) -> None:
    """The hook's exception object reaches the caller as is; the hooks after it do not run."""
    calls: list[Any] = []
    error = RuntimeError("boom")

    class Boom(Hook):
        def after_iter(self, runner: Any) -> None:
            calls.append("boom")
            raise error

    runner = runner_class()
    runner.register_hook(recorder(calls, "first", "after_train_iter"), "HIGH")
    runner.register_hook(Boom())
    runner.register_hook(recorder(calls, "last", "after_train_iter"), "LOW")
    for _ in range(2):
        with pytest.raises(RuntimeError) as info:
            runner.call_hook("after_train_iter")
        assert info.value is error
        assert info.value.__cause__ is None
        assert info.value.__context__ is None
        assert calls == [("first", "after_train_iter", runner, (), {}), "boom"]
        calls.clear()
        error.__traceback__ = None


@pytest.mark.parametrize("exc_type", [AttributeError, KeyError, TypeError, StopIteration, KeyboardInterrupt])
def test_any_exception_from_a_hook_propagates(runner_class: type[HookRunner], exc_type: type) -> None:
    """Even an AttributeError or a KeyError from a hook is the hook's, not turned into another error."""
    error = exc_type("from the hook")

    class Raises(Hook):
        def after_run(self, runner: Any) -> None:
            raise error

    runner = runner_class()
    runner.register_hook(Raises())
    with pytest.raises(exc_type) as info:
        runner.call_hook("after_run")
    assert info.value is error
    assert info.value.__context__ is None


@pytest.mark.parametrize("name", ["after_train_iters", "aftr_train_iter", "on_batch", "points", "base"])
def test_unknown_point_is_an_attribute_error_and_calls_nothing(
    runner_class: type[HookRunner], name: str
) -> None:
    """A name no hook has (not a point, not an attribute): AttributeError naming it, nothing called.

    mmcv's loop raises it at the first hook, before calling anything.
    """
    calls: list[Any] = []

    class Everything(recorder_class(calls, "all", *MMCV_POINTS)):  # type: ignore[misc]
        def helper(self, runner: Any, *args: Any) -> None:
            calls.append("helper")

    runner = runner_class()
    hook = Everything()
    runner.register_hook(hook)
    with pytest.raises(AttributeError) as info:
        runner.call_hook(name)
    assert name in str(info.value)
    assert calls == []
    assert runner.hooks == [hook]


def test_unknown_point_message_suggests_a_close_match(runner_class: type[HookRunner]) -> None:
    runner = runner_class()
    runner.register_hook(Hook())
    with pytest.raises(AttributeError) as info:
        runner.call_hook("aftr_train_iter")
    assert "after_train_iter" in str(info.value)


def test_unknown_point_without_hooks_is_an_attribute_error(runner_class: type[HookRunner]) -> None:
    """Not a point of Hook and no hook registered: AttributeError even though no hook would run."""
    runner = runner_class()
    with pytest.raises(AttributeError, match="not_a_point"):
        runner.call_hook("not_a_point")


def test_valid_point_without_hooks_does_nothing(runner_class: type[HookRunner]) -> None:
    runner = runner_class()
    for point in MMCV_POINTS:
        assert runner.call_hook(point) is None
    runner.register_hook(Hook())
    for point in MMCV_POINTS:
        assert runner.call_hook(point) is None


def test_runners_are_independent(runner_class: type[HookRunner]) -> None:
    """Hooks registered on one runner are not called by another runner of the same class."""
    calls: list[Any] = []
    one, two = runner_class(), runner_class()
    one.register_hook(recorder(calls, "one", "before_run"))
    two.register_hook(recorder(calls, "two", "before_run"))
    two.call_hook("before_run")
    one.call_hook("before_run")
    assert calls == [("two", "before_run", two, (), {}), ("one", "before_run", one, (), {})]


# --------------------------------------------------------------------------- own points


def make_points(calls: list[Any]) -> tuple[type, type]:
    """``Points(Hook, base=True)`` with on_batch / on_end, and a concrete subclass recording both."""

    class Points(Hook, base=True):
        def on_batch(self, runner: Any, batch: Any) -> None:
            pass

        def on_end(self, runner: Any) -> None:
            pass

    class Concrete(Points):
        def on_batch(self, runner: Any, batch: Any) -> None:
            calls.append(("on_batch", self, runner, batch))

        def on_end(self, runner: Any) -> None:
            calls.append(("on_end", self, runner))

        def after_iter(self, runner: Any) -> None:
            calls.append(("after_iter", self, runner))

    return Points, Concrete


def test_own_points_are_called_with_arguments(runner_class: type[HookRunner]) -> None:
    """call_hook("on_batch", batch) passes the batch; mmcv hooks on the same runner are not called there."""
    calls: list[Any] = []
    _, Concrete = make_points(calls)

    class Mmcv(Hook):
        def on_batch(self, runner: Any, batch: Any) -> None:  # not a point of Mmcv's class
            calls.append(("mmcv on_batch", batch))

        def on_end(self, runner: Any) -> None:
            calls.append("mmcv on_end")

        def after_iter(self, runner: Any) -> None:
            calls.append(("mmcv after_iter", runner))

    runner = runner_class()
    mmcv = Mmcv()
    first, second = Concrete(), Concrete()
    runner.register_hook(mmcv, "HIGHEST")
    runner.register_hook(second, "LOW")
    runner.register_hook(first, "HIGH")
    runner.call_hook("on_batch", {"x": 1})
    runner.call_hook("on_batch", batch=2)
    runner.call_hook("on_end")
    runner.call_hook("after_train_iter")
    assert calls == [
        ("on_batch", first, runner, {"x": 1}),
        ("on_batch", second, runner, {"x": 1}),
        ("on_batch", first, runner, 2),
        ("on_batch", second, runner, 2),
        ("on_end", first, runner),
        ("on_end", second, runner),
        ("mmcv after_iter", runner),
        ("after_iter", first, runner),
        ("after_iter", second, runner),
    ]


def test_own_points_default_with_a_body_runs(runner_class: type[HookRunner]) -> None:
    """A base's function is the default of its point: one that does something is called."""
    calls: list[Any] = []

    class Points(Hook, base=True):
        def on_batch(self, runner: Any, batch: Any) -> None:
            calls.append(("default on_batch", self, batch))

        def on_end(self, runner: Any) -> None:
            """Does nothing."""

    class Inherits(Points):
        pass

    runner = runner_class()
    hook = Inherits()
    runner.register_hook(hook)
    runner.call_hook("on_batch", 5)
    runner.call_hook("on_end", "extra")  # a no-op default is not called: no TypeError
    assert calls == [("default on_batch", hook, 5)]


def test_own_point_needs_a_registered_hook_of_a_class_with_it(runner_class: type[HookRunner]) -> None:
    """on_batch is a point of a registered hook's class, or an AttributeError naming it."""
    calls: list[Any] = []
    _, Concrete = make_points(calls)
    runner, other = runner_class(), runner_class()
    other.register_hook(Concrete())  # elsewhere: does not make on_batch a point of ``runner``
    with pytest.raises(AttributeError, match="on_batch"):
        runner.call_hook("on_batch", 1)
    runner.register_hook(recorder(calls, "mmcv", "after_run"))
    with pytest.raises(AttributeError, match="on_batch"):
        runner.call_hook("on_batch", 1)
    hook = Concrete()
    runner.register_hook(hook)
    runner.call_hook("on_batch", 1)
    assert calls == [("on_batch", hook, runner, 1)]
    runner.unregister_hook(hook)
    with pytest.raises(AttributeError, match="on_batch"):
        runner.call_hook("on_batch", 1)
    assert calls == [("on_batch", hook, runner, 1)]


def test_own_point_hook_overriding_nothing_is_not_called(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []
    Points, Concrete = make_points(calls)

    class Nothing(Points):
        pass

    runner = runner_class()
    hook = Concrete()
    runner.register_hook(Nothing())
    runner.register_hook(hook)
    runner.register_hook(Nothing())
    runner.call_hook("on_end")
    assert calls == [("on_end", hook, runner)]


# --------------------------------------------------------------------------- changes after registration


def test_instance_assignment_is_seen_by_the_next_call(runner_class: type[HookRunner]) -> None:
    """``hook.after_iter = f``: f (receiving the runner only) runs where after_iter runs; del undoes it."""
    calls: list[Any] = []

    class Plain(Hook):
        pass

    runner = runner_class()
    hook = Plain()
    runner.register_hook(hook)
    call_every_point(runner)
    assert calls == []

    def f(*args: Any, **kwargs: Any) -> None:
        calls.append(("f", args, kwargs))

    hook.after_iter = f  # type: ignore[method-assign]
    for point in MMCV_POINTS:
        calls.append(point)
        runner.call_hook(point)
    expected: list[Any] = []
    for point in MMCV_POINTS:
        expected.append(point)
        if point in ("after_iter", "after_train_iter", "after_val_iter"):
            expected.append(("f", (runner,), {}))
    assert calls == expected

    del hook.after_iter
    calls.clear()
    call_every_point(runner)
    assert calls == []


def test_instance_assignment_replaces_and_del_restores_the_class_method(
    runner_class: type[HookRunner],
) -> None:
    calls: list[Any] = []

    class Cls(Hook):
        def after_iter(self, runner: Any) -> None:
            calls.append(("class", self, runner))

    runner = runner_class()
    hook = Cls()
    runner.register_hook(hook)
    runner.call_hook("after_val_iter")
    hook.after_iter = lambda runner: calls.append(("instance", runner))  # type: ignore[method-assign]
    runner.call_hook("after_val_iter")
    hook.after_val_iter = lambda *args: calls.append(("stage", args))  # type: ignore[method-assign]
    runner.call_hook("after_val_iter")
    runner.call_hook("after_train_iter")
    del hook.after_iter
    del hook.after_val_iter
    runner.call_hook("after_val_iter")
    assert calls == [
        ("class", hook, runner),
        ("instance", runner),
        ("stage", (runner,)),
        ("instance", runner),
        ("class", hook, runner),
    ]


def test_class_change_of_a_hook_is_seen(runner_class: type[HookRunner]) -> None:
    """``hook.__class__ = Other``: the next call uses Other's methods (and Other's points)."""
    calls: list[Any] = []
    _, Concrete = make_points(calls)

    class Before(Hook):
        def before_run(self, runner: Any) -> None:
            calls.append(("before_run", self))

    class Nothing(Hook):
        pass

    runner = runner_class()
    hook = Nothing()
    runner.register_hook(hook)
    runner.call_hook("before_run")
    hook.__class__ = Before
    runner.call_hook("before_run")
    hook.__class__ = Nothing
    runner.call_hook("before_run")
    with pytest.raises(AttributeError):
        runner.call_hook("on_end")
    hook.__class__ = Concrete
    runner.call_hook("on_end")
    runner.call_hook("after_train_iter")
    hook.__class__ = Before
    with pytest.raises(AttributeError):
        runner.call_hook("on_end")
    runner.call_hook("before_run")
    assert calls == [
        ("before_run", hook),
        ("on_end", hook, runner),
        ("after_iter", hook, runner),
        ("before_run", hook),
    ]


def test_class_assignment_and_deletion_are_seen(runner_class: type[HookRunner]) -> None:
    """``MyHook.after_iter = g`` replaces the method for all its hooks; ``del`` goes back to the parent's."""
    calls: list[Any] = []

    class Parent(Hook):
        pass

    class MyHook(Parent):
        def after_iter(self, runner: Any) -> None:
            calls.append(("original", self))

    class Child(MyHook):
        pass

    runner = runner_class()
    mine, child = MyHook(), Child()
    runner.register_hook(mine)
    runner.register_hook(child)
    runner.call_hook("after_train_iter")

    def g(self: Hook, runner: Any) -> None:
        calls.append(("g", self, runner))

    MyHook.after_iter = g  # type: ignore[method-assign]
    runner.call_hook("after_train_iter")
    del MyHook.after_iter
    runner.call_hook("after_train_iter")
    runner.call_hook("after_iter")
    Parent.after_iter = g  # type: ignore[method-assign]
    runner.call_hook("after_val_iter")
    Parent.after_train_iter = lambda self, runner: calls.append(("stage", self))  # type: ignore[method-assign]
    runner.call_hook("after_train_iter")
    runner.call_hook("after_val_iter")
    del Parent.after_iter
    del Parent.after_train_iter
    runner.call_hook("after_train_iter")
    runner.call_hook("after_val_iter")
    assert calls == [
        ("original", mine),
        ("original", child),
        ("g", mine, runner),
        ("g", child, runner),
        ("g", mine, runner),
        ("g", child, runner),
        ("stage", mine),
        ("stage", child),
        ("g", mine, runner),
        ("g", child, runner),
    ]


def test_class_assignment_on_an_own_points_class_is_seen(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []
    Points, _ = make_points(calls)

    class Nothing(Points):
        pass

    runner = runner_class()
    hook = Nothing()
    runner.register_hook(hook)
    runner.call_hook("on_batch", 1)
    Points.on_batch = lambda self, runner, batch: calls.append(("new default", self, batch))  # type: ignore[method-assign]
    runner.call_hook("on_batch", 2)
    Nothing.on_batch = lambda self, runner, batch: calls.append(("override", self, batch))  # type: ignore[method-assign]
    runner.call_hook("on_batch", 3)
    del Nothing.on_batch
    runner.call_hook("on_batch", 4)
    assert calls == [("new default", hook, 2), ("override", hook, 3), ("new default", hook, 4)]


def test_register_and_unregister_between_calls(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []
    runner = runner_class()
    a = recorder(calls, "a", "after_epoch")
    b = recorder(calls, "b", "after_epoch")
    runner.register_hook(a)
    runner.call_hook("after_train_epoch")
    runner.register_hook(b, "HIGH")
    runner.call_hook("after_train_epoch")
    runner.unregister_hook(a)
    runner.call_hook("after_val_epoch")
    runner.unregister_hook(b)
    runner.call_hook("after_val_epoch")
    runner.register_hook(a, "LOWEST")
    runner.call_hook("after_epoch")
    assert [call[0] for call in calls] == ["a", "b", "a", "b", "a"]


# --------------------------------------------------------------------------- get_hook_info


def test_get_hook_info_is_mmcvs_table(runner_class: type[HookRunner]) -> None:
    class OptimizerHook(Hook):
        def after_train_iter(self, runner: Any) -> None:
            pass

    class TimerHook(Hook):
        def before_epoch(self, runner: Any) -> None:
            pass

        def after_iter(self, runner: Any) -> None:
            pass

    class CheckpointHook(Hook):
        def after_train_epoch(self, runner: Any) -> None:
            pass

    class Idle(Hook):
        pass

    runner = runner_class()
    assert runner.get_hook_info() == ""
    runner.register_hook(TimerHook(), Priority.LOW)
    runner.register_hook(Idle())
    runner.register_hook(CheckpointHook(), 35)
    runner.register_hook(OptimizerHook(), "HIGH")
    optimizer = "(HIGH        ) OptimizerHook                      "
    timer = "(LOW         ) TimerHook                          "
    checkpoint = "(35          ) CheckpointHook                     "
    separator = "\n -------------------- "
    assert runner.get_hook_info() == (
        "before_train_epoch:\n" + timer + separator + "\n"
        "after_train_iter:\n" + optimizer + "\n" + timer + separator + "\n"
        "after_train_epoch:\n" + checkpoint + separator + "\n"
        "before_val_epoch:\n" + timer + separator + "\n"
        "after_val_iter:\n" + timer + separator
    )


def test_get_hook_info_lists_own_points_after_mmcv_stages(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []
    Points, _ = make_points(calls)

    class BatchHook(Points):
        def on_batch(self, runner: Any, batch: Any) -> None:
            pass

        def after_run(self, runner: Any) -> None:
            pass

    runner = runner_class()
    runner.register_hook(BatchHook(), "VERY_HIGH")
    line = "(VERY_HIGH   ) BatchHook                          "
    separator = "\n -------------------- "
    assert runner.get_hook_info() == "after_run:\n" + line + separator + "\non_batch:\n" + line + separator


# --------------------------------------------------------------------------- mmcv's example, runners


def test_mmcv_optimizer_hook(runner_class: type[HookRunner]) -> None:
    """mmcv's OptimizerHook, registered with priority="HIGH", steps the runner's optimizer."""
    calls: list[Any] = []
    clip_grad = types.SimpleNamespace(
        clip_grad_norm_=lambda params, **kwargs: calls.append(("clip", params, kwargs))
    )

    class OptimizerHook(Hook):
        def __init__(self, grad_clip: Any = None) -> None:
            self.grad_clip = grad_clip

        def clip_grads(self, params: Any) -> None:
            clip_grad.clip_grad_norm_(list(filter(lambda p: p.requires_grad, params)), **self.grad_clip)

        def after_train_iter(self, runner: Any) -> None:
            runner.optimizer.zero_grad()
            runner.outputs["loss"].backward()
            if self.grad_clip is not None:
                self.clip_grads(runner.model.parameters())
            runner.optimizer.step()

    param = types.SimpleNamespace(requires_grad=True)
    frozen = types.SimpleNamespace(requires_grad=False)

    class Runner(runner_class):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            super().__init__()
            self.optimizer = types.SimpleNamespace(
                zero_grad=lambda: calls.append("zero_grad"), step=lambda: calls.append("step")
            )
            self.outputs = {"loss": types.SimpleNamespace(backward=lambda: calls.append("backward"))}
            self.model = types.SimpleNamespace(parameters=lambda: [param, frozen])

    runner = Runner()
    hook = OptimizerHook()
    runner.register_hook(hook, priority="HIGH")
    assert hook.priority == 30  # type: ignore[attr-defined]
    assert hook.get_triggered_stages() == ["after_train_iter"]
    for point in MMCV_POINTS:
        calls.append(point)
        runner.call_hook(point)
    index = MMCV_POINTS.index("after_train_iter")
    assert calls == [*MMCV_POINTS[: index + 1], "zero_grad", "backward", "step", *MMCV_POINTS[index + 1 :]]

    calls.clear()
    clipping = OptimizerHook(grad_clip={"max_norm": 35})
    runner.unregister_hook(hook)
    runner.register_hook(clipping, priority="HIGH")
    runner.call_hook("after_train_iter")
    assert calls == ["zero_grad", "backward", ("clip", [param], {"max_norm": 35}), "step"]


def test_runner_whose_init_does_not_call_super(backend: str) -> None:
    """Calling HookRunner.__init__ is optional."""
    calls: list[Any] = []

    class Runner(HookRunner):
        def __init__(self, model: str) -> None:
            self.model = model

    runner = Runner("model")
    assert runner.hooks == []
    assert runner.get_hook_info() == ""
    runner.call_hook("before_run")
    hook = recorder(calls, "h", "before_run")
    runner.register_hook(hook, "LOW")
    runner.call_hook("before_run")
    assert runner.hooks == [hook]
    assert calls == [("h", "before_run", runner, (), {})]
    runner.unregister_hook(hook)
    assert runner.hooks == []
    with pytest.raises(ValueError):
        runner.unregister_hook(hook)
    with pytest.raises(AttributeError):
        runner.call_hook("not_a_point")


def test_runner_subclass_of_a_runner_subclass(backend: str) -> None:
    calls: list[Any] = []

    class Base(HookRunner):
        def train(self) -> None:
            self.call_hook("before_run")
            for _ in range(2):
                self.call_hook("before_train_epoch")
                self.call_hook("after_train_iter")
            self.call_hook("after_run")

    class Derived(Base):
        pass

    runner = Derived()
    runner.register_hook(recorder(calls, "h", "before_run", "before_epoch", "after_iter", "after_run"))
    runner.train()
    assert [call[1] for call in calls] == [
        "before_run",
        "before_epoch",
        "after_iter",
        "before_epoch",
        "after_iter",
        "after_run",
    ]


def test_runner_class_uses_the_backend_current_at_its_creation(backend: str) -> None:
    """``type(runner).call_hook`` comes from the runner twin of the test's backend, and stays."""
    twins = {"cython": "hookfast._runner_c", "python": "hookfast._runner_py"}

    class Runner(HookRunner):
        pass

    def module_of(call_hook: object) -> str:
        return getattr(call_hook, "__module__", None) or type(call_hook).__module__

    call_hook = Runner.__dict__.get("call_hook", Runner.call_hook)
    assert module_of(call_hook) == twins[backend]
    twin = importlib.import_module(twins[backend])
    assert backend == twin.BACKEND
    assert module_of(type(Runner()).call_hook) == twins[backend]
    other = "python" if backend == "cython" else "cython"
    if other in _dispatch.available():
        with _dispatch.using(other):

            class Other(HookRunner):
                pass

        assert module_of(Other.call_hook) == twins[other]
        assert module_of(Runner.call_hook) == twins[backend]  # a class keeps its backend


def test_call_hook_overridden_by_a_runner_subclass_or_a_mixin(backend: str) -> None:
    """An override of ``call_hook`` is what the runner calls, as Python's MRO says, as under mmcv."""
    calls: list[Any] = []

    class Overriding(HookRunner):
        def call_hook(self, fn_name: str, /, *args: Any, **kwargs: Any) -> None:
            calls.append(("overriding", fn_name))
            super().call_hook(fn_name, *args, **kwargs)

    class Derived(Overriding):
        pass

    class Mixin:
        def call_hook(self, fn_name: str, /, *args: Any, **kwargs: Any) -> None:
            calls.append(("mixin", fn_name))
            super().call_hook(fn_name, *args, **kwargs)  # type: ignore[misc]

    class MixedIn(Mixin, HookRunner):
        pass

    class MixinAfter(HookRunner, Mixin):  # HookRunner's call_hook comes first in the MRO
        pass

    cases: list[tuple[type[HookRunner], list[str]]] = [
        (Overriding, ["overriding"]),
        (Derived, ["overriding"]),
        (MixedIn, ["mixin"]),
        (MixinAfter, []),
    ]
    for cls, expected in cases:
        runner = cls()
        hook = recorder(calls, "hook", "before_run")
        runner.register_hook(hook)
        runner.call_hook("before_run")
        overrides = [(label, "before_run") for label in expected]
        assert calls == [*overrides, ("hook", "before_run", runner, (), {})], cls
        calls.clear()


# --------------------------------------------------------------------------- counters


COUNTERS = ("epoch", "iter", "inner_iter", "max_epochs", "max_iters")


def test_fresh_runner_has_mmcvs_counters(runner_class: type[HookRunner]) -> None:
    """epoch, iter, inner_iter are 0 and max_epochs, max_iters None: read-only views of _epoch & co."""
    runner = runner_class()
    assert [getattr(runner, name) for name in COUNTERS] == [0, 0, 0, None, None]
    for value, name in enumerate(COUNTERS, start=3):
        setattr(runner, f"_{name}", value)
    assert [getattr(runner, name) for name in COUNTERS] == [3, 4, 5, 6, 7]
    for name in COUNTERS:
        with pytest.raises(AttributeError):
            setattr(runner, name, 1)
    assert [getattr(runner, name) for name in COUNTERS] == [3, 4, 5, 6, 7]


def test_counters_without_calling_hookrunner_init(backend: str) -> None:
    class Runner(HookRunner):
        def __init__(self) -> None:
            self.model = "model"

    runner = Runner()
    assert [getattr(runner, name) for name in COUNTERS] == [0, 0, 0, None, None]
    runner._iter += 1
    assert runner.iter == 1
    assert Runner().iter == 0


def test_mmcv_epoch_loop_ported_verbatim(backend: str) -> None:
    """mmcv's EpochBasedRunner.train/run flow, writing _inner_iter/_iter/_epoch, with hooks reading them."""
    seen: list[Any] = []

    class Logger(Hook):
        def after_train_iter(self, runner: Any) -> None:
            if self.every_n_iters(runner, 2):
                seen.append(("log", runner.epoch, runner.iter, runner.inner_iter, self.end_of_epoch(runner)))

        def after_train_epoch(self, runner: Any) -> None:
            seen.append(("epoch", runner.epoch, self.every_n_epochs(runner, 2), self.is_last_epoch(runner)))

        def after_run(self, runner: Any) -> None:
            seen.append(("run", runner.max_epochs, runner.max_iters, self.is_last_iter(runner)))

    class EpochBasedRunner(HookRunner):
        def __init__(self, max_epochs: int) -> None:
            super().__init__()
            self._max_epochs = max_epochs

        def train(self, data_loader: list[int]) -> None:
            self.data_loader = data_loader
            self._max_iters = self._max_epochs * len(self.data_loader)
            self.call_hook("before_train_epoch")
            for i, data_batch in enumerate(self.data_loader):
                self.data_batch = data_batch
                self._inner_iter = i
                self.call_hook("before_train_iter")
                self.call_hook("after_train_iter")
                del self.data_batch
                self._iter += 1
            self.call_hook("after_train_epoch")
            self._epoch += 1

        def run(self, data_loader: list[int]) -> None:
            self.call_hook("before_run")
            while self.epoch < self._max_epochs:
                self.train(data_loader)
            self._iter -= 1  # so that is_last_iter holds in after_run
            self.call_hook("after_run")

    runner = EpochBasedRunner(max_epochs=2)
    runner.register_hook(Logger())
    runner.run([10, 20, 30])
    assert seen == [
        ("log", 0, 1, 1, False),
        ("epoch", 0, False, False),
        ("log", 1, 3, 0, False),
        ("log", 1, 5, 2, True),
        ("epoch", 1, True, True),
        ("run", 2, 6, True),
    ]


# --------------------------------------------------------------------------- mmcv's live list and loop


def labels(calls: list[Any]) -> list[str]:
    return [call[0] if isinstance(call, tuple) else call for call in calls]


def test_hooks_is_the_live_list(runner_class: type[HookRunner]) -> None:
    """``runner.hooks`` is ``runner._hooks``, as mmcv's property returns it: edits are the runner's."""
    calls: list[Any] = []
    runner = runner_class()
    a, b, c = (recorder(calls, label, "after_train_iter") for label in "abc")
    for hook in (a, b, c):
        runner.register_hook(hook)
    assert runner.hooks is runner._hooks
    runner.call_hook("after_train_iter")
    runner.hooks.remove(b)
    runner.call_hook("after_train_iter")
    assert runner.hooks.pop(0) is a
    runner.call_hook("after_train_iter")
    assert labels(calls) == ["a", "b", "c", "a", "c", "c"]


def test_a_hook_replacing_another_in_before_run_as_multigrid_does(runner_class: type[HookRunner]) -> None:
    """A hook that swaps the LR hook for its own in before_run: the new one runs, the old one never."""
    lrs: list[float] = []

    class LrHook(Hook):
        def __init__(self, lr: float) -> None:
            self.lr = lr

        def before_train_iter(self, runner: Any) -> None:
            lrs.append(self.lr)

    class Multigrid(Hook):
        def before_run(self, runner: Any) -> None:
            for index, hook in enumerate(runner.hooks):
                if isinstance(hook, LrHook):
                    replacement = LrHook(0.05)
                    replacement.priority = hook.priority
                    runner.hooks.pop(index)
                    runner.hooks.insert(index, replacement)

    runner = runner_class()
    runner.register_hook(LrHook(0.1), "VERY_HIGH")
    runner.register_hook(Multigrid())
    runner.call_hook("before_train_iter")
    runner.call_hook("before_run")
    runner.call_hook("before_train_iter")
    runner.call_hook("before_train_iter")
    assert lrs == [0.1, 0.05, 0.05]


@pytest.mark.parametrize(
    "edit",
    [
        "remove",
        "pop",
        "del",
        "insert",
        "append",
        "iadd",
        "slice",
        "sort",
        "reverse",
        "clear",
        "rebind",
        "setitem",
    ],
)
def test_in_place_edits_of_hooks_are_seen_by_the_next_call(runner_class: type[HookRunner], edit: str) -> None:
    """Any edit of the list, after the call lists were built, is what the next call runs."""
    calls: list[Any] = []
    runner = runner_class()
    a, b, c, d = (recorder(calls, label, "after_iter") for label in "abcd")
    for hook in (a, b, c):
        runner.register_hook(hook)
    runner.call_hook("after_train_iter")
    runner.call_hook("after_val_iter")
    hooks = runner._hooks
    expected = {
        "remove": (lambda: hooks.remove(b), ["a", "c"]),
        "pop": (lambda: hooks.pop(), ["a", "b"]),
        "del": (lambda: hooks.__delitem__(0), ["b", "c"]),
        "insert": (lambda: hooks.insert(1, d), ["a", "d", "b", "c"]),
        "append": (lambda: hooks.append(d), ["a", "b", "c", "d"]),
        "iadd": (
            lambda: setattr(runner, "_hooks", runner._hooks.__iadd__([d, d])),
            ["a", "b", "c", "d", "d"],
        ),
        "slice": (lambda: hooks.__setitem__(slice(0, 2), [d]), ["d", "c"]),
        "sort": (lambda: hooks.sort(key=lambda hook: -len(calls) if hook is c else 0), ["c", "a", "b"]),
        "reverse": (hooks.reverse, ["c", "b", "a"]),
        "clear": (hooks.clear, []),
        "rebind": (lambda: setattr(runner, "_hooks", [d, a]), ["d", "a"]),
        "setitem": (lambda: hooks.__setitem__(2, d), ["a", "b", "d"]),
    }
    action, order = expected[edit]
    action()
    calls.clear()
    runner.call_hook("after_train_iter")
    assert labels(calls) == order
    calls.clear()
    runner.call_hook("after_iter")
    assert labels(calls) == order


def test_edits_of_a_list_bound_to_runner_hooks_are_seen(runner_class: type[HookRunner]) -> None:
    """``runner._hooks = mine``, then edits of ``mine``: the runner's list is ``mine``, as in mmcv."""
    calls: list[Any] = []
    runner = runner_class()
    a, b = recorder(calls, "a", "after_run"), recorder(calls, "b", "after_run")
    mine: list[Hook] = [a]
    runner._hooks = mine
    runner.call_hook("after_run")
    mine.append(b)
    runner.call_hook("after_run")
    del mine[0]
    runner.call_hook("after_run")
    assert labels(calls) == ["a", "a", "b", "b"]
    assert runner.hooks is mine


def test_a_hook_removing_itself_runs_once_and_the_next_one_is_skipped(runner_class: type[HookRunner]) -> None:
    """mmcv's list iterator: removing the current hook shifts the next one under the iterator's index."""
    calls: list[Any] = []

    class Once(Hook):
        def after_train_iter(self, runner: Any) -> None:
            calls.append("once")
            runner._hooks.remove(self)

    runner = runner_class()
    runner.register_hook(recorder(calls, "first", "after_train_iter"), "HIGH")
    runner.register_hook(Once())
    runner.register_hook(recorder(calls, "skipped", "after_train_iter"), "LOW")
    runner.register_hook(recorder(calls, "last", "after_train_iter"), "LOWEST")
    runner.call_hook("after_train_iter")  # warm: the call lists exist
    calls.clear()
    runner.register_hook(Once(), "NORMAL")
    runner.call_hook("after_train_iter")
    runner.call_hook("after_train_iter")
    assert labels(calls) == ["first", "once", "last", "first", "skipped", "last"]


def test_hook_registered_during_a_pass_after_the_current_one_runs_in_that_pass(
    runner_class: type[HookRunner],
) -> None:
    """Registration during a pass: a hook landing after the current position runs in the same pass."""
    calls: list[Any] = []
    late = recorder(calls, "late", "before_iter")

    class Registers(Hook):
        def before_iter(self, runner: Any) -> None:
            calls.append("registers")
            if late not in runner.hooks:
                runner.register_hook(late, "LOWEST")

    runner = runner_class()
    runner.register_hook(Registers())
    runner.call_hook("before_val_iter")
    calls.append("next")
    runner.call_hook("before_train_iter")
    assert labels(calls) == ["registers", "late", "next", "registers", "late"]


def test_hook_registered_before_the_current_position_reruns_the_current_hook(
    runner_class: type[HookRunner],
) -> None:
    """Registration landing before the current position: the iterator's index now points back at it."""
    calls: list[Any] = []
    early = recorder(calls, "early", "after_run")

    class Registers(Hook):
        def after_run(self, runner: Any) -> None:
            calls.append("registers")
            if early not in runner.hooks:
                runner.register_hook(early, "HIGHEST")

    runner = runner_class()
    runner.register_hook(recorder(calls, "first", "after_run"), "HIGH")
    runner.register_hook(Registers())
    runner.register_hook(recorder(calls, "last", "after_run"), "LOW")
    runner.call_hook("after_run")
    assert labels(calls) == ["first", "registers", "registers", "last"]
    calls.clear()
    runner.call_hook("after_run")
    assert labels(calls) == ["early", "first", "registers", "last"]


def test_hook_unregistered_during_a_pass_is_not_called(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []
    victim = recorder(calls, "victim", "before_epoch")

    class Unregisters(Hook):
        def before_epoch(self, runner: Any) -> None:
            calls.append("unregisters")
            if victim in runner.hooks:
                runner.unregister_hook(victim)

    runner = runner_class()
    runner.register_hook(Unregisters(), "HIGH")
    runner.register_hook(recorder(calls, "middle", "before_epoch"))
    runner.register_hook(victim, "LOW")
    runner.call_hook("before_epoch")
    assert labels(calls) == ["unregisters", "middle"]


def test_point_reassigned_during_a_pass_runs_the_new_method(runner_class: type[HookRunner]) -> None:
    """A later hook's point, reassigned on the instance or on its class during the pass, runs the new one."""
    calls: list[Any] = []

    class Later(Hook):
        def after_train_iter(self, runner: Any) -> None:
            calls.append("old")

    class Other(Hook):
        pass

    later, other = Later(), Other()

    class Patches(Hook):
        def after_train_iter(self, runner: Any) -> None:
            calls.append("patches")
            if len(calls) == 1:
                later.after_train_iter = lambda runner: calls.append("instance")  # type: ignore[method-assign]
            elif len(calls) == 3:
                del later.after_train_iter
                Later.after_train_iter = lambda self, runner: calls.append("class")  # type: ignore[method-assign]
            else:
                Other.after_iter = lambda self, runner: calls.append("other")  # type: ignore[method-assign]

    runner = runner_class()
    runner.register_hook(Patches(), "HIGH")
    runner.register_hook(later)
    runner.register_hook(other, "LOW")
    for _ in range(3):
        runner.call_hook("after_train_iter")
    assert calls == ["patches", "instance", "patches", "class", "patches", "class", "other"]


def test_a_point_patched_on_a_mixin_is_seen(runner_class: type[HookRunner]) -> None:
    """A change to any class of the hook's MRO, Hook or not: ``mock.patch.object(Mixin, point)``."""
    calls: list[Any] = []

    class LoggingMixin:
        def after_iter(self, runner: Any) -> None:
            calls.append("mixin")

    class Base:
        pass

    class MyHook(LoggingMixin, Hook):
        pass

    class Deep(Base, MyHook):
        pass

    runner = runner_class()
    runner.register_hook(MyHook())
    runner.register_hook(Deep())
    runner.call_hook("after_train_iter")
    with mock.patch.object(LoggingMixin, "after_iter", lambda self, runner: calls.append("patched")):
        runner.call_hook("after_train_iter")
        Base.after_train_iter = lambda self, runner: calls.append("base")  # type: ignore[attr-defined]
        runner.call_hook("after_train_iter")
        del Base.after_train_iter  # type: ignore[attr-defined]
    runner.call_hook("after_val_iter")
    del LoggingMixin.after_iter
    runner.call_hook("after_train_iter")
    assert calls == ["mixin", "mixin", "patched", "patched", "patched", "base", "mixin", "mixin"]


def test_a_method_every_hook_has_but_no_point_is_called_on_each(runner_class: type[HookRunner]) -> None:
    """call_hook(name) for an ordinary method, not a point: called on each hook in order, as mmcv's loop."""
    calls: list[Any] = []

    class Saves(Hook):
        def __init__(self, label: str) -> None:
            self.label = label

        def save(self, runner: Any, *args: Any) -> None:
            calls.append((self.label, runner, args))

    runner = runner_class()
    runner.register_hook(Saves("b"))
    runner.register_hook(Saves("a"), "HIGH")
    runner.call_hook("save")
    runner.call_hook("save", 1)
    assert calls == [("a", runner, ()), ("b", runner, ()), ("a", runner, (1,)), ("b", runner, (1,))]
    with pytest.raises(TypeError):  # every_n_epochs(runner) lacks n: as getattr(hook, name)(runner) does
        runner.call_hook("every_n_epochs")
    runner.register_hook(Hook(), "LOWEST")
    calls.clear()
    with pytest.raises(AttributeError, match="save"):  # the last hook lacks it: mmcv raises there
        runner.call_hook("save")
    assert labels(calls) == ["a", "b"]


@pytest.mark.parametrize("point", ["after_iter", "after_train_iter"])
def test_a_point_set_to_none_is_a_type_error(runner_class: type[HookRunner], point: str) -> None:
    """``hook.after_iter = None``: mmcv's ``getattr(hook, ...)(runner)`` calls None, a TypeError."""
    runner = runner_class()
    hook = Hook()
    runner.register_hook(hook)
    runner.call_hook("after_train_iter")
    setattr(hook, point, None)
    with pytest.raises(TypeError, match="NoneType"):
        runner.call_hook("after_train_iter")
    delattr(hook, point)
    runner.call_hook("after_train_iter")


def test_hook_has_no_metaclass() -> None:
    """Hook is a plain class: abstract methods are not enforced, and any metaclass combines with it."""
    assert type(Hook) is type

    class Abstract(Hook):
        @abc.abstractmethod
        def after_run(self, runner: Any) -> None: ...

    Abstract()  # as with mmcv's plain Hook: no TypeError

    class Meta(type):
        pass

    class WithMeta(Hook, metaclass=Meta):
        pass

    assert type(WithMeta) is Meta

    class Enforced(Hook, abc.ABC):
        @abc.abstractmethod
        def after_run(self, runner: Any) -> None: ...

    with pytest.raises(TypeError):
        Enforced()  # type: ignore[abstract]


@pytest.mark.parametrize("copier", ["deepcopy", "pickle"])
def test_a_copied_runner_sees_point_changes(backend: str, copier: str) -> None:
    """A deep-copied or unpickled runner keeps seeing instance and class point changes."""
    runner = PICKLABLE_RUNNERS[backend]()
    runner.register_hook(PicklableHook())
    runner.register_hook(OtherPicklableHook(), "LOW")
    runner.call_hook("after_train_iter")
    copied = copy.deepcopy(runner) if copier == "deepcopy" else pickle.loads(pickle.dumps(runner))
    first, second = copied.hooks
    PicklableHook.seen.clear()
    copied.call_hook("after_train_iter")
    assert PicklableHook.seen == [("hook", first)]
    try:
        OtherPicklableHook.after_train_iter = PicklableHook.after_train_iter  # type: ignore[method-assign]
        copied.call_hook("after_train_iter")
        first.after_train_iter = lambda runner: PicklableHook.seen.append(("instance", runner))  # type: ignore[method-assign]
        copied.call_hook("after_train_iter")
    finally:
        del OtherPicklableHook.after_train_iter
    copied.register_hook(Hook())
    copied.call_hook("after_train_iter")
    assert PicklableHook.seen == [
        ("hook", first),
        ("hook", first),
        ("hook", second),
        ("instance", copied),
        ("hook", second),
        ("instance", copied),
    ]


class PicklableHook(Hook):
    seen: ClassVar[list[Any]] = []

    def after_train_iter(self, runner: Any) -> None:
        PicklableHook.seen.append(("hook", self))


class OtherPicklableHook(Hook):
    pass


def _picklable_runner(backend: str) -> type[HookRunner]:
    """A module-level runner class of ``backend`` (pickle finds a class by its module and name)."""
    with _dispatch.using(backend):

        class Runner(HookRunner):
            pass

    Runner.__name__ = Runner.__qualname__ = f"PicklableRunner_{backend}"
    globals()[Runner.__name__] = Runner
    return Runner


PICKLABLE_RUNNERS = {name: _picklable_runner(name) for name in _dispatch.available()}


def test_pickled_runner_class_at_module_level(backend: str) -> None:
    """A module-level runner class round-trips through pickle with its hooks and counters."""
    runner = PICKLABLE_RUNNERS[backend]()
    hook = PicklableHook()
    runner.register_hook(hook)
    runner._iter = 5
    runner.call_hook("after_train_iter")
    copied = pickle.loads(pickle.dumps(runner))
    assert copied.iter == 5
    assert [type(hook) for hook in copied.hooks] == [PicklableHook]
    PicklableHook.seen.clear()
    copied.call_hook("after_train_iter")
    assert PicklableHook.seen == [("hook", copied.hooks[0])]


# --------------------------------------------------------------------------- the call path's own paths


def test_a_dead_runner_leaves_no_hook_alive(runner_class: type[HookRunner]) -> None:
    """The plans a runner built die with it: nothing keeps its hooks (the compiled twin's per-point
    cache of the plan used last holds plans weakly)."""
    runner = runner_class()
    hook = recorder([], "h", "after_run")
    runner.register_hook(hook)
    runner.call_hook("after_run")
    alive = weakref.ref(hook)
    del runner, hook
    gc.collect()
    assert alive() is None


def test_runners_of_one_class_alternating(runner_class: type[HookRunner]) -> None:
    """Two runners of one class, called in turn: each calls its own hooks; a shallow copy shares the list."""
    calls: list[Any] = []
    one, two = runner_class(), runner_class()
    one.register_hook(recorder(calls, "one", "after_iter"))
    two.register_hook(recorder(calls, "two", "after_iter"))
    two.register_hook(recorder(calls, "two-b", "after_iter"), "LOW")
    shared = copy.copy(one)
    for _ in range(3):
        one.call_hook("after_train_iter")
        two.call_hook("after_train_iter")
        shared.call_hook("after_train_iter")
    assert labels(calls) == ["one", "two", "two-b", "one"] * 3
    assert shared.hooks is one.hooks
    one.hooks.append(recorder(calls, "added", "after_iter"))
    calls.clear()
    shared.call_hook("after_train_iter")
    two.call_hook("after_train_iter")
    assert labels(calls) == ["one", "added", "two", "two-b"]


def test_class_assigned_past_hook_setattr_is_seen(runner_class: type[HookRunner]) -> None:
    """``object.__setattr__(hook, "__class__", Other)`` skips Hook.__setattr__; the next call sees it."""
    calls: list[Any] = []
    First = recorder_class(calls, "first", "after_run")
    Second = recorder_class(calls, "second", "after_run")
    runner = runner_class()
    hook = First()
    runner.register_hook(hook)
    runner.call_hook("after_run")
    object.__setattr__(hook, "__class__", Second)
    runner.call_hook("after_run")
    assert labels(calls) == ["first", "second"]


def test_a_point_patched_on_hook_itself_is_seen(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []

    class Plain(Hook):
        pass

    runner = runner_class()
    runner.register_hook(Plain())
    runner.register_hook(Hook())
    runner.call_hook("after_train_epoch")
    with mock.patch.object(Hook, "after_epoch", lambda self, runner: calls.append(type(self).__name__)):
        runner.call_hook("after_train_epoch")
        runner.call_hook("after_val_epoch")
    runner.call_hook("after_train_epoch")
    assert calls == ["Plain", "Hook", "Plain", "Hook"]


def test_points_that_are_not_plain_methods_are_read_at_each_call(runner_class: type[HookRunner]) -> None:
    """A property, a staticmethod, a classmethod, a class with __getattribute__: what getattr gives."""
    calls: list[Any] = []

    class Static(Hook):
        @staticmethod
        def after_run(runner: Any) -> None:
            calls.append("static")

    class ClassMethod(Hook):
        @classmethod
        def after_run(cls, runner: Any) -> None:
            calls.append(("class", cls.__name__))

    class Property(Hook):
        which = "a"

        @property
        def after_run(self) -> Callable[[Any], None]:
            return lambda runner: calls.append(("property", self.which))

    class Redirecting(Hook):
        def __getattribute__(self, name: str) -> Any:
            if name == "after_run":
                return lambda runner: calls.append("redirected")
            return super().__getattribute__(name)

    runner = runner_class()
    prop = Property()
    for hook in (Static(), ClassMethod(), prop, Redirecting()):
        runner.register_hook(hook)
    runner.call_hook("after_run")
    Property.which = "b"
    prop.which = "c"  # an instance attribute of another name: read by the property at each call
    runner.call_hook("after_run")
    assert calls == [
        "static",
        ("class", "ClassMethod"),
        ("property", "a"),
        "redirected",
        "static",
        ("class", "ClassMethod"),
        ("property", "c"),
        "redirected",
    ]


def test_call_hook_with_more_arguments_than_fit_on_the_stack(runner_class: type[HookRunner]) -> None:
    calls: list[Any] = []
    runner = runner_class()
    runner.register_hook(recorder(calls, "h", "on_many"))
    runner.register_hook(recorder(calls, "i", "on_many"))
    positional = tuple(range(20))
    keywords = {f"k{index}": index for index in range(10)}
    runner.call_hook("on_many", *positional, **keywords)
    assert calls == [
        ("h", "on_many", runner, positional, keywords),
        ("i", "on_many", runner, positional, keywords),
    ]


def test_a_class_changed_more_often_than_cpython_tags_it(runner_class: type[HookRunner]) -> None:
    """CPython stops giving a class version tags after many changes (3.12+): still seen at each call."""
    calls: list[Any] = []

    class Busy(Hook):
        count = 0

        def after_run(self, runner: Any) -> None:
            calls.append(type(self).count)

    runner = runner_class()
    runner.register_hook(Busy())
    for count in range(1, 1201):
        Busy.count = count  # a class attribute, changed between calls
        runner.call_hook("after_run")
    Busy.after_run = lambda self, runner: calls.append("patched")  # type: ignore[method-assign]
    runner.call_hook("after_run")
    assert calls == [*range(1, 1201), "patched"]


def test_hooks_read_through_a_property_or_kept_in_a_tuple(backend: str) -> None:
    """``_hooks`` found by attribute look-up (a property) is the list; a tuple is iterated as mmcv does."""
    calls: list[Any] = []
    hooks = [recorder(calls, "a", "after_run"), Hook()]

    class Proxied(HookRunner):
        def __init__(self) -> None:  # HookRunner.__init__ would assign _hooks
            pass

        @property  # type: ignore[override]
        def _hooks(self) -> list[Hook]:
            return hooks

    runner = Proxied()
    runner.call_hook("after_run")
    hooks.insert(0, recorder(calls, "b", "after_run"))
    runner.call_hook("after_run")
    assert labels(calls) == ["a", "b", "a"]

    class Tupled(HookRunner):
        pass

    tupled = Tupled()
    tupled._hooks = (hooks[0], hooks[2])  # type: ignore[assignment]
    calls.clear()
    tupled.call_hook("after_run")
    tupled.call_hook("after_train_iter")  # Hook's default, called as mmcv's loop calls it
    assert labels(calls) == ["b"]


def test_a_write_through_vars_is_seen_once_the_plan_is_rebuilt(runner_class: type[HookRunner]) -> None:
    """The documented difference: ``vars(hook)[point] = f`` bypasses Hook.__setattr__. The plan of that
    point is rebuilt, and sees it, at the next call after a point attribute is set on any hook the
    ordinary way; after an edit of the runner's list, when the call reaches the first position the
    edit changed (so the call after that one, if the edit is after the hook)."""
    calls: list[Any] = []
    runner = runner_class()
    hook, later, first = Hook(), Hook(), Hook()
    runner.register_hook(hook)
    runner.call_hook("after_run")
    vars(hook)["after_run"] = lambda runner: calls.append("vars")
    runner.call_hook("after_run")
    assert calls == []
    runner.register_hook(later, "LOW")  # after the hook: rebuilt when the call reaches position 1
    runner.call_hook("after_run")
    assert calls == []
    runner.call_hook("after_run")
    assert calls == ["vars"]
    vars(hook)["after_run"] = lambda runner: calls.append("vars again")
    runner.register_hook(first, "HIGHEST")  # before it: rebuilt at position 0
    runner.call_hook("after_run")
    assert calls == ["vars", "vars again"]
    vars(hook)["after_run"] = lambda runner: calls.append("vars a third time")
    later.after_epoch = lambda runner: None  # a point attribute set on any hook
    runner.call_hook("after_run")
    assert calls == ["vars", "vars again", "vars a third time"]


def test_a_class_getting_an_own_point_through_its_bases_is_seen(runner_class: type[HookRunner]) -> None:
    """``Cls.__bases__ = (OwnPoints,)``: the hook now has the point and is called there."""
    calls: list[Any] = []
    Points, Concrete = make_points(calls)

    class Start:
        pass

    class Late(Start, Hook):
        pass

    runner = runner_class()
    hook = Late()
    runner.register_hook(Concrete())
    runner.register_hook(hook)
    runner.call_hook("on_batch", 1)  # the plan: Late lacks the point
    Late.__bases__ = (Points,)
    Points.on_batch = lambda self, runner, batch: calls.append(("default", self, batch))  # type: ignore[method-assign]
    runner.call_hook("on_batch", 2)
    assert [call[0] for call in calls] == ["on_batch", "on_batch", "default"]
    assert calls[-1] == ("default", hook, 2)
