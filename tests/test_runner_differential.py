"""Differential test: random runner programs behave as the seed's naive loop on both backends.

A *program* is plain data (``Program``): a hierarchy of ``Hook`` subclasses (class 0 is an own-points
base ``class OwnPoints(Hook, base=True)`` with ``on_batch(self, runner, batch)``, whose default
records, and ``on_end(self, runner)``, a no-op; the others derive from ``Hook``, from it or from an
earlier class, and override random points, a non-point ``helper``, or an own point's name without
having it), hooks of those classes, and operations: registrations with random priorities (names in
any case, ``Priority`` members, ints, many equal, some invalid), unregistrations, registering a
non-hook or a hook that already has a ``priority``, point calls (Hook's 14, the own ones, unknown
names, or every point in turn), and changes after registration (a point assigned to a hook instance
or a generated class; deleted: one named point, all of them, or the latest assigned; ``hook.__class__``
swapped); a ``warm`` program calls every point after each change, so that the next change meets
call lists already built. Every program ends by calling every point. Hook methods append
``(tag, hook id, runner ok, args, kwargs)`` to a trace and some raise.
``run(program, implementation)`` runs the program on:

- ``"reference"``: :class:`ReferenceRunner`, the seed's naive loop
  ``for hook in self._hooks: getattr(hook, fn_name)(self, *args, **kwargs)`` with mmcv's
  ``register_hook`` insertion; hooks whose class lacks an own point are skipped, and a name that is
  not a point of Hook nor of a registered hook's class is an AttributeError;
- ``"python"`` / ``"cython"``: a ``HookRunner`` subclass created with that dispatch backend;

and returns the trace with, after each operation, its outcome (the exception's type and key content)
and the runner's hooks with their priorities. The traces must be equal.

``HOOKFAST_RUNNER_DIFF_EXAMPLES`` sets the number of random programs (default 200);
``HYPOTHESIS_PROFILE=thorough`` means 5,000 (the profile names of ``test_differential.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import types
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from hookfast import _dispatch
from hookfast.runner import Hook, HookRunner, Priority

_PROFILE_EXAMPLES = {"thorough": 5000, "ci": 300, "dev": 100}
EXAMPLES = int(
    os.environ.get("HOOKFAST_RUNNER_DIFF_EXAMPLES")
    or _PROFILE_EXAMPLES.get(os.environ.get("HYPOTHESIS_PROFILE", ""), 200)
)

#: the implementations compared with the reference
IMPLEMENTATIONS = tuple(name for name in ("python", "cython") if name in _dispatch.available())

#: Hook's points, in mmcv's declaration order
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
OWN_POINTS = ("on_batch", "on_end")
#: what generated classes override, instances get assigned and classes get assigned or lose
CHANGED = (
    "before_run",
    "after_run",
    "before_epoch",
    "after_epoch",
    "before_iter",
    "after_iter",
    "before_train_epoch",
    "after_train_iter",
    "after_val_iter",
    *OWN_POINTS,
)
#: names call_hook is given that are no point (some are attributes or methods of every hook)
UNKNOWN = ("on_btch", "after_train_iters", "helper", "every_n_epochs", "get_triggered_stages", "priority")
PRIORITY_NAMES = {member.name: member.value for member in Priority}
PRIORITIES: tuple[Any, ...] = (
    "NORMAL",
    "normal",
    "Normal",
    50,
    Priority.NORMAL,
    "HIGH",
    "high",
    Priority.HIGH,
    30,
    "LOW",
    Priority.LOW,
    70,
    "highest",
    0,
    "LOWEST",
    100,
    "very_high",
    "Below_Normal",
    Priority.ABOVE_NORMAL,
    35,
    1,
    99,
)
BAD_PRIORITIES: tuple[Any, ...] = ("nope", "", -1, 101, 1.5, None, True, False)
EXCEPTIONS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "RuntimeError": RuntimeError,
    "KeyError": KeyError,
    "AttributeError": AttributeError,
    "TypeError": TypeError,
    "AssertionError": AssertionError,
}
#: operations after which a ``warm`` program calls every point
CHANGES = ("register", "unregister", "instance_set", "instance_del", "class_set", "class_del", "swap_class")
RESERVED = '"priority" is a reserved attribute for hooks'


@dataclasses.dataclass(frozen=True)
class MethodSpec:
    name: str
    raise_mod: int = 0  # raise when len(trace) % raise_mod == 0 after recording; 0: never
    exc: str = "ValueError"


@dataclasses.dataclass(frozen=True)
class ClassSpec:
    parent: int  # -1: Hook, 0: the own-points base, i > 0: generated class i
    methods: tuple[MethodSpec, ...]


@dataclasses.dataclass(frozen=True)
class Program:
    classes: tuple[ClassSpec, ...]  # classes[0] describes generated class 1
    hooks: tuple[int, ...]  # the class of each hook: -1 (Hook itself) or i > 0
    #: registrations before the operations: (hook, priority)
    initial: tuple[tuple[int, Any], ...]
    ops: tuple[tuple[Any, ...], ...]
    #: call every point after each change, so that the next change meets call lists already built
    warm: bool = False


# --------------------------------------------------------------------------- the reference


def reference_priority(priority: Any) -> int:
    """mmcv's get_priority, restated."""
    if isinstance(priority, int):
        if priority < 0 or priority > 100:
            raise ValueError("priority must be between 0 and 100")
        return priority
    if isinstance(priority, Priority):
        return int(priority.value)
    if isinstance(priority, str):
        return PRIORITY_NAMES[priority.upper()]  # KeyError for an unknown name, as mmcv's Priority[...]
    raise TypeError("priority must be an integer or Priority enum value")


class ReferenceRunner:
    """The seed's runner: mmcv's register_hook and the naive call_hook loop (own points: see module)."""

    def __init__(self, points_of: dict[type, tuple[str, ...]]) -> None:
        self._hooks: list[Any] = []
        self._points_of = points_of

    @property
    def hooks(self) -> list[Any]:
        return self._hooks

    def register_hook(self, hook: Any, priority: Any = "NORMAL") -> None:
        assert isinstance(hook, Hook)
        if any(registered is hook for registered in self._hooks):
            raise ValueError(f"{RESERVED}: already registered")
        if hasattr(hook, "priority"):
            raise ValueError(RESERVED)
        priority = reference_priority(priority)
        hook.priority = priority  # type: ignore[attr-defined]
        inserted = False
        for i in range(len(self._hooks) - 1, -1, -1):
            if priority >= self._hooks[i].priority:
                self._hooks.insert(i + 1, hook)
                inserted = True
                break
        if not inserted:
            self._hooks.insert(0, hook)

    def unregister_hook(self, hook: Any) -> None:
        for index, registered in enumerate(self._hooks):
            if registered is hook:
                del self._hooks[index]
                del hook.priority
                return
        raise ValueError("not registered")

    def call_hook(self, fn_name: str, *args: Any, **kwargs: Any) -> None:
        hooks = self._hooks
        if fn_name in MMCV_POINTS or any(fn_name in self._points_of[type(hook)] for hook in hooks):
            for hook in hooks:  # a hook whose class lacks an own point is skipped
                if fn_name in self._points_of[type(hook)]:
                    getattr(hook, fn_name)(self, *args, **kwargs)
            return
        if not hooks:  # no hooks and no point: an error, where mmcv's loop would do nothing
            raise AttributeError(f"no point named {fn_name!r}")
        for hook in hooks:
            getattr(hook, fn_name)(self, *args, **kwargs)


# --------------------------------------------------------------------------- running a program


class NotAHook:
    def after_iter(self, runner: Any) -> None:
        pass


@dataclasses.dataclass
class World:
    """What a run builds: the classes (index -1: Hook, 0: own base, i > 0: generated), the hooks."""

    trace: list[Any]
    raised: list[BaseException]
    runner: Any = None
    classes: dict[int, type] = dataclasses.field(default_factory=dict)
    hooks: list[Any] = dataclasses.field(default_factory=list)

    def method(self, tag: str, spec: MethodSpec, bound: bool) -> Callable[..., None]:
        """A recording method (``bound``: takes self, as in a class) or instance function."""
        trace, raised = self.trace, self.raised

        def record(hid: Any, runner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            trace.append((tag, hid, runner is self.runner, args, tuple(sorted(kwargs.items()))))
            if spec.raise_mod and len(trace) % spec.raise_mod == 0:
                error = EXCEPTIONS[spec.exc](f"{tag} at {len(trace)}")
                raised.append(error)
                raise error

        if bound:

            def method(hook: Any, runner: Any, *args: Any, **kwargs: Any) -> None:
                record(hook.hid, runner, args, kwargs)

        else:
            hid = tag

            def method(runner: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[misc]
                record(hid, runner, args, kwargs)

        method.__name__ = spec.name
        return method


def own_base(world: World) -> type:
    trace = world.trace

    def on_batch(self: Any, runner: Any, batch: Any) -> None:
        trace.append(("OwnPoints.on_batch", self.hid, runner is world.runner, (batch,), ()))

    def on_end(self: Any, runner: Any) -> None:
        pass

    return types.new_class(
        "OwnPoints", (Hook,), {"base": True}, lambda ns: ns.update(on_batch=on_batch, on_end=on_end)
    )


def build(program: Program, world: World) -> dict[type, tuple[str, ...]]:
    """Make the classes and hooks into ``world``; returns each class's points (for the reference)."""
    world.classes[-1] = Hook
    world.classes[0] = own_base(world)
    points_of = {Hook: MMCV_POINTS, world.classes[0]: MMCV_POINTS + OWN_POINTS}
    for index, spec in enumerate(program.classes, start=1):
        parent = world.classes[spec.parent]
        namespace = {m.name: world.method(f"C{index}.{m.name}", m, bound=True) for m in spec.methods}
        cls = types.new_class(
            f"C{index}", (parent,), {}, lambda ns, namespace=namespace: ns.update(namespace)
        )
        world.classes[index] = cls
        points_of[cls] = points_of[parent]
    for hid, index in enumerate(program.hooks):
        hook = world.classes[index]()
        hook.hid = hid
        world.hooks.append(hook)
    return points_of


def outcome(world: World, op: tuple[Any, ...], action: Callable[[], None]) -> tuple[Any, ...]:
    """``("ok",)``, or the exception's type and key content (exact, for the hooks' own)."""
    count = len(world.raised)
    try:
        action()
    except Exception as error:
        if len(world.raised) > count and error is world.raised[-1]:
            chained = (type(error.__context__).__name__, type(error.__cause__).__name__)
            return ("hook raised", type(error).__name__, str(error), chained)
        message = str(error)
        if op[0] == "call":
            return ("raised", type(error).__name__, op[1] in message)
        keys: tuple[Any, ...] = (message.startswith(RESERVED), "already registered" in message.lower())
        if op[0] == "register" and isinstance(op[2], str):
            keys += (op[2].lower() in message.lower(),)
        return ("raised", type(error).__name__, *keys)
    return ("ok",)


def run(program: Program, implementation: str) -> list[Any]:
    """The full trace of ``program`` on ``"reference"``, ``"python"`` or ``"cython"``."""
    world = World(trace=[], raised=[])
    context = contextlib.nullcontext() if implementation == "reference" else _dispatch.using(implementation)
    with context:
        points_of = build(program, world)
        if implementation == "reference":
            world.runner = ReferenceRunner(points_of)
        else:

            class Runner(HookRunner):
                pass

            world.runner = Runner()
    runner, hooks, classes, trace = world.runner, world.hooks, world.classes, world.trace
    ops: list[tuple[Any, ...]] = [("register", hook, priority) for hook, priority in program.initial]
    for op in (*program.ops, ("sweep", "pos")):  # ending with every point: the final state
        if op[0] == "sweep":  # every point in turn
            ops.extend(("call", name, op[1]) for name in (*MMCV_POINTS, *OWN_POINTS))
        else:
            ops.append(op)
            if program.warm and op[0] in CHANGES:
                ops.extend(("call", name, "pos") for name in (*MMCV_POINTS, *OWN_POINTS))
    #: the latest instance_set and class_set, undone by ("instance_del", None, None) / ("class_del", ...)
    last_set: dict[str, tuple[int, str | None]] = {"instance": (0, None), "class": (1, None)}
    for index, op in enumerate(ops):
        kind = op[0]
        action: Callable[[], None]
        if kind == "register":
            hook = hooks[op[1]]
            # a hook with a priority: only that error is expected, whatever the priority
            priority = "NORMAL" if hasattr(hook, "priority") else op[2]

            def action(hook: Any = hook, priority: Any = priority) -> None:
                runner.register_hook(hook, priority)

        elif kind == "register_not_a_hook":

            def action() -> None:
                runner.register_hook(NotAHook())

        elif kind == "preset_priority":
            hook = hooks[op[1]]

            def action(hook: Any = hook) -> None:
                if not hasattr(hook, "priority"):
                    hook.priority = 7

        elif kind == "unregister":

            def action(hook: Any = hooks[op[1]]) -> None:
                runner.unregister_hook(hook)

        elif kind == "call":
            name, style = op[1], op[2]
            if name == "on_batch":
                args, kwargs = ((), {"batch": index}) if style == "kw" else ((index,), {})
            else:
                args, kwargs = (), {}

            def action(name: str = name, args: Any = args, kwargs: Any = kwargs) -> None:
                assert runner.call_hook(name, *args, **kwargs) is None

        elif kind == "instance_set":
            hook, method = hooks[op[1]], world.method(f"h{op[1]}.{op[2].name}@{index}", op[2], bound=False)
            last_set["instance"] = (op[1], op[2].name)

            def action(hook: Any = hook, name: str = op[2].name, method: Any = method) -> None:
                setattr(hook, name, method)

        elif kind == "instance_del":
            target, name = last_set["instance"] if op[1] is None else op[1:]

            def action(hook: Any = hooks[target], name: str | None = name) -> None:
                for point in CHANGED if name is None else (name,):
                    if point in vars(hook):
                        delattr(hook, point)

        elif kind == "class_set":
            method = world.method(f"C{op[1]}.{op[2].name}@{index}", op[2], bound=True)
            if op[1] > 0:  # not the own-points base: deleting its point would remove the point
                last_set["class"] = (op[1], op[2].name)

            def action(cls: type = classes[op[1]], name: str = op[2].name, method: Any = method) -> None:
                setattr(cls, name, method)

        elif kind == "class_del":
            target, name = last_set["class"] if op[1] is None else op[1:]

            def action(cls: type = classes[target], name: str | None = name) -> None:
                for point in CHANGED if name is None else (name,):
                    if point in vars(cls):
                        delattr(cls, point)

        elif kind == "swap_class":

            def action(hook: Any = hooks[op[1]], cls: type = classes[op[2]]) -> None:
                hook.__class__ = cls

        else:
            raise AssertionError(op)
        result = outcome(world, op, action)
        order = [(hook.hid, hook.priority, type(hook.priority).__name__) for hook in runner.hooks]
        trace.append(("op", index, result, order))
    trace.append(("priorities", [getattr(hook, "priority", "none") for hook in hooks]))
    return trace


def assert_same_traces(program: Program) -> None:
    expected = run(program, "reference")
    for implementation in IMPLEMENTATIONS:
        assert run(program, implementation) == expected, implementation


# --------------------------------------------------------------------------- random programs


def method_specs(names: tuple[str, ...]) -> st.SearchStrategy[MethodSpec]:
    return st.builds(
        MethodSpec,
        name=st.sampled_from(names),
        raise_mod=st.sampled_from((0, 0, 0, 0, 2, 3, 7)),
        exc=st.sampled_from(tuple(EXCEPTIONS)),
    )


@st.composite
def programs(draw: st.DrawFn) -> Program:
    class_count = draw(st.integers(1, 5))
    classes = []
    for index in range(1, class_count + 1):
        parent = draw(st.sampled_from((0, -1, *range(1, index))))
        methods = draw(
            st.lists(
                method_specs((*CHANGED, "helper")), min_size=1, max_size=5, unique_by=lambda m: m.name
            ).map(tuple)
        )
        classes.append(ClassSpec(parent, methods))
    concrete = (*range(1, class_count + 1), -1)  # shrinking towards generated classes
    hooks = tuple(draw(st.lists(st.sampled_from(concrete), min_size=1, max_size=6)))
    hook_ids = st.integers(0, len(hooks) - 1)
    # most hooks registered before the operations (shrinking towards registered)
    initial = tuple(
        (hid, draw(st.sampled_from(PRIORITIES)))
        for hid in draw(st.permutations(range(len(hooks))))
        if draw(st.sampled_from((True, True, False)))
    )
    calls = st.tuples(
        st.just("call"),
        st.sampled_from((*MMCV_POINTS, *OWN_POINTS, *OWN_POINTS, *UNKNOWN)),
        st.sampled_from(("pos", "kw")),
    )
    ops = st.one_of(
        calls,
        calls,
        st.tuples(st.just("sweep"), st.sampled_from(("pos", "kw"))),
        st.tuples(st.just("sweep"), st.sampled_from(("pos", "kw"))),
        st.tuples(
            st.just("register"),
            hook_ids,
            st.one_of(
                st.sampled_from(PRIORITIES), st.sampled_from(PRIORITIES), st.sampled_from(BAD_PRIORITIES)
            ),
        ),
        st.tuples(st.just("register"), hook_ids, st.sampled_from(PRIORITIES)),
        st.tuples(st.just("unregister"), hook_ids),
        st.tuples(st.just("register_not_a_hook")),
        st.tuples(st.just("preset_priority"), hook_ids),
        st.tuples(st.just("instance_set"), hook_ids, method_specs(CHANGED)),
        st.tuples(st.just("instance_del"), hook_ids, st.sampled_from((None, *CHANGED))),  # None: all points
        st.just(("instance_del", None, None)),  # undo the latest instance_set
        st.tuples(st.just("class_set"), st.integers(0, class_count), method_specs(CHANGED)),
        st.tuples(st.just("class_del"), st.integers(1, class_count), st.sampled_from((None, *CHANGED))),
        st.just(("class_del", None, None)),  # undo the latest class_set (of a concrete class)
        st.tuples(st.just("swap_class"), hook_ids, st.sampled_from(concrete)),
    )
    return Program(
        tuple(classes),
        hooks,
        initial,
        tuple(draw(st.lists(ops, min_size=2, max_size=30))),
        draw(st.booleans()),
    )


# --------------------------------------------------------------------------- the tests


def test_compiled_backend_is_compared() -> None:
    """The compiled backend takes part, or the run says why not (fails under HOOKFAST_REQUIRE_EXTENSION)."""
    if "cython" not in IMPLEMENTATIONS:
        if os.environ.get("HOOKFAST_REQUIRE_EXTENSION"):
            pytest.fail("HOOKFAST_REQUIRE_EXTENSION is set but the compiled backend is not importable")
        pytest.skip("the compiled backend is not built: only the pure-Python runner is compared")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(program=programs())
def test_random_programs_behave_as_the_naive_loop(program: Program) -> None:
    note(repr(program))
    assert_same_traces(program)


NEVER = MethodSpec  # readability in the regressions: a method that never raises

REGRESSIONS: dict[str, Program] = {
    # the seed's OptimizerHook beside a generic hook, registered with names, members and ints
    "mmcv_priorities_and_forwarding": Program(
        classes=(ClassSpec(-1, (NEVER("after_train_iter"),)), ClassSpec(-1, (NEVER("after_iter"),))),
        hooks=(1, 2, 2, -1),
        initial=(),
        ops=(
            ("register", 1, "normal"),
            ("register", 0, "HIGH"),
            ("register", 2, 50),
            ("register", 3, Priority.HIGHEST),
            ("call", "after_train_iter", "pos"),
            ("call", "after_val_iter", "pos"),
            ("call", "after_iter", "pos"),
            ("register", 0, "LOW"),
            ("unregister", 1),
            ("unregister", 1),
            ("call", "after_train_iter", "pos"),
            ("register", 1, "LOWEST"),
            ("call", "after_train_iter", "pos"),
        ),
    ),
    # changes after a call list was built: instance, class, class swap, deletion
    "changes_after_registration": Program(
        classes=(ClassSpec(-1, (NEVER("after_run"),)), ClassSpec(1, (NEVER("before_epoch"),))),
        hooks=(1, 2),
        initial=((0, "NORMAL"), (1, "NORMAL")),
        ops=(
            ("call", "before_epoch", "pos"),
            ("instance_set", 0, NEVER("before_epoch")),
            ("call", "before_epoch", "pos"),
            ("call", "before_train_epoch", "pos"),
            ("instance_del", 0, "before_epoch"),
            ("call", "before_epoch", "pos"),
            ("class_set", 1, NEVER("before_epoch")),
            ("call", "before_epoch", "pos"),
            ("class_del", 2, "before_epoch"),
            ("call", "before_epoch", "pos"),
            ("class_del", 1, "before_epoch"),
            ("call", "before_epoch", "pos"),
            ("swap_class", 0, 2),
            ("call", "after_run", "pos"),
            ("swap_class", 1, -1),
            ("call", "after_run", "pos"),
            ("instance_set", 1, NEVER("after_val_iter")),
            ("call", "after_val_iter", "pos"),
            ("instance_del", 1, None),
            ("call", "after_val_iter", "pos"),
        ),
    ),
    # own points: the recording default, overrides, mmcv hooks left out, unknown once unregistered
    "own_points": Program(
        classes=(ClassSpec(0, ()), ClassSpec(0, (NEVER("on_end"),)), ClassSpec(-1, (NEVER("on_batch"),))),
        hooks=(1, 2, 3),
        initial=(),
        ops=(
            ("call", "on_batch", "pos"),
            ("register", 2, "HIGHEST"),
            ("call", "on_batch", "pos"),
            ("register", 0, "LOW"),
            ("register", 1, "LOW"),
            ("call", "on_batch", "kw"),
            ("call", "on_end", "pos"),
            ("class_set", 0, NEVER("on_end")),
            ("call", "on_end", "pos"),
            ("unregister", 0),
            ("unregister", 1),
            ("call", "on_end", "pos"),
            ("swap_class", 2, 1),
            ("call", "on_batch", "pos"),
        ),
    ),
    # exceptions from hooks, an AttributeError among them, and unknown names
    "raising_hooks": Program(
        classes=(
            ClassSpec(-1, (MethodSpec("after_run", 1, "AttributeError"),)),
            ClassSpec(-1, (NEVER("after_run"), NEVER("helper"))),
        ),
        hooks=(2, 1, 2),
        initial=(),
        ops=(
            ("register", 0, "HIGH"),
            ("register", 1, "normal"),
            ("register", 2, "LOW"),
            ("call", "after_run", "pos"),
            ("call", "helper", "pos"),
            ("call", "priority", "pos"),
            ("call", "aftr_run", "pos"),
            ("unregister", 1),
            ("register_not_a_hook",),
            ("register", 1, "nope"),
            ("register", 1, True),
            ("register", 1, 101),
            ("preset_priority", 1),
            ("register", 1, "HIGH"),
            ("register", 0, "HIGH"),
            ("call", "after_run", "pos"),
        ),
    ),
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_regressions(name: str) -> None:
    assert_same_traces(REGRESSIONS[name])
