"""The runner's hot path in pure Python: ``runner.call_hook(point, ...)``, mmcv's loop over a plan.

The twin of ``_runner_c.pyx`` (same names, same order; ``scripts/check_twins.py``), and the
readable specification of both. What a plan holds, how it is built, rebuilt and renewed, and
mmcv's loop for a name that is no point, live in ``hookfast.runner`` (its ``_Builder``), once; see
``docs/architecture.md``.

Interface (``hookfast._interfaces.RunnerBackend``):

- ``CallHook(builder)``: the ``call_hook`` of the runners of one class; ``call_hook.callable`` is
  what the class holds.
- ``Plan(...)``: what a runner calls at one point, position by position of its hook list.
- ``points_changed()``: a point attribute of some hook was set or deleted (``Hook.__setattr__``).

A call takes the plan used last at the point if it was built for the runner's list (``CallHook``
keeps it, weakly), else the runner's own, else has one built. It then runs mmcv's
``for hook in self._hooks: getattr(hook, fn_name)(self)`` over the live list, with a list
iterator's semantics: an edit of the list during the pass is seen as that loop sees it. At each
position it uses the plan's position while it still holds: the same hook object, the same
generation (no point attribute set on a hook since the plan was built), and the hook's class still
the same and giving the same witnesses (``getattr(cls, point)`` and, for a forwarding default,
``getattr(cls, generic point)``). A different hook or generation rebuilds the plan (reading the
hooks' ``__dict__`` again); a different class or witness has ``hookfast.runner`` look at that
position again. The compiled twin compares CPython's version tag of the hook's class instead, and
looks at the witnesses only when it moved, which gives the same decisions.
"""

from __future__ import annotations

from weakref import ref as _weak_ref

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, Callable

__all__ = ["BACKEND", "CallHook", "Plan", "points_changed"]

BACKEND = "python"

# --- only in this twin: what the compiled twin does with the C API ---

#: ``PyDict_GetItemWithError``: the value, or None if the key is absent
_lookup = dict.get


def _instance_dict(o: object) -> dict[str, Any] | None:
    """The instance dict of ``o``, or None if it has none (``__slots__``)."""
    return getattr(o, "__dict__", None)


def _pack(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    # the compiled twin packs the caller's argument array as (args, kwargs); here they come so
    return args, kwargs


class _Position:
    """One position of a plan, as the call path reads it (the compiled twin's C struct): the hook
    expected there, and what to call (``function(self, runner, ...)``, or ``function(runner, ...)``
    when ``self`` is None; nothing when ``function`` is None). Where the compiled twin keeps the
    version tag of the hook's class, the class and its witnesses (what it gave for the point and
    for the generic point of a forwarding default when the position was decided)."""

    __slots__ = ("cls", "forward_witness", "function", "hook", "self", "witness")

    def __init__(self) -> None:
        self.hook: Any = None
        self.function: Any = None
        self.self: Any = None
        self.cls: Any = None
        self.witness: Any = None
        self.forward_witness: Any = None


# --- end of only in this twin ---

_HOOKS = "_hooks"
_PLANS = "_hookfast_calls"
#: moves when a point attribute of any hook is set or deleted: every plan built before it is
#: rebuilt at the next position it is used for
_generation = 0


def points_changed() -> None:
    """A point attribute of some hook was set or deleted (called by ``hookfast.runner``)."""
    global _generation
    _generation += 1


class Plan:
    """What a runner calls at one point, for each position of its hook list (built by ``hookfast.runner``).

    Position ``i`` holds ``hooks[i]``, of class ``types[i]``; the runner calls
    ``functions[i](selves[i], runner, ...)``, or ``functions[i](runner, ...)`` when ``selves[i]`` is
    None, or nothing when ``functions[i]`` is None. ``witness_n[i]`` / ``witness_g[i]`` are what the
    class gave for the point and for ``forward`` (the generic point of a forwarding default) when
    the position was decided; ``instance[i]`` the hook's own attributes of those names then.
    Only :meth:`decide` changes a position.
    """

    __slots__ = (
        "__weakref__",
        "_functions",
        "_selves",
        "forward",
        "generation",
        "hooks",
        "hooks_list",
        "instance",
        "own",
        "positions",
        "size",
        "types",
        "witness_g",
        "witness_n",
    )

    def __init__(
        self,
        hooks_list: list[Any],
        hooks: Sequence[Any],
        types: Sequence[type],
        functions: Sequence[Any],
        selves: Sequence[Any],
        witness_n: Sequence[Any],
        witness_g: Sequence[Any],
        instance: Sequence[tuple[Any, Any]],
        forward: str | None,
        own: bool,
    ) -> None:
        size = len(hooks)
        if not len(types) == len(functions) == len(selves) == len(witness_n) == len(witness_g) == size:
            raise ValueError("a plan needs one entry per hook in each of its sequences")
        if len(instance) != size:
            raise ValueError("a plan needs one entry per hook in each of its sequences")
        if not isinstance(hooks_list, list):
            raise TypeError(f"a plan's hook list must be a list, got {hooks_list!r}")
        # --- only in this twin: one object per position ---
        #: what the call path reads, position by position
        self.positions = [_Position() for _ in range(size)]
        # --- end of only in this twin ---
        #: the runner's list the plan was built from
        self.hooks_list = hooks_list
        self.hooks = tuple(hooks)
        self.types = tuple(types)
        self._functions = list(functions)
        self._selves = list(selves)
        self.witness_n = list(witness_n)
        self.witness_g = list(witness_g)
        self.instance = tuple(instance)
        self.forward = forward
        #: whether the point is an own point, which is a point only while some hook's class has it
        self.own = own
        self.size = size
        self.generation = _generation
        for index in range(size):
            self.positions[index].hook = self.hooks[index]
            self.positions[index].function = self._functions[index]
            self.positions[index].self = self._selves[index]
            # --- only in this twin: what the position is checked against (compiled: a tag) ---
            self.positions[index].cls = self.types[index]
            self.positions[index].witness = self.witness_n[index]
            self.positions[index].forward_witness = self.witness_g[index]
            # --- end of only in this twin ---

    @property
    def functions(self) -> tuple[Any, ...]:
        """What each position calls (None: nothing)."""
        return tuple(self._functions)

    @property
    def selves(self) -> tuple[Any, ...]:
        """The first argument of each position's call (None: the call starts with the runner)."""
        return tuple(self._selves)

    def decide(self, index: int, function: Any, self_: Any, witness: Any, forward_witness: Any) -> None:
        """Set what position ``index`` calls, and the witnesses it was decided on."""
        self._functions[index] = function
        self._selves[index] = self_
        self.witness_n[index] = witness
        self.witness_g[index] = forward_witness
        self.positions[index].function = self._functions[index]
        self.positions[index].self = self._selves[index]
        # --- only in this twin: the witnesses the position is checked against from now on ---
        self.positions[index].witness = witness
        self.positions[index].forward_witness = forward_witness
        # --- end of only in this twin ---


def _current(plan: Plan, hooks: list[Any]) -> bool:
    """Whether ``hooks`` holds what ``plan`` was built for: the same hooks and classes, and generation."""
    if plan.generation != _generation or len(hooks) != plan.size:
        return False
    for index in range(plan.size):
        hook = hooks[index]
        if hook is not plan.positions[index].hook or type(hook) is not plan.types[index]:
            return False
    return True


def _run(
    call_hook: CallHook,
    runner: Any,
    fn_name: str,
    hooks: list[Any],
    plan: Plan,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    """mmcv's loop over the live ``hooks``, position by position with ``plan`` while it holds: each
    hook gets the runner, then the caller's arguments after the point's name.

    The loop is a list iterator's: an edit of the list during the pass is seen as mmcv's
    ``for hook in self._hooks`` sees it. A position whose hook is not the plan's, or a plan older
    than the last change of a point attribute, rebuilds the plan; a position whose hook's class no
    longer gives the witnesses it was decided on is decided again (``renew``).
    """
    # --- only in this twin: what the witnesses are compared with ---
    missing = call_hook.missing
    unused = call_hook.unused
    # --- end of only in this twin ---
    index = 0
    renewed = -1
    while index < len(hooks):
        hook = hooks[index]
        if index >= plan.size or hook is not plan.positions[index].hook or plan.generation != _generation:
            plan = call_hook.rebuild(runner, fn_name, hooks)
            renewed = index  # its positions were decided just now
            continue
        position = plan.positions[index]
        # --- only in this twin: the hook's class, and what it gives now for the point and for the
        # generic point of a forwarding default, against what they were when the position was
        # decided (the compiled twin compares the class's version tag first) ---
        cls = position.cls
        changed = (
            type(hook) is not cls
            or getattr(cls, fn_name, missing) is not position.witness
            or (
                position.forward_witness is not unused
                and plan.forward is not None  # (always, with a forward witness)
                and getattr(cls, plan.forward, missing) is not position.forward_witness
            )
        )
        # --- end of only in this twin ---
        if renewed != index and changed:
            plan = call_hook.renew(runner, plan, fn_name, hooks, index)
            renewed = index
            continue  # renew ran Python code: check the position again
        renewed = -1
        function = position.function
        index += 1
        if function is None:
            continue
        hook_self = position.self
        # --- only in this twin: the call, with the caller's arguments ---
        if args or kwargs:
            if hook_self is None:
                function(runner, *args, **kwargs)
            else:
                function(hook_self, runner, *args, **kwargs)
        elif hook_self is None:  # the usual point call: a plain call, made without C recursion
            function(runner)
        else:
            function(hook_self, runner)
        # --- end of only in this twin ---


def _call_hook_vectorcall(call_hook: CallHook) -> Callable[..., None]:
    """``runner.call_hook(fn_name, *args, **kwargs)`` through ``call_hook``.

    The compiled twin's function of this name is the ``CallHook`` type's vectorcall; here it is a
    closure over one ``CallHook``, and its body is that function's.
    """

    # --- only in this twin: the closure standing for the compiled twin's vectorcall ---
    def call_hook_function(runner: Any, fn_name: Any, /, *args: Any, **kwargs: Any) -> None:
        # --- end of only in this twin ---
        hooks = None
        found = None
        # runner._hooks, read from the instance dict directly (``hookfast.runner`` keeps it there)
        state = _instance_dict(runner)
        if state is not None:  # else no instance dict (__slots__)
            item = _lookup(state, _HOOKS)
            if item is not None:
                hooks = item
        if type(fn_name) is str:
            # The plan used last at this point, by any runner: a plan is good for any runner whose
            # _hooks is the list it was built for, and most programs have one runner per class.
            # Else the runner's own: runner._hookfast_calls[fn_name].
            item = _lookup(call_hook.recent, fn_name)
            if item is not None:
                found = item()
            if (type(found) is not Plan or found.hooks_list is not hooks) and state is not None:
                found = None
                item = _lookup(state, _PLANS)
                if item is not None and isinstance(item, dict):
                    item = _lookup(item, fn_name)
                    if item is not None:
                        found = item
                if type(found) is Plan and found.hooks_list is hooks:
                    call_hook.recent[fn_name] = _weak_ref(found, None)
        # an own point is a point only while some hook's class has it: decided at the start
        if (
            type(found) is not Plan
            or found.hooks_list is not hooks
            or (found.own and not _current(found, hooks))
        ):
            found = call_hook.start(runner, fn_name)
            if found is None:
                positional, keywords = _pack(args, kwargs)
                call_hook.slow(runner, fn_name, positional, keywords)
                return None
            hooks = found.hooks_list
            if type(fn_name) is str:
                call_hook.recent[fn_name] = _weak_ref(found, None)
        _run(call_hook, runner, fn_name, hooks, found, args, kwargs)
        return None

    # --- only in this twin: the closure ---
    return call_hook_function
    # --- end of only in this twin ---


class CallHook:
    """The ``call_hook`` method of the runners of one class (see the module docstring)."""

    __slots__ = ("_callable", "builder", "missing", "rebuild", "recent", "renew", "slow", "start", "unused")

    def __init__(self, builder: Any) -> None:
        #: ``hookfast.runner``'s ``_Builder``: start, rebuild, renew, slow; missing, unused
        self.builder = builder
        self.start = builder.start
        self.rebuild = builder.rebuild
        self.renew = builder.renew
        self.slow = builder.slow
        # --- only in this twin: made by the compiled twin's __cinit__ ---
        #: point name -> weak reference to the plan used there last (see _call_hook_vectorcall)
        self.recent: dict[str, Any] = {}
        # --- end of only in this twin ---
        # --- only in this twin: the witnesses' markers, and the closure standing for the
        # compiled twin's vectorcall ---
        self.missing = builder.missing
        self.unused = builder.unused
        self._callable = _call_hook_vectorcall(self)
        # --- end of only in this twin ---

    @property
    def callable(self) -> Callable[..., None]:
        """What the runner class holds as ``call_hook``."""
        # --- only in this twin: the closure standing for the compiled twin's vectorcall ---
        return self._callable
        # --- end of only in this twin ---
