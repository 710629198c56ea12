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

A call runs mmcv's ``for hook in self._hooks: getattr(hook, fn_name)(self)`` over the live list,
with a list iterator's semantics: an edit of the list during the pass is seen as that loop sees it.
At each position it uses the plan's entry while the entry still holds: the same hook object of the
same class, the same generation (no point attribute set on a hook since the plan was built), and
the class still giving the same witnesses (``getattr(cls, point)`` and, for a forwarding default,
``getattr(cls, generic point)``). A different hook, class or generation rebuilds the plan (reading
the hooks' ``__dict__`` again); a different witness decides that position again. The compiled twin
compares CPython's version tag of the hook's class first and looks at the witnesses only when it
moved, which gives the same decisions.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, Callable

__all__ = ["BACKEND", "CallHook", "Plan", "points_changed"]

BACKEND = "python"

#: moves when a point attribute of any hook is set or deleted: every plan built before it is
#: rebuilt at the next position it is used for
_generation = 0
#: what a position past the end of a plan holds: no hook is it
_BEYOND = object()


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
        "_entries",
        "_functions",
        "_selves",
        "forward",
        "generation",
        "hooks",
        "hooks_list",
        "instance",
        "own",
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
        #: what the call path reads, one tuple per position: hook, class, witnesses, function, self
        self._entries = [
            (hook, cls, witness, forward_witness, function, self_)
            for hook, cls, witness, forward_witness, function, self_ in zip(
                self.hooks, self.types, self.witness_n, self.witness_g, self._functions, self._selves
            )
        ]

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
        self._entries[index] = (
            self.hooks[index],
            self.types[index],
            witness,
            forward_witness,
            function,
            self_,
        )


def _current(plan: Plan, hooks: list[Any]) -> bool:
    """Whether ``hooks`` holds what ``plan`` was built for: the same hooks and classes, and generation."""
    if plan.generation != _generation or len(hooks) != plan.size:
        return False
    for hook, known, cls in zip(hooks, plan.hooks, plan.types):
        if hook is not known or type(hook) is not cls:
            return False
    return True


def _call_hook_vectorcall(call_hook: CallHook) -> Callable[..., None]:
    """``runner.call_hook(fn_name, *args, **kwargs)`` through ``call_hook``.

    The compiled twin's function of this name is the ``CallHook`` type's vectorcall; here it is a
    closure over one ``CallHook``, and its body is that function's.
    """
    builder = call_hook.builder
    start, rebuild, renew, slow = builder.start, builder.rebuild, builder.renew, builder.slow
    missing, unused = builder.missing, builder.unused

    def call_hook_function(runner: Any, fn_name: str, /, *args: Any, **kwargs: Any) -> None:
        try:
            state = runner.__dict__
            hooks = state["_hooks"]
            plan = state["_hookfast_calls"][fn_name]
        except (AttributeError, KeyError, TypeError):
            plan = None
        # an own point is a point only while some hook's class has it: decided at the start
        if type(plan) is not Plan or plan.hooks_list is not hooks or (plan.own and not _current(plan, hooks)):
            plan = start(runner, fn_name)
            if plan is None:
                slow(runner, fn_name, args, kwargs)
                return None
            hooks = plan.hooks_list
        entries, forward, generation = plan._entries, plan.forward, plan.generation
        # mmcv's loop: a list iterator over the live list (enumerate keeps its semantics)
        for index, hook in enumerate(hooks):
            try:
                known, cls, witness, forward_witness, function, self = entries[index]
            except IndexError:  # the list grew past the plan
                known = _BEYOND
            if known is not hook or type(hook) is not cls or generation != _generation:
                plan = rebuild(runner, fn_name, hooks)
                entries, generation = plan._entries, plan.generation
                known, cls, witness, forward_witness, function, self = entries[index]
            if (witness is not unused and getattr(cls, fn_name, missing) is not witness) or (
                forward_witness is not unused and getattr(cls, forward, missing) is not forward_witness
            ):
                renew(runner, plan, fn_name, hooks, index)  # the same plan: the hook's class is the same
                known, cls, witness, forward_witness, function, self = entries[index]
            if function is None:
                continue
            if args or kwargs:
                if self is None:
                    function(runner, *args, **kwargs)
                else:
                    function(self, runner, *args, **kwargs)
            elif (
                self is None
            ):  # the usual point call: a plain call, which the interpreter makes without C recursion
                function(runner)
            else:
                function(self, runner)
        return None

    return call_hook_function


class CallHook:
    """The ``call_hook`` method of the runners of one class (see the module docstring)."""

    __slots__ = ("_callable", "builder")

    def __init__(self, builder: Any) -> None:
        #: ``hookfast.runner``'s ``_Builder``: start, rebuild, renew, slow; missing, unused
        self.builder = builder
        self._callable = _call_hook_vectorcall(self)

    @property
    def callable(self) -> Callable[..., None]:
        """What the runner class holds as ``call_hook``."""
        return self._callable
