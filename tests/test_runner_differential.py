"""Differential test: random runner programs behave on both backends as mmcv's own loop does.

The reference, :class:`ReferenceRunner`, is written from mmcv 1.x's ``BaseRunner`` (``register_hook``,
``call_hook``, ``hooks``, ``get_hook_info`` and the counters) and ``get_priority``, with the
differences ``docs/runner.md`` lists and nothing else: its ``call_hook`` is
``for hook in self._hooks: getattr(hook, fn_name)(self, *args, **kwargs)`` over the live list
(Python's list iterator, so that edits during a pass are seen as mmcv sees them), except that a
hook whose class lacks an own point is skipped, and a name that is no point raises on a runner
without hooks; ``register_hook`` leaves nothing changed when it fails.

A *program* is plain data (``Program``):

- classes: class 0 is an own-points base ``class OwnPoints(Hook, base=True)`` with
  ``on_batch(self, runner, batch)``, whose default records, and ``on_end(self, runner)``, a no-op;
  the generated classes derive from ``Hook``, from it or from an earlier class, some with a plain
  mixin (no ``Hook``) first in their bases, and define recording methods at random points, at a
  non-point ``helper``, or at an own point's name without having it;
- hooks of those classes; and the runner's class: a plain ``HookRunner`` subclass, one overriding
  ``call_hook`` (or a subclass of that one), or one with a mixin defining ``call_hook`` before or
  after ``HookRunner`` in its bases;
- operations: registrations (priorities as names in any case, members, ints, bools, bad ones),
  unregistrations, registering a non-hook or a hook that has a ``priority`` already, point calls
  (Hook's 14, the own ones, names that are no point), edits of ``runner.hooks`` / ``runner._hooks``
  (remove, pop, insert, append, ``+=``, slice assignment, sort, reverse, clear, ``del``, item
  assignment, rebinding the attribute), changes of points (on a hook, a generated class, a mixin;
  assigned or deleted; ``hook.__class__`` swapped), counters written and read (and a read-only one
  assigned), ``get_hook_info()``, and deep copies and pickles of the runner with its hooks.

A recording method can also *act*, the first time it runs, in the middle of a pass: any of the
changes above (registration, removal, an edit of the list, a point changed on a hook, a class or a
mixin, a class swap, a counter). Hook methods append ``(tag, hook id, runner ok, args, kwargs,
runner.iter)`` to a trace, and some raise. ``run(program, implementation)`` returns the trace with,
after each operation, its outcome (the exception's type and key content) and the runner's list; the
traces of ``"python"`` and ``"cython"`` must equal the reference's.

``HOOKFAST_RUNNER_DIFF_EXAMPLES`` sets the number of random programs (default 200);
``HYPOTHESIS_PROFILE=thorough`` means 5,000 (the profile names of ``test_differential.py``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import os
import pickle
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
#: what generated classes and mixins define, and what changes assign or delete
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
COUNTERS = ("epoch", "iter", "inner_iter", "max_epochs", "max_iters")
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
    True,
    False,
)
BAD_PRIORITIES: tuple[Any, ...] = ("nope", "", "FOO", -1, 101, 1.5, None)
EXCEPTIONS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "RuntimeError": RuntimeError,
    "KeyError": KeyError,
    "AttributeError": AttributeError,
    "TypeError": TypeError,
}
#: operations after which a ``warm`` program calls every point
CHANGES = (
    "register",
    "unregister",
    "edit",
    "instance_set",
    "instance_del",
    "class_set",
    "class_del",
    "mixin_set",
    "mixin_del",
    "swap_class",
    "deepcopy",
    "pickle",
)
RESERVED = '"priority" is a reserved attribute for hooks'
RUNNER_KINDS = ("plain", "override", "derived", "mixin_first", "mixin_last")
EDITS = ("remove", "pop", "insert", "append", "iadd", "slice", "sort", "reverse", "clear", "del")
EDITS += ("setitem", "rebind", "append_other")


@dataclasses.dataclass(frozen=True)
class MethodSpec:
    name: str
    raise_mod: int = 0  # raise when len(trace) % raise_mod == 0 after recording; 0: never
    exc: str = "ValueError"
    #: an operation (as in Program.ops) done the first time the method runs, before it records
    action: tuple[Any, ...] | None = None


@dataclasses.dataclass(frozen=True)
class ClassSpec:
    parent: int  # -1: Hook, 0: the own-points base, i > 0: generated class i
    methods: tuple[MethodSpec, ...]
    mixin: int | None = None  # a mixin first in the bases


@dataclasses.dataclass(frozen=True)
class Program:
    classes: tuple[ClassSpec, ...]  # classes[0] describes generated class 1
    hooks: tuple[int, ...]  # the class of each hook: -1 (Hook itself) or i > 0
    #: registrations before the operations: (hook, priority)
    initial: tuple[tuple[int, Any], ...]
    ops: tuple[tuple[Any, ...], ...]
    #: call every point after each change, so that the next change meets plans already built
    warm: bool = False
    #: the methods of each mixin (plain classes, no Hook)
    mixins: tuple[tuple[MethodSpec, ...], ...] = ()
    runner: str = "plain"


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
    """mmcv's BaseRunner, as far as hooks go (see the module docstring for the two differences)."""

    #: the own-points base of the program (a hook of another class lacks its points)
    own_base: type = Hook
    #: its default that does nothing (on_end's body), as it was created
    noop: Any = None

    def __init__(self) -> None:
        self._hooks: list[Any] = []
        self._epoch = 0
        self._iter = 0
        self._inner_iter = 0
        self._max_epochs: Any = None
        self._max_iters: Any = None

    @property
    def hooks(self) -> list[Any]:
        return self._hooks

    @property
    def epoch(self) -> Any:
        return self._epoch

    @property
    def iter(self) -> Any:
        return self._iter

    @property
    def inner_iter(self) -> Any:
        return self._inner_iter

    @property
    def max_epochs(self) -> Any:
        return self._max_epochs

    @property
    def max_iters(self) -> Any:
        return self._max_iters

    def register_hook(self, hook: Any, priority: Any = "NORMAL") -> None:
        assert isinstance(hook, Hook)
        if hasattr(hook, "priority"):
            registered = any(item is hook for item in self._hooks)
            raise ValueError(RESERVED + (": already registered" if registered else ""))
        priority = reference_priority(priority)
        # mmcv's insertion, found before anything changes
        index = 0
        for i in range(len(self._hooks) - 1, -1, -1):
            if priority >= self._hooks[i].priority:
                index = i + 1
                break
        hook.priority = priority
        self._hooks.insert(index, hook)

    def unregister_hook(self, hook: Any) -> None:
        for index, registered in enumerate(self._hooks):
            if registered is hook:
                del self._hooks[index]
                with contextlib.suppress(AttributeError):
                    del hook.priority
                return
        raise ValueError("not registered")

    def _has(self, hook: Any, point: str) -> bool:
        return point in MMCV_POINTS or isinstance(hook, self.own_base)

    def call_hook(self, fn_name: str, *args: Any, **kwargs: Any) -> None:
        hooks = self._hooks
        if fn_name in MMCV_POINTS or any(
            fn_name in OWN_POINTS and self._has(hook, fn_name) for hook in hooks
        ):
            for hook in hooks:
                if self._has(hook, fn_name):  # a hook whose class lacks an own point is skipped
                    getattr(hook, fn_name)(self, *args, **kwargs)
            return
        if not hooks:  # no hooks and no point: an error, where mmcv's loop would do nothing
            raise AttributeError(f"no point named {fn_name!r}")
        for hook in hooks:
            getattr(hook, fn_name)(self, *args, **kwargs)

    def get_hook_info(self) -> str:
        """mmcv's, then the own points (in declaration order) at which a hook does something."""
        own = [name for name in OWN_POINTS if any(self._has(hook, name) for hook in self.hooks)]
        stage_hook_map: dict[str, list[str]] = {stage: [] for stage in (*Hook.stages, *own)}
        for hook in self.hooks:
            try:
                priority = Priority(hook.priority).name
            except ValueError:
                priority = hook.priority
            classname = hook.__class__.__name__
            hook_info = f"({priority:<12}) {classname:<35}"
            triggered = hook.get_triggered_stages()
            for name in own:  # on_end's default does nothing; on_batch's records
                if (
                    self._has(hook, name)
                    and getattr(getattr(hook, name), "__func__", None) is not type(self).noop
                ):
                    triggered.append(name)
            for trigger_stage in triggered:
                stage_hook_map[trigger_stage].append(hook_info)
        stage_hook_infos = []
        for stage, hook_infos in stage_hook_map.items():
            if len(hook_infos) > 0:
                info = f"{stage}:\n"
                info += "\n".join(hook_infos)
                info += "\n -------------------- "
                stage_hook_infos.append(info)
        return "\n".join(stage_hook_infos)


# --------------------------------------------------------------------------- running a program


class NotAHook:
    """An object that is no Hook (in a list edited by hand): it has after_iter only."""

    def __init__(self, oid: int, trace: list[Any]) -> None:
        self.oid = oid
        self.trace = trace

    def after_iter(self, runner: Any) -> None:
        self.trace.append(("NotAHook.after_iter", self.oid))


@dataclasses.dataclass
class World:
    """What a run builds: the classes (index -1: Hook, 0: own base, i > 0: generated), the hooks."""

    trace: list[Any]
    raised: list[BaseException]
    runner: Any = None
    classes: dict[int, type] = dataclasses.field(default_factory=dict)
    mixins: list[type] = dataclasses.field(default_factory=list)
    hooks: list[Any] = dataclasses.field(default_factory=list)
    others: int = 0
    #: the actions done already (each is done once)
    fired: set[str] = dataclasses.field(default_factory=set)
    #: the latest instance_set and class_set, undone by ("instance_del", None, None) / ("class_del", ...)
    last_set: dict[str, tuple[int, str | None]] = dataclasses.field(
        default_factory=lambda: {"instance": (0, None), "class": (1, None)}
    )

    def method(self, tag: str, spec: MethodSpec, bound: bool) -> Callable[..., None]:
        """A recording method (``bound``: takes self, as in a class) or instance function."""
        trace, raised = self.trace, self.raised

        def record(hid: Any, runner: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
            if spec.action is not None and tag not in self.fired:
                self.fired.add(tag)
                trace.append(("acts", tag, spec.action[0]))
                action(self, spec.action, f"{tag}!")()
            ok = runner is self.runner
            trace.append((tag, hid, ok, args, tuple(sorted(kwargs.items())), runner.iter))
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


def build(program: Program, world: World) -> None:
    """Make the mixins, classes and hooks into ``world``."""
    world.classes[-1] = Hook
    world.classes[0] = own_base(world)
    for index, methods in enumerate(program.mixins):
        namespace = {m.name: world.method(f"M{index}.{m.name}", m, bound=True) for m in methods}
        world.mixins.append(type(f"Mixin{index}", (), namespace))
    for index, spec in enumerate(program.classes, start=1):
        bases: tuple[type, ...] = (world.classes[spec.parent],)
        if spec.mixin is not None and world.mixins[spec.mixin] not in bases[0].__mro__:
            bases = (world.mixins[spec.mixin], *bases)
        namespace = {m.name: world.method(f"C{index}.{m.name}", m, bound=True) for m in spec.methods}
        world.classes[index] = types.new_class(
            f"C{index}", bases, {}, lambda ns, namespace=namespace: ns.update(namespace)
        )
    for hid, index in enumerate(program.hooks):
        hook = world.classes[index]()
        hook.hid = hid
        world.hooks.append(hook)


def runner_class(kind: str, base: type, trace: list[Any]) -> type:
    """The program's runner class over ``base`` (ReferenceRunner or HookRunner)."""

    class Overriding(base):  # type: ignore[valid-type,misc]
        def call_hook(self, fn_name: str, *args: Any, **kwargs: Any) -> None:
            trace.append(("override", fn_name))
            super().call_hook(fn_name, *args, **kwargs)

    class Mixin:
        def call_hook(self, fn_name: str, *args: Any, **kwargs: Any) -> None:
            trace.append(("mixin", fn_name))
            super().call_hook(fn_name, *args, **kwargs)  # type: ignore[misc]

    if kind == "override":
        return Overriding
    if kind == "derived":
        return type("Derived", (Overriding,), {})
    if kind == "mixin_first":
        return type("MixedIn", (Mixin, base), {})
    if kind == "mixin_last":
        return type("MixinAfter", (base, Mixin), {})
    return type("Runner", (base,), {})


def hook_order(runner: Any) -> list[Any]:
    order = []
    for item in runner._hooks:
        label = ("x", item.oid) if isinstance(item, NotAHook) else item.hid
        order.append(
            (label, getattr(item, "priority", "none"), type(getattr(item, "priority", None)).__name__)
        )
    return order


def copy_world(world: World, how: str) -> None:
    """Replace the runner and the hooks by a deep copy, or by a pickle round trip, of them."""
    if how == "deepcopy":
        world.runner, world.hooks = copy.deepcopy((world.runner, world.hooks))
        return
    # classes and functions (local ones: the program's) stay the same objects, as they would be
    # if they were importable; everything else goes through the pickle
    shared: list[Any] = []

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj: Any) -> Any:
            if isinstance(obj, (type, types.FunctionType)):
                shared.append(obj)
                return len(shared) - 1
            return None

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            return shared[pid]

    buffer = io.BytesIO()
    Pickler(buffer).dump((world.runner, world.hooks))
    buffer.seek(0)
    world.runner, world.hooks = Unpickler(buffer).load()


def action(world: World, op: tuple[Any, ...], tag: str) -> Callable[[], Any]:
    """What operation ``op`` does, on the world's runner and hooks at the time it runs."""
    kind = op[0]

    def hook(hid: int) -> Any:
        return world.hooks[hid]

    if kind == "register":

        def act() -> None:
            item = hook(op[1])
            # a hook with a priority: only that error is expected, whatever the priority
            world.runner.register_hook(item, "NORMAL" if hasattr(item, "priority") else op[2])

    elif kind == "unregister":

        def act() -> None:
            world.runner.unregister_hook(hook(op[1]))

    elif kind == "register_not_a_hook":

        def act() -> None:
            world.runner.register_hook(NotAHook(-1, world.trace))

    elif kind == "preset_priority":

        def act() -> None:
            if not hasattr(hook(op[1]), "priority"):
                hook(op[1]).priority = 7

    elif kind == "edit":
        return edit(world, op[1], op[2], op[3], op[4])
    elif kind == "instance_set":
        if op[1] is not None:
            world.last_set["instance"] = (op[1], op[2].name)

        def act() -> None:
            setattr(hook(op[1]), op[2].name, world.method(f"h{op[1]}.{op[2].name}@{tag}", op[2], bound=False))

    elif kind == "instance_del":
        target, name = world.last_set["instance"] if op[1] is None else op[1:]

        def act() -> None:
            for point in CHANGED if name is None else (name,):
                if point in vars(hook(target)):
                    delattr(hook(target), point)

    elif kind in ("class_set", "mixin_set"):
        owner = world.classes[op[1]] if kind == "class_set" else world.mixins[op[1]]
        if kind == "class_set" and op[1] > 0:  # not the own-points base: deleting its point would remove it
            world.last_set["class"] = (op[1], op[2].name)
        method = world.method(f"{owner.__name__}.{op[2].name}@{tag}", op[2], bound=True)

        def act() -> None:
            setattr(owner, op[2].name, method)

    elif kind in ("class_del", "mixin_del"):
        if kind == "class_del":
            target, name = world.last_set["class"] if op[1] is None else op[1:]
            owner = world.classes[target]
        else:
            owner, name = world.mixins[op[1]], op[2]

        def act() -> None:
            for point in CHANGED if name is None else (name,):
                if point in vars(owner):
                    delattr(owner, point)

    elif kind == "swap_class":

        def act() -> None:
            hook(op[1]).__class__ = world.classes[op[2]]

    elif kind == "counter":

        def act() -> None:
            setattr(world.runner, f"_{op[1]}", op[2])

    elif kind == "counter_public":

        def act() -> None:
            setattr(world.runner, op[1], 1)

    elif kind == "counter_read":

        def act() -> None:
            world.trace.append(("counters", [getattr(world.runner, name) for name in COUNTERS]))

    elif kind == "get_hook_info":

        def act() -> None:
            world.trace.append(("info", world.runner.get_hook_info()))

    elif kind in ("deepcopy", "pickle"):

        def act() -> None:
            copy_world(world, kind)

    elif kind == "call":
        name, style = op[1], op[2]
        if name == "on_batch":
            args, kwargs = ((), {"batch": tag}) if style == "kw" else ((tag,), {})
        else:
            args, kwargs = (), {}

        def act() -> None:
            assert world.runner.call_hook(name, *args, **kwargs) is None

    else:
        raise AssertionError(op)
    return act


def edit(world: World, kind: str, where: str, index: int, hid: int) -> Callable[[], None]:
    """An in-place edit of the runner's list, through ``runner.hooks`` or ``runner._hooks``."""

    def act() -> None:
        runner = world.runner
        hooks = runner.hooks if where == "hooks" else runner._hooks
        item = world.hooks[hid]
        if kind == "remove":
            hooks.remove(item)
        elif kind == "pop":
            hooks.pop(index)
        elif kind == "insert":
            hooks.insert(index, item)
        elif kind == "append":
            hooks.append(item)
        elif kind == "append_other":
            world.others += 1
            hooks.append(NotAHook(world.others, world.trace))
        elif kind == "iadd":
            runner._hooks += [item]
        elif kind == "slice":
            hooks[index : index + 2] = [item]
        elif kind == "sort":
            hooks.sort(key=lambda hook: -getattr(hook, "hid", -1), reverse=bool(index % 2))
        elif kind == "reverse":
            hooks.reverse()
        elif kind == "clear":
            hooks.clear()
        elif kind == "del":
            del hooks[index]
        elif kind == "setitem":
            hooks[index] = item
        elif kind == "rebind":
            runner._hooks = [world.hooks[other] for other in range(hid, len(world.hooks), 2)]
        else:
            raise AssertionError(kind)

    return act


def outcome(world: World, op: tuple[Any, ...], act: Callable[[], None]) -> tuple[Any, ...]:
    """``("ok",)``, or the exception's type and key content (exact, for the hooks' own)."""
    count = len(world.raised)
    try:
        act()
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
        build(program, world)
        if implementation == "reference":
            own = world.classes[0]
            base: type = type(
                "Reference", (ReferenceRunner,), {"own_base": own, "noop": own.__dict__["on_end"]}
            )
        else:
            base = HookRunner
        world.runner = runner_class(program.runner, base, world.trace)()
    ops: list[tuple[Any, ...]] = [("register", hook, priority) for hook, priority in program.initial]
    for op in (*program.ops, ("sweep", "pos")):  # ending with every point: the final state
        if op[0] == "sweep":  # every point in turn
            ops.extend(("call", name, op[1]) for name in (*MMCV_POINTS, *OWN_POINTS))
        else:
            ops.append(op)
            if program.warm and op[0] in CHANGES:
                ops.extend(("call", name, "pos") for name in (*MMCV_POINTS, *OWN_POINTS))
    for index, op in enumerate(ops):
        result = outcome(world, op, action(world, op, str(index)))
        world.trace.append(("op", index, result, hook_order(world.runner)))
    world.trace.append(("priorities", [getattr(hook, "priority", "none") for hook in world.hooks]))
    return world.trace


def assert_same_traces(program: Program) -> None:
    expected = run(program, "reference")
    for implementation in IMPLEMENTATIONS:
        assert run(program, implementation) == expected, implementation


# --------------------------------------------------------------------------- random programs


def method_specs(
    names: tuple[str, ...], actions: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[MethodSpec]:
    return st.builds(
        MethodSpec,
        name=st.sampled_from(names),
        raise_mod=st.sampled_from((0, 0, 0, 0, 2, 3, 7)),
        exc=st.sampled_from(tuple(EXCEPTIONS)),
        action=st.none() if actions is None else st.one_of(st.none(), st.none(), actions),
    )


@st.composite
def programs(draw: st.DrawFn) -> Program:
    mixin_count = draw(st.integers(0, 2))
    class_count = draw(st.integers(1, 5))
    hook_count = draw(st.integers(1, 6))
    hook_ids = st.integers(0, hook_count - 1)
    classes_indices = st.integers(0, class_count)
    plain_methods = method_specs(CHANGED)
    changes = st.one_of(
        st.tuples(st.just("register"), hook_ids, st.sampled_from(PRIORITIES)),
        st.tuples(st.just("unregister"), hook_ids),
        st.tuples(
            st.just("edit"),
            st.sampled_from(EDITS),
            st.sampled_from(("hooks", "_hooks")),
            st.integers(-2, 6),
            hook_ids,
        ),
        st.tuples(st.just("instance_set"), hook_ids, plain_methods),
        st.tuples(st.just("instance_del"), hook_ids, st.sampled_from((None, *CHANGED))),
        st.tuples(st.just("class_set"), classes_indices, plain_methods),
        st.tuples(st.just("class_del"), st.integers(1, class_count), st.sampled_from((None, *CHANGED))),
        st.tuples(st.just("swap_class"), hook_ids, st.sampled_from((*range(1, class_count + 1), -1))),
        st.tuples(st.just("counter"), st.sampled_from(COUNTERS), st.integers(0, 9)),
        *(
            [
                st.tuples(st.just("mixin_set"), st.integers(0, mixin_count - 1), plain_methods),
                st.tuples(st.just("mixin_del"), st.integers(0, mixin_count - 1), st.sampled_from(CHANGED)),
            ]
            if mixin_count
            else []
        ),
    )
    acting = method_specs((*CHANGED, "helper"), changes)
    mixins = tuple(
        tuple(
            draw(st.lists(method_specs(CHANGED, changes), min_size=1, max_size=3, unique_by=lambda m: m.name))
        )
        for _ in range(mixin_count)
    )
    classes = []
    for index in range(1, class_count + 1):
        parent = draw(st.sampled_from((0, -1, *range(1, index))))
        methods = tuple(draw(st.lists(acting, min_size=1, max_size=5, unique_by=lambda m: m.name)))
        mixin = draw(st.sampled_from((None, None, *range(mixin_count))))
        classes.append(ClassSpec(parent, methods, mixin))
    concrete = (*range(1, class_count + 1), -1)  # shrinking towards generated classes
    hooks = tuple(draw(st.lists(st.sampled_from(concrete), min_size=hook_count, max_size=hook_count)))
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
        calls,
        st.tuples(st.just("sweep"), st.sampled_from(("pos", "kw"))),
        st.tuples(st.just("sweep"), st.sampled_from(("pos", "kw"))),
        changes,
        changes,
        st.tuples(
            st.just("register"),
            hook_ids,
            st.one_of(st.sampled_from(PRIORITIES), st.sampled_from(BAD_PRIORITIES)),
        ),
        st.tuples(st.just("register_not_a_hook")),
        st.tuples(st.just("preset_priority"), hook_ids),
        st.just(("instance_del", None, None)),  # undo the latest instance_set
        st.just(("class_del", None, None)),  # undo the latest class_set (of a concrete class)
        st.tuples(st.just("counter_public"), st.sampled_from(COUNTERS)),
        st.just(("counter_read",)),
        st.just(("get_hook_info",)),
        st.tuples(st.sampled_from(("deepcopy", "pickle"))),
    )
    return Program(
        tuple(classes),
        hooks,
        initial,
        tuple(draw(st.lists(ops, min_size=2, max_size=30))),
        draw(st.booleans()),
        mixins,
        draw(st.sampled_from(RUNNER_KINDS)),
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
def test_random_programs_behave_as_mmcvs_loop(program: Program) -> None:
    note(repr(program))
    assert_same_traces(program)


NEVER = MethodSpec  # readability in the regressions: a method that never raises


def acts(name: str, *action: Any) -> MethodSpec:
    """A method that does ``action`` the first time it runs."""
    return MethodSpec(name, action=tuple(action))


REGRESSIONS: dict[str, Program] = {
    # mmcv's OptimizerHook beside a generic hook, registered with names, members and ints
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
            ("get_hook_info",),
        ),
    ),
    # changes after the plans were built: instance, class, class swap, deletion
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
            ("get_hook_info",),
            ("unregister", 0),
            ("unregister", 1),
            ("call", "on_end", "pos"),
            ("swap_class", 2, 1),
            ("call", "on_batch", "pos"),
        ),
    ),
    # exceptions from hooks, an AttributeError among them, names that are no point, bad registrations
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
            ("register", 1, 101),
            ("register", 1, 1.5),
            ("register", 1, True),
            ("unregister", 1),
            ("preset_priority", 1),
            ("register", 1, "HIGH"),
            ("register", 0, "HIGH"),
            ("call", "after_run", "pos"),
        ),
    ),
    # a hook replacing another in before_run, removing itself, registering before and after itself
    "changes_during_a_pass": Program(
        classes=(
            ClassSpec(-1, (acts("before_run", "edit", "setitem", "_hooks", 1, 3), NEVER("after_iter"))),
            ClassSpec(-1, (NEVER("before_run"), acts("after_train_iter", "edit", "remove", "hooks", 0, 1))),
            ClassSpec(-1, (acts("after_run", "register", 3, "HIGHEST"), NEVER("after_iter"))),
            ClassSpec(-1, (NEVER("after_run"), NEVER("after_train_iter"), NEVER("before_run"))),
        ),
        hooks=(1, 2, 3, 4),
        initial=((0, "HIGH"), (1, "NORMAL"), (2, "LOW")),
        ops=(
            ("call", "before_run", "pos"),
            ("call", "after_train_iter", "pos"),
            ("call", "after_train_iter", "pos"),
            ("call", "after_run", "pos"),
            ("call", "after_run", "pos"),
        ),
    ),
    # a later hook's point, and a mixin's, reassigned during the pass
    "points_reassigned_during_a_pass": Program(
        classes=(
            ClassSpec(-1, (acts("after_iter", "instance_set", 1, NEVER("after_train_iter")),)),
            ClassSpec(-1, (NEVER("before_run"),), mixin=0),
            ClassSpec(-1, (acts("after_run", "mixin_set", 0, NEVER("after_run")),)),
        ),
        hooks=(1, 2, 3, 2),
        initial=((0, "HIGH"), (1, "NORMAL"), (2, "HIGH"), (3, "LOW")),
        ops=(("call", "after_train_iter", "pos"), ("call", "after_run", "pos"), ("call", "after_run", "pos")),
        mixins=((NEVER("after_epoch"),),),
    ),
    # copies and pickles, then changes the copies must see; counters; a runner overriding call_hook
    "copies_counters_and_overrides": Program(
        classes=(ClassSpec(-1, (NEVER("after_train_iter"),)), ClassSpec(-1, ())),
        hooks=(1, 2),
        initial=((0, "HIGH"), (1, "LOW")),
        ops=(
            ("call", "after_train_iter", "pos"),
            ("counter", "iter", 3),
            ("pickle",),
            ("counter_read",),
            ("class_set", 2, NEVER("after_iter")),
            ("call", "after_train_iter", "pos"),
            ("deepcopy",),
            ("instance_set", 0, NEVER("after_train_iter")),
            ("call", "after_train_iter", "pos"),
            ("counter_public", "epoch"),
            ("counter_read",),
        ),
        runner="derived",
    ),
    # The only hook that has an own point removes itself during a pass at that point: the plan
    # built for the rest of the pass must not make the point a point at the next pass, where none
    # of the hooks has it any more (mmcv's loop: AttributeError at the first hook).
    "own_point_whose_only_hook_removed_itself": Program(
        classes=(ClassSpec(-1, (NEVER("before_run"),)), ClassSpec(0, (NEVER("before_run"),), mixin=0)),
        hooks=(2, 1, 1),
        initial=((0, "NORMAL"), (1, "NORMAL"), (2, "NORMAL")),
        ops=(("call", "on_batch", "pos"), ("call", "on_batch", "pos"), ("call", "on_end", "pos")),
        mixins=((acts("on_batch", "unregister", 0),),),
    ),
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_regressions(name: str) -> None:
    assert_same_traces(REGRESSIONS[name])
