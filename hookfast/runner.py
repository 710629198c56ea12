"""An mmcv-style hook runner: a runner owns the flow and calls priority-ordered hook objects at named points.

The second hook design of hookfast's seeds (mmcv's ``Hook`` / ``Runner.register_hook`` /
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

A call does what mmcv's loop ``for hook in self._hooks: getattr(hook, fn_name)(self)`` does, but
over a call list computed once per point: hooks whose method at that point is a default that does
nothing are left out, so a point costs only the hooks that do something. The list is recomputed
after ``register_hook`` / ``unregister_hook`` and after a point method of a hook or a ``Hook``
class is assigned or deleted. The loop itself is in the dispatch backend's runner twin
(``_runner_c.pyx`` / ``_runner_py.py``). See ``docs/runner.md``.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from abc import ABCMeta
from enum import Enum
from types import FunctionType, MethodType

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
# Points, defaults, and what invalidates the runners' call lists

#: the points each ``base=True`` class declares, in its body's order (kept here, not on the class:
#: a hook's attributes are its author's)
_declared: weakref.WeakKeyDictionary[type, tuple[str, ...]] = weakref.WeakKeyDictionary()
#: every declared point name, and ``__class__``: assigning one of these on a hook (or a point on a
#: Hook class) invalidates every runner's call lists
_watched: set[str] = {"__class__"}
#: the defaults of the point-declaring classes: a function -> None (it does nothing) or the name
#: of the point it forwards to (``Hook.after_train_iter`` -> ``"after_iter"``)
_defaults: weakref.WeakKeyDictionary[FunctionType, str | None] = weakref.WeakKeyDictionary()
_DOES_SOMETHING = object()
#: runners holding call lists (``runner._hookfast_calls``), weakly
_runners: weakref.WeakSet[Any] = weakref.WeakSet()
_lock = threading.RLock()


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
    """A point method changed somewhere: every runner recomputes its call lists on its next calls."""
    with _lock:
        for runner in list(_runners):
            calls = getattr(runner, "_hookfast_calls", None)
            if type(calls) is dict:
                calls.clear()


class _HookMeta(ABCMeta):
    """Watches point methods assigned to or deleted from ``Hook`` classes after their creation.

    Derived from ``ABCMeta`` so that ``class MyHook(Hook, ABC)`` still works.
    """

    def __setattr__(cls, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in _watched:
            _points_changed()

    def __delattr__(cls, name: str) -> None:
        super().__delattr__(name)
        if name in _watched:
            _points_changed()


class Hook(metaclass=_HookMeta):
    """The base of hooks: every point is a method that does nothing; a hook overrides what it needs.

    mmcv's points: ``before_run``, ``after_run``, ``before_epoch``, ``after_epoch``,
    ``before_iter``, ``after_iter`` do nothing; ``before/after_train/val_epoch`` forward to
    ``before/after_epoch`` and ``before/after_train/val_iter`` to ``before/after_iter`` (a hook
    overriding ``after_iter`` runs at ``after_train_iter`` and ``after_val_iter``).

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
        declared = []
        if base:
            for name, value in cls.__dict__.items():
                if type(value) is FunctionType and not name.startswith("_"):
                    declared.append(name)
                    _defaults[value] = None if _does_nothing(value) else _DOES_SOMETHING  # type: ignore[assignment]
        if declared:
            with _lock:
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

    # Assigning or deleting a point method on a hook changes what runners must call.

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in _watched:
            _points_changed()

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        if name in _watched:
            _points_changed()


_GENERIC_STAGES = {
    "before_epoch": ("before_train_epoch", "before_val_epoch"),
    "after_epoch": ("after_train_epoch", "after_val_epoch"),
    "before_iter": ("before_train_iter", "before_val_iter"),
    "after_iter": ("after_train_iter", "after_val_iter"),
}


def _overridden(method: str, hook: Hook) -> bool:
    # mmcv's is_method_overridden(method, Hook, hook)
    return bool(getattr(type(hook), method) != getattr(Hook, method))


def _declare_hook_points() -> None:
    names = ("before_run", "after_run", *_GENERIC_STAGES)
    for name in names:
        _defaults[Hook.__dict__[name]] = None
    for generic, stages in _GENERIC_STAGES.items():
        for stage in stages:
            _defaults[Hook.__dict__[stage]] = generic
    _watched.update(_HOOK_POINTS)


#: Hook's points, in mmcv's declaration order: every hook (every object, even) has them
_HOOK_POINTS = (
    "before_run",
    "after_run",
    *_GENERIC_STAGES,
    *(stage for stages in _GENERIC_STAGES.values() for stage in stages),
)
_declare_hook_points()


def points_of(hook_or_class: object) -> tuple[str, ...]:
    """The points of a hook or hook class, in declaration order: Hook's 14, then its own points.

    Own points are those declared by the ``base=True`` classes in its MRO. An object that is no
    :class:`Hook` has Hook's points only.
    """
    cls = hook_or_class if isinstance(hook_or_class, type) else type(hook_or_class)
    declared = [name for klass in reversed(cls.__mro__) for name in _declared.get(klass, ())]
    return tuple(dict.fromkeys([*_HOOK_POINTS, *declared]))


# ---------------------------------------------------------------------------------------------
# Call lists


class _LookUp:
    """Calls ``getattr(hook, name)`` at every call: for a point that is not a plain function."""

    __slots__ = ("hook", "name")

    def __init__(self, hook: Hook, name: str) -> None:
        self.hook = hook
        self.name = name

    def __call__(self, runner: Any, *args: Any, **kwargs: Any) -> None:
        getattr(self.hook, self.name)(runner, *args, **kwargs)


def _class_attribute(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def _call_of(hook: Hook, point: str) -> Callable[..., Any] | None:
    """What calling ``hook`` at ``point`` amounts to, or None if it does nothing or lacks the point."""
    cls = type(hook)
    if point not in points_of(cls):
        return None
    own = getattr(hook, "__dict__", None)
    if own is not None and point in own:
        return own[point]  # type: ignore[no-any-return]  # what getattr(hook, point) gives
    if cls.__getattribute__ is not object.__getattribute__:
        return _LookUp(hook, point)
    found = _class_attribute(cls, point)
    if type(found) is not FunctionType:
        return _LookUp(hook, point)  # a descriptor other than a function: as getattr would
    default = _defaults.get(found, _DOES_SOMETHING)
    if default is None:
        return None  # a default that does nothing
    if default is not _DOES_SOMETHING and _call_of(hook, default) is None:  # type: ignore[arg-type]
        return None  # a forwarding default to a method that does nothing
    return MethodType(found, hook)


def _unknown_point(runner: HookRunner, fn_name: object, hooks: list[Hook]) -> Exception:
    if not isinstance(fn_name, str):
        return TypeError(f"call_hook() takes the name of a point as a str, got {fn_name!r}")
    import difflib

    known = sorted({name for hook in [Hook, *hooks] for name in points_of(hook)})
    close = difflib.get_close_matches(fn_name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the points are {', '.join(known)}"
    return AttributeError(
        f"{type(runner).__qualname__}.call_hook({fn_name!r}): no registered hook's class declares a point "
        f"named {fn_name!r}{hint}"
    )


def _build_calls(runner: HookRunner, fn_name: str) -> tuple[Callable[..., Any], ...]:
    """The call list of ``fn_name`` for ``runner``, computed and kept in ``runner._hookfast_calls``."""
    with _lock:
        state = getattr(runner, "__dict__", None)
        hooks: list[Hook] = state.get("_hooks", []) if state is not None else []
        if not isinstance(fn_name, str) or (
            fn_name not in _HOOK_POINTS and not any(fn_name in points_of(hook) for hook in hooks)
        ):
            raise _unknown_point(runner, fn_name, hooks)
        calls = tuple(call for call in (_call_of(hook, fn_name) for hook in hooks) if call is not None)
        if state is None:
            return calls  # a runner without a __dict__: computed at every call
        cache = state.get("_hookfast_calls")
        if type(cache) is not dict:
            try:
                _runners.add(runner)  # so that a change of a point method reaches its lists
            except TypeError:  # not weakly referenceable: computed at every call
                return calls
            cache = state["_hookfast_calls"] = {}
        cache[fn_name] = calls
        return calls


#: backend name -> what a runner class holds as call_hook for that backend
_call_hooks: dict[str, Callable[..., None]] = {}


def _call_hook_of_current_backend() -> Callable[..., None]:
    backend: RunnerBackend = _dispatch.runner_backend()
    with _lock:
        call_hook = _call_hooks.get(backend.BACKEND)
        if call_hook is None:
            call_hook = _call_hooks[backend.BACKEND] = backend.CallHook(_build_calls).callable
    return call_hook


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
            (klass.__dict__["call_hook"] for klass in cls.__mro__[1:] if "call_hook" in klass.__dict__), None
        )
        if "call_hook" not in cls.__dict__ and any(inherited is loop for loop in _call_hooks.values()):
            # The class would call hookfast's loop: give it the loop of the dispatch backend current
            # now (tests switch it per test). A call_hook of its own, of a runner class it derives
            # from or of a mixin before HookRunner in its MRO is left alone, as Python would.
            cls.call_hook = _call_hook_of_current_backend()  # type: ignore[method-assign]

    if TYPE_CHECKING:

        def call_hook(self, fn_name: str, /, *args: Any, **kwargs: Any) -> None:
            """Call ``hook.<fn_name>(self, *args, **kwargs)`` for every registered hook, in order.

            Hooks whose method at that point does nothing are not called. An exception raised by a
            hook propagates, and the hooks after it do not run.

            Raises:
                AttributeError: no registered hook's class (nor :class:`Hook`) has the point.
            """

    @property
    def hooks(self) -> list[Hook]:
        """The registered hooks, in call order (a new list)."""
        return list(self.__dict__.get("_hooks", ()))

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
        """Insert ``hook`` by priority (lower first, registration order among equals), as mmcv does.

        Sets ``hook.priority`` to the int priority.

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
        with _lock:
            hooks: list[Hook] = self.__dict__.setdefault("_hooks", [])
            if any(registered is hook for registered in hooks):
                raise ValueError(
                    '"priority" is a reserved attribute for hooks: '
                    f"{hook!r} is already registered with this runner (priority {hook.priority!r}); "  # type: ignore[attr-defined]
                    "unregister_hook() it first to register it again"
                )
            if hasattr(hook, "priority"):
                raise ValueError(
                    '"priority" is a reserved attribute for hooks: '
                    f"{type(hook).__qualname__} instance {hook!r} already has one "
                    f"({getattr(hook, 'priority', None)!r}); rename that attribute, or unregister the "
                    "hook from the runner it is registered with"
                )
            value = get_priority(priority)
            hook.priority = value
            # mmcv's insertion: after the last hook of lower or equal priority
            index = len(hooks)
            while index > 0 and value < hooks[index - 1].priority:  # type: ignore[attr-defined]
                index -= 1
            hooks.insert(index, hook)
            self._forget_calls()

    def unregister_hook(self, hook: Hook) -> None:
        """Remove ``hook`` and its ``priority`` attribute.

        Raises:
            ValueError: ``hook`` is not registered with this runner.
        """
        with _lock:
            hooks: list[Hook] = self.__dict__.get("_hooks", [])
            index = next((i for i, registered in enumerate(hooks) if registered is hook), None)
            if index is None:
                raise ValueError(f"{hook!r} is not registered with this runner: nothing to unregister")
            del hooks[index]
            with contextlib.suppress(AttributeError):  # deleted by its owner already
                del hook.priority  # type: ignore[attr-defined]
            self._forget_calls()

    def get_hook_info(self) -> str:
        """mmcv's table of the hooks each stage (then each own point) calls, in call order."""
        hooks = self.hooks
        own_points = [
            name
            for name in dict.fromkeys(p for hook in hooks for p in points_of(hook))
            if name not in _HOOK_POINTS
        ]
        stage_hooks: dict[str, list[str]] = {stage: [] for stage in (*Hook.stages, *own_points)}
        for hook in hooks:
            priority = hook.priority  # type: ignore[attr-defined]
            try:
                priority_name = Priority(priority).name
            except ValueError:
                priority_name = priority
            line = f"({priority_name:<12}) {type(hook).__name__:<35}"
            triggered = hook.get_triggered_stages()
            triggered += [name for name in own_points if name in points_of(hook) and _call_of(hook, name)]
            for stage in triggered:
                stage_hooks[stage].append(line)
        blocks = [
            f"{stage}:\n" + "\n".join(lines) + "\n -------------------- "
            for stage, lines in stage_hooks.items()
            if lines
        ]
        return "\n".join(blocks)

    def _forget_calls(self) -> None:
        calls = self.__dict__.get("_hookfast_calls")
        if type(calls) is dict:
            calls.clear()


HookRunner.call_hook = _call_hook_of_current_backend()  # type: ignore[method-assign]
