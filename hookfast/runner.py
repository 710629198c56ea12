"""An mmcv-style hook runner: a runner owns the flow and calls priority-ordered hook objects at named points.

hookfast's second hook design, mmcv's (``Hook`` / ``Runner.register_hook`` /
``call_hook``): code written for mmcv ports by changing the import::

    from hookfast.runner import Hook, HookRunner

    class OptimizerHook(Hook):
        def after_train_iter(self, runner):
            runner.optimizer.step()

    class Runner(HookRunner):
        def train(self):
            self.call_hook("before_run")
            ...

    runner = Runner()
    runner.register_hook(OptimizerHook(), priority="HIGH")
    runner.call_hook("after_train_iter")

A call is mmcv's loop ``for hook in self._hooks: getattr(hook, fn_name)(self)``, over the live
``runner._hooks`` with a list iterator's semantics, so that edits of the list and of the hooks'
classes are seen as mmcv's loop sees them, even in the middle of a call. What each position calls
comes from a plan computed once per point, which leaves out the hooks whose method there is a
default that does nothing, so a point costs only the hooks that do something; each position's
entry is checked before use (see "Plans" below). The loop itself is in the dispatch backend's
runner twin (``_runner_c.pyx`` / ``_runner_py.py``). See ``docs/runner.md``.
"""

from __future__ import annotations

import contextlib
import weakref
from enum import Enum
from types import FunctionType

from hookfast import _dispatch

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

    from hookfast._interfaces import RunnerBackend

__all__ = ["Hook", "HookRunner", "Priority", "get_priority", "points_of"]


class Priority(Enum):
    """mmcv's hook priorities: lower runs first; hooks of equal priority run in registration order.

    A plain ``Enum``, as mmcv's: members are not ints (``Priority.HIGH == 30`` is false); their
    ``value`` is the int.
    """

    HIGHEST = 0
    VERY_HIGH = 10
    HIGH = 30
    ABOVE_NORMAL = 40
    NORMAL = 50
    BELOW_NORMAL = 60
    LOW = 70
    VERY_LOW = 90
    LOWEST = 100


def get_priority(priority: int | str | Priority) -> int:
    """mmcv's ``get_priority``: the int value of a priority given as an int, a :class:`Priority` or its name.

    An int from 0 to 100 is returned as is (a bool too: it is an int); a member gives its value; a
    name, in any case, gives its member's value.

    Raises:
        ValueError: an int outside 0..100.
        KeyError: an unknown name (mmcv's ``Priority[name.upper()]``).
        TypeError: anything else (a float, None, ...).
    """
    if isinstance(priority, int):
        if priority < 0 or priority > 100:
            raise ValueError(f"priority must be between 0 and 100, got {priority!r}")
        return priority
    if isinstance(priority, Priority):
        return int(priority.value)
    if isinstance(priority, str):
        try:
            return int(Priority[priority.upper()].value)
        except KeyError:
            names = ", ".join(member.name for member in Priority)
            raise KeyError(
                f"unknown priority name {priority!r}; use one of {names} (any case), a Priority member "
                "or an int from 0 to 100"
            ) from None
    raise TypeError(
        f"priority must be an int from 0 to 100, a Priority member or its name, got {priority!r} "
        f"({type(priority).__name__})"
    )


# ---------------------------------------------------------------------------------------------
# Points and their defaults

#: the points each ``base=True`` class declares, in its body's order (kept here, not on the class:
#: a hook's attributes are its author's)
_declared: weakref.WeakKeyDictionary[type, tuple[str, ...]] = weakref.WeakKeyDictionary()
#: the defaults of the point-declaring classes: a function -> None (it does nothing) or the name
#: of the point it forwards to (``Hook.after_train_iter`` -> ``"after_iter"``)
_defaults: weakref.WeakKeyDictionary[FunctionType, str | None] = weakref.WeakKeyDictionary()
_DOES_SOMETHING = object()
#: what a runner calls depends on these attributes of a hook: every declared point, the class and
#: the instance dict; Hook.__setattr__ / __delattr__ report a change to one of them
_watched: set[str] = {"__class__", "__dict__"}
#: the runner twins imported so far: each keeps the generation its plans are checked against
_twins: list[RunnerBackend] = []


def _does_nothing(function: FunctionType) -> bool:
    """Whether ``function``'s body is empty (``pass``, a docstring, ``...``, ``return None``)."""
    import dis  # only when a class declares points

    if function.__code__.co_flags & 0x2A0:  # a generator, coroutine or async generator function
        return False
    steps = [
        (instruction.opname, instruction.argval)
        for instruction in dis.get_instructions(function)
        if instruction.opname not in ("RESUME", "NOP", "CACHE")
    ]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def _points_changed() -> None:
    """A point attribute of some hook was set or deleted: every plan is rebuilt where next used."""
    for twin in _twins:
        twin.points_changed()


class Hook:
    """The base of hooks: every point is a method that does nothing; a hook overrides what it needs.

    mmcv's points: ``before_run``, ``after_run``, ``before_epoch``, ``after_epoch``,
    ``before_iter``, ``after_iter`` do nothing; ``before/after_train/val_epoch`` forward to
    ``before/after_epoch`` and ``before/after_train/val_iter`` to ``before/after_iter`` (a hook
    overriding ``after_iter`` runs at ``after_train_iter`` and ``after_val_iter``).

    A plain class, as mmcv's: any metaclass combines with it, and its public names are mmcv's.
    ``class MyPoints(Hook, base=True)`` declares a project's own points: every public function of
    its body is a point, and its body is the default. :func:`points_of` lists a class's points.
    """

    #: mmcv's stages, in the order a training run reaches them
    stages: tuple[str, ...] = (
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

    def __init_subclass__(cls, base: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not base:
            return
        declared = []
        for name, value in cls.__dict__.items():
            if type(value) is FunctionType and not name.startswith("_"):
                declared.append(name)
                _defaults[value] = None if _does_nothing(value) else _DOES_SOMETHING  # type: ignore[assignment]
        _declared[cls] = tuple(declared)
        _watched.update(declared)

    def before_run(self, runner: Any) -> None:
        """Called once, before the run starts."""

    def after_run(self, runner: Any) -> None:
        """Called once, after the run ends."""

    def before_epoch(self, runner: Any) -> None:
        """Called before every epoch, training or validation."""

    def after_epoch(self, runner: Any) -> None:
        """Called after every epoch, training or validation."""

    def before_iter(self, runner: Any) -> None:
        """Called before every iteration, training or validation."""

    def after_iter(self, runner: Any) -> None:
        """Called after every iteration, training or validation."""

    def before_train_epoch(self, runner: Any) -> None:
        self.before_epoch(runner)

    def before_val_epoch(self, runner: Any) -> None:
        self.before_epoch(runner)

    def after_train_epoch(self, runner: Any) -> None:
        self.after_epoch(runner)

    def after_val_epoch(self, runner: Any) -> None:
        self.after_epoch(runner)

    def before_train_iter(self, runner: Any) -> None:
        self.before_iter(runner)

    def before_val_iter(self, runner: Any) -> None:
        self.before_iter(runner)

    def after_train_iter(self, runner: Any) -> None:
        self.after_iter(runner)

    def after_val_iter(self, runner: Any) -> None:
        self.after_iter(runner)

    # mmcv's helpers, reading the same runner attributes as mmcv

    def every_n_epochs(self, runner: Any, n: int) -> bool:
        """Whether the current epoch (``runner.epoch``, from 0) ends a block of ``n`` epochs."""
        return (runner.epoch + 1) % n == 0 if n > 0 else False

    def every_n_inner_iters(self, runner: Any, n: int) -> bool:
        """Whether the iteration within the epoch (``runner.inner_iter``) ends a block of ``n``."""
        return (runner.inner_iter + 1) % n == 0 if n > 0 else False

    def every_n_iters(self, runner: Any, n: int) -> bool:
        """Whether the iteration (``runner.iter``, from 0) ends a block of ``n`` iterations."""
        return (runner.iter + 1) % n == 0 if n > 0 else False

    def end_of_epoch(self, runner: Any) -> bool:
        """Whether ``runner.inner_iter`` is the last iteration of ``runner.data_loader``."""
        return bool(runner.inner_iter + 1 == len(runner.data_loader))

    def is_last_epoch(self, runner: Any) -> bool:
        """Whether ``runner.epoch`` is the last of ``runner._max_epochs``."""
        return bool(runner.epoch + 1 == runner._max_epochs)

    def is_last_iter(self, runner: Any) -> bool:
        """Whether ``runner.iter`` is the last of ``runner._max_iters``."""
        return bool(runner.iter + 1 == runner._max_iters)

    def get_triggered_stages(self) -> list[str]:
        """mmcv's: the stages at which this hook's class overrides the method or its generic one."""
        triggered = {stage for stage in Hook.stages if _overridden(stage, self)}
        for method, stages in _GENERIC_STAGES.items():
            if _overridden(method, self):
                triggered.update(stages)
        return [stage for stage in Hook.stages if stage in triggered]

    # Setting or deleting a point on a hook changes what runners call: that is how they see it
    # without looking into every hook's __dict__ at every call (see docs/runner.md).

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _watched:
            _points_changed()

    def __delattr__(self, name: str) -> None:
        super().__delattr__(name)
        if name in _watched:
            _points_changed()


_GENERIC_STAGES = {
    "before_epoch": ("before_train_epoch", "before_val_epoch"),
    "after_epoch": ("after_train_epoch", "after_val_epoch"),
    "before_iter": ("before_train_iter", "before_val_iter"),
    "after_iter": ("after_train_iter", "after_val_iter"),
}
#: Hook's points, in mmcv's declaration order: every hook (every object, even) has them
_HOOK_POINTS = (
    "before_run",
    "after_run",
    *_GENERIC_STAGES,
    *(stage for stages in _GENERIC_STAGES.values() for stage in stages),
)
_HOOK_POINT_SET = frozenset(_HOOK_POINTS)
#: Hook's forwarding defaults: stage -> the generic point its default calls
_FORWARDS = {stage: generic for generic, stages in _GENERIC_STAGES.items() for stage in stages}


def _overridden(method: str, hook: Hook) -> bool:
    # mmcv's is_method_overridden(method, Hook, hook)
    return bool(getattr(type(hook), method) != getattr(Hook, method))


def _declare_hook_points() -> None:
    for name in ("before_run", "after_run", *_GENERIC_STAGES):
        _defaults[Hook.__dict__[name]] = None
    for stage, generic in _FORWARDS.items():
        _defaults[Hook.__dict__[stage]] = generic
    _watched.update(_HOOK_POINTS)


_declare_hook_points()


def points_of(hook_or_class: object) -> tuple[str, ...]:
    """The points of a hook or hook class, in declaration order: Hook's 14, then its own points.

    Own points are those declared by the ``base=True`` classes in its MRO. An object that is no
    :class:`Hook` has Hook's points only.
    """
    cls = hook_or_class if isinstance(hook_or_class, type) else type(hook_or_class)
    declared = [name for klass in reversed(cls.__mro__) for name in _declared.get(klass, ())]
    return tuple(dict.fromkeys([*_HOOK_POINTS, *declared]))


def _declares(cls: type, name: str) -> bool:
    """Whether ``name`` is one of ``points_of(cls)``."""
    return name in _HOOK_POINT_SET or any(name in _declared.get(klass, ()) for klass in cls.__mro__)


# ---------------------------------------------------------------------------------------------
# Plans: what a runner calls at a point, position by position of its hook list
#
# mmcv's call_hook is ``for hook in self._hooks: getattr(hook, fn_name)(self)``. The twins run
# that loop over the live list, with mmcv's list-iterator semantics, but for each position they use
# a plan computed once: the function to call with the hook (or without it: an instance
# attribute), or nothing when the hook's method there is a default that does nothing. A position's
# entry is used while it is still what the plan says: the same hook object of the same class at
# that index, no point attribute set on a hook since (the generation), and the hook's class still
# resolving the point to what it did (its witness; the compiled twin first compares the type's
# version tag, which CPython changes whenever the type or any of its bases changes). Otherwise the
# plan is rebuilt (a different hook, class or generation: reading the hooks' __dict__ again) or the
# position alone is decided again (a different witness).

_PLANS = "_hookfast_calls"  # the runner's instance-dict key for its plans (a _Plans)
#: a hook's __dict__ lacks the name (in a plan's instance snapshot)
_ABSENT = object()
#: a witness: getattr(hook class, point) raised AttributeError
_MISSING = object()
#: a witness that is not part of a position's decision
_UNUSED = object()
_OBJECT_GETATTRIBUTE = object.__dict__["__getattribute__"]


class _LookUp:
    """Calls ``getattr(hook, name)`` at every call, as mmcv does: for a point that is not a plain method."""

    __slots__ = ("hook", "name")

    def __init__(self, hook: object, name: str) -> None:
        self.hook = hook
        self.name = name

    def __call__(self, runner: Any, *args: Any, **kwargs: Any) -> None:
        getattr(self.hook, self.name)(runner, *args, **kwargs)


class _Plans(dict):  # type: ignore[type-arg]
    """A runner's plans by point name: a cache, so a copy or a pickle of the runner starts empty."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type[_Plans], tuple[()]]:
        return (_Plans, ())

    def __copy__(self) -> _Plans:
        return _Plans()

    def __deepcopy__(self, memo: dict[int, Any]) -> _Plans:
        return _Plans()


def _raw(cls: type, name: str) -> Any:
    """What ``cls`` resolves ``name`` to through its MRO, before any descriptor; _ABSENT if nothing."""
    for klass in cls.__mro__:
        namespace = klass.__dict__
        if name in namespace:
            return namespace[name]
    return _ABSENT


def _witness(cls: type, name: str) -> Any:
    return getattr(cls, name, _MISSING)


def _instance(hook: object, name: str, forward: str | None) -> tuple[Any, Any]:
    """The hook's own ``name`` and ``forward`` attributes (its __dict__'s), or _ABSENT."""
    try:
        namespace = object.__getattribute__(hook, "__dict__")
    except AttributeError:  # __slots__ and no __dict__
        return _ABSENT, _ABSENT
    return namespace.get(name, _ABSENT), namespace.get(forward, _ABSENT) if forward else _ABSENT


def _decide(hook: object, name: str, forward: str | None, instance: tuple[Any, Any]) -> tuple[Any, ...]:
    """``(function, self, witness, forward witness)`` of ``hook`` at point ``name``.

    ``function`` is None when mmcv's ``getattr(hook, name)(runner)`` would call a default that does
    nothing, or when the hook's class lacks the point (an own point of other hooks); else the
    runner calls ``function(self, runner, ...)``, or ``function(runner, ...)`` if ``self`` is None.
    ``instance`` is the hook's own ``name`` and ``forward`` attributes when the plan was built.
    """
    cls = type(hook)
    witness = _witness(cls, name)
    if not _declares(cls, name):  # the witness still tells when the class may have got the point
        return None, None, witness, _UNUSED
    found = _raw(cls, name)
    data_descriptor = hasattr(type(found), "__set__") or hasattr(type(found), "__delete__")
    if _raw(cls, "__getattribute__") is not _OBJECT_GETATTRIBUTE or data_descriptor:
        return _LookUp(hook, name), None, witness, _UNUSED  # getattr would not read what we read
    own, own_forward = instance
    if own is not _ABSENT:
        return (_LookUp(hook, name) if own is None else own), None, witness, _UNUSED
    if type(found) is not FunctionType:
        return _LookUp(hook, name), None, witness, _UNUSED  # a descriptor, or nothing: as getattr would
    default = _defaults.get(found, _DOES_SOMETHING)
    if default is None:
        return None, None, witness, _UNUSED
    if not isinstance(default, str) or default != forward or own_forward is not _ABSENT:
        return found, hook, witness, _UNUSED
    # a forwarding default calls the generic point: it does nothing if that is a default that does
    target = _raw(cls, default)
    skip = type(target) is FunctionType and _defaults.get(target, _DOES_SOMETHING) is None
    return (None if skip else found), (None if skip else hook), witness, _witness(cls, default)


def _build(backend: RunnerBackend, hooks: list[Any], name: str) -> Any:
    """The plan of point ``name`` for the hook list ``hooks``, as it is now."""
    snapshot = tuple(hooks)
    types = tuple([type(hook) for hook in snapshot])
    forward = _FORWARDS.get(name)
    instance = tuple([_instance(hook, name, forward) for hook in snapshot])
    functions: list[Any] = []
    selves: list[Any] = []
    witnesses: list[Any] = []
    forward_witnesses: list[Any] = []
    for hook, state in zip(snapshot, instance):
        function, self, witness, forward_witness = _decide(hook, name, forward, state)
        functions.append(function)
        selves.append(self)
        witnesses.append(witness)
        forward_witnesses.append(forward_witness)
    own = name not in _HOOK_POINT_SET
    return backend.Plan(
        hooks, snapshot, types, functions, selves, witnesses, forward_witnesses, instance, forward, own
    )


def _hooks_of(runner: Any) -> Any:
    """``runner._hooks``; a runner whose __init__ did not run gets an empty list there."""
    state = getattr(runner, "__dict__", None)
    if state is not None and "_hooks" in state:
        return state["_hooks"]
    try:
        return runner._hooks
    except AttributeError:
        if state is None:
            raise
    return state.setdefault("_hooks", [])


def _keep(runner: Any, name: str, plan: Any) -> None:
    """Store ``plan`` among the runner's plans, if it is a plan of the runner's current list."""
    state = getattr(runner, "__dict__", None)
    if state is None or state.get("_hooks") is not plan.hooks_list or not isinstance(name, str):
        return
    plans = state.get(_PLANS)
    if type(plans) is not _Plans:
        plans = state[_PLANS] = _Plans()
    plans[name] = plan


def _lacks(hook: object, name: object) -> bool:
    """Whether ``getattr(hook, name)`` cannot find anything: no attribute, no ``__getattr__``."""
    if not isinstance(name, str):
        return False
    cls = type(hook)
    if _raw(cls, name) is not _ABSENT or _raw(cls, "__getattr__") is not _ABSENT:
        return False
    if _raw(cls, "__getattribute__") is not _OBJECT_GETATTRIBUTE:
        return False
    return _instance(hook, name, None)[0] is _ABSENT


def _unknown_point(runner: Any, fn_name: object, hooks: Any) -> Exception:
    if not isinstance(fn_name, str):
        return TypeError(f"call_hook() takes the name of a point as a str, got {fn_name!r}")
    import difflib

    known = sorted({name for hook in [Hook, *hooks] for name in points_of(hook)})
    close = difflib.get_close_matches(fn_name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the points are {', '.join(known)}"
    return AttributeError(
        f"{type(runner).__qualname__}.call_hook({fn_name!r}): neither a point nor an attribute of the "
        f"registered hooks{hint}"
    )


class _Builder:
    """What a runner twin's ``call_hook`` calls off its fast path (one per twin; see ``_runner_py.py``)."""

    __slots__ = ("backend", "missing", "unused")

    def __init__(self, backend: RunnerBackend) -> None:
        self.backend = backend
        #: the witnesses' markers, which the twins compare with
        self.missing = _MISSING
        self.unused = _UNUSED

    def start(self, runner: Any, fn_name: Any) -> Any:
        """The plan a pass starts with (built now), or None: not a point, call :meth:`slow`."""
        hooks = _hooks_of(runner)
        if not isinstance(hooks, list) or not isinstance(fn_name, str):
            return None
        if fn_name not in _HOOK_POINT_SET and not any(_declares(type(hook), fn_name) for hook in hooks):
            return None  # an own point of none of the hooks: mmcv's loop, or unknown
        plan = _build(self.backend, hooks, fn_name)
        _keep(runner, fn_name, plan)
        return plan

    def rebuild(self, runner: Any, fn_name: str, hooks: list[Any]) -> Any:
        """The plan for ``hooks`` as they are now, in the middle of a pass over them."""
        plan = _build(self.backend, hooks, fn_name)
        # Whether an own point is a point is decided when a pass starts (by start), from the hooks
        # then: a plan built mid-pass for a list where none has it must not pass for decided.
        if not plan.own or any(_declares(type(hook), fn_name) for hook in hooks):
            _keep(runner, fn_name, plan)
        return plan

    def renew(self, runner: Any, plan: Any, fn_name: str, hooks: list[Any], index: int) -> Any:
        """The plan to use at position ``index``, whose hook's class may have changed.

        The same plan, with that position decided again if its class no longer resolves the point
        as it did (its witnesses); a new plan if the hook there is now of another class.
        """
        cls = plan.types[index]
        if type(plan.hooks[index]) is not cls:  # hook.__class__ assigned past Hook.__setattr__
            return self.rebuild(runner, fn_name, hooks)
        witness, forward_witness = plan.witness_n[index], plan.witness_g[index]
        if _witness(cls, fn_name) is witness and (
            forward_witness is _UNUSED or _witness(cls, plan.forward) is forward_witness
        ):
            return plan
        plan.decide(index, *_decide(plan.hooks[index], fn_name, plan.forward, plan.instance[index]))
        return plan

    def slow(self, runner: Any, fn_name: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """mmcv's loop itself: a name that is no point of the hooks, or a ``_hooks`` that is no list."""
        hooks = _hooks_of(runner)
        if isinstance(hooks, list) and not hooks:
            raise _unknown_point(runner, fn_name, hooks)  # mmcv's loop would do nothing
        for hook in hooks:
            try:
                method = getattr(hook, fn_name)
            except AttributeError:
                if _lacks(hook, fn_name):
                    raise _unknown_point(runner, fn_name, hooks) from None
                raise
            method(runner, *args, **kwargs)


#: backend name -> what a runner class holds as call_hook for that backend
_call_hooks: dict[str, Callable[..., None]] = {}


def _call_hook_of_current_backend() -> Callable[..., None]:
    backend: RunnerBackend = _dispatch.runner_backend()
    loop = _call_hooks.get(backend.BACKEND)
    if loop is None:
        loop = _call_hooks[backend.BACKEND] = backend.CallHook(_Builder(backend)).callable
        _twins.append(backend)
    return loop


class HookRunner:
    """The base of runners: registers hooks by priority and calls them at points with :meth:`call_hook`.

    Subclass it and call ``self.call_hook("before_run")`` and the other points from the flow you
    own. Calling ``HookRunner.__init__`` from a subclass's ``__init__`` is optional.
    """

    # mmcv's counters, which a runner's loop writes (``self._iter += 1``) and hooks read through the
    # read-only properties below; class-level defaults, since calling __init__ is optional
    _epoch: int = 0
    _iter: int = 0
    _inner_iter: int = 0
    _max_epochs: int | None = None
    _max_iters: int | None = None

    def __init__(self) -> None:
        self._hooks: list[Hook] = []
        self._epoch = 0
        self._iter = 0
        self._inner_iter = 0
        self._max_epochs = None
        self._max_iters = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited = next(
            (k.__dict__["call_hook"] for k in cls.__mro__[1:] if "call_hook" in k.__dict__), None
        )
        if "call_hook" not in cls.__dict__ and any(inherited is loop for loop in _call_hooks.values()):
            # The class would call hookfast's loop: give it the loop of the dispatch backend current
            # now (tests switch it per test). A call_hook of its own, of a runner class it derives
            # from or of a mixin before HookRunner in its MRO is left alone, as Python would.
            cls.call_hook = _call_hook_of_current_backend()  # type: ignore[method-assign]

    if TYPE_CHECKING:

        def call_hook(self, fn_name: str, /, *args: Any, **kwargs: Any) -> None:
            """mmcv's ``for hook in self._hooks: getattr(hook, fn_name)(self, *args, **kwargs)``.

            The list is the live ``self._hooks``: edits made during the call are seen as mmcv's
            loop sees them. Hooks whose method at that point is a default that does nothing are
            not called. An exception raised by a hook propagates, and the hooks after it do not run.

            Raises:
                AttributeError: the runner has no hooks and ``fn_name`` is no point, or the first
                    hook has no attribute ``fn_name``.
            """

    @property
    def hooks(self) -> list[Hook]:
        """The registered hooks in call order: the runner's own list (``_hooks``), as in mmcv."""
        hooks: list[Hook] = _hooks_of(self)
        return hooks

    @property
    def epoch(self) -> int:
        """The current epoch, from 0 (``_epoch``, which the runner's loop writes)."""
        return self._epoch

    @property
    def iter(self) -> int:
        """The current iteration, from 0, counted across epochs (``_iter``)."""
        return self._iter

    @property
    def inner_iter(self) -> int:
        """The iteration within the current epoch, from 0 (``_inner_iter``)."""
        return self._inner_iter

    @property
    def max_epochs(self) -> int | None:
        """The number of epochs to train (``_max_epochs``), or None."""
        return self._max_epochs

    @property
    def max_iters(self) -> int | None:
        """The number of iterations to train (``_max_iters``), or None."""
        return self._max_iters

    def register_hook(self, hook: Hook, priority: int | str | Priority = "NORMAL") -> None:
        """mmcv's: insert ``hook`` by priority (lower first, registration order among equals).

        Sets ``hook.priority`` to what :func:`get_priority` gives.

        Raises:
            AssertionError: ``hook`` is not a :class:`Hook` (mmcv asserts it).
            ValueError: ``hook`` already has a ``priority`` attribute (registered already, here or
                elsewhere), or ``priority`` is an int outside 0..100.
            KeyError: ``priority`` is an unknown name.
            TypeError: ``priority`` is neither an int, a :class:`Priority` nor a str.
        """
        if not isinstance(hook, Hook):
            raise AssertionError(
                f"register_hook() takes a hookfast.runner.Hook, got {hook!r}: subclass Hook and "
                "override the points the hook needs"
            )
        hooks: list[Hook] = _hooks_of(self)
        if hasattr(hook, "priority"):
            if any(registered is hook for registered in hooks):
                reason = f"{hook!r} is already registered with this runner (priority {hook.priority!r}); "
                reason += "unregister_hook() it first to register it again"
            else:
                reason = (
                    f"{type(hook).__qualname__} instance {hook!r} already has one ({hook.priority!r}); "
                    "rename that attribute, or unregister the hook from the runner it is registered with"
                )
            raise ValueError(f'"priority" is a reserved attribute for hooks: {reason}')
        value = get_priority(priority)
        # mmcv's insertion: after the last hook of lower or equal priority (found before anything
        # changes, so that a hook without a priority in the list leaves nothing half-registered)
        index = 0
        for i in range(len(hooks) - 1, -1, -1):
            if value >= hooks[i].priority:  # type: ignore[attr-defined]
                index = i + 1
                break
        hook.priority = value
        hooks.insert(index, hook)

    def unregister_hook(self, hook: Hook) -> None:
        """Remove ``hook`` from the list and delete its ``priority`` attribute.

        Raises:
            ValueError: ``hook`` is not in this runner's list.
        """
        hooks: list[Hook] = _hooks_of(self)
        index = next((i for i, registered in enumerate(hooks) if registered is hook), None)
        if index is None:
            raise ValueError(f"{hook!r} is not registered with this runner: nothing to unregister")
        del hooks[index]
        with contextlib.suppress(AttributeError):  # deleted by its owner already
            del hook.priority  # type: ignore[attr-defined]

    def get_hook_info(self) -> str:
        """mmcv's table of the hooks each stage (then each own point) calls, in call order."""
        hooks = self.hooks
        own_points = [
            name
            for name in dict.fromkeys(p for hook in hooks for p in points_of(hook))
            if name not in _HOOK_POINT_SET
        ]
        stage_hooks: dict[str, list[str]] = {stage: [] for stage in (*Hook.stages, *own_points)}
        for hook in hooks:
            try:
                priority = Priority(hook.priority).name  # type: ignore[attr-defined]
            except ValueError:
                priority = hook.priority  # type: ignore[attr-defined]
            line = f"({priority:<12}) {hook.__class__.__name__:<35}"
            triggered = hook.get_triggered_stages()
            for name in own_points:
                forward = _FORWARDS.get(name)
                if _decide(hook, name, forward, _instance(hook, name, forward))[0] is not None:
                    triggered.append(name)
            for stage in triggered:
                stage_hooks[stage].append(line)
        blocks = [
            f"{stage}:\n" + "\n".join(lines) + "\n -------------------- "
            for stage, lines in stage_hooks.items()
            if lines
        ]
        return "\n".join(blocks)


HookRunner.call_hook = _call_hook_of_current_backend()  # type: ignore[method-assign]
