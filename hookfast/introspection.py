"""See what is bound: which hooks a call would run, and which could never fit.

:func:`hooks_for` lists the hooks of a slot call in order, with what silences each;
:func:`check_hooks` finds hooks whose signature cannot take their slot's arguments. Cold paths
only: nothing here runs on a slot call.
"""

from __future__ import annotations

from collections import namedtuple

from hookfast import _registry, _scope
from hookfast._kinds import SLOT_CLASSMETHOD, SLOT_METHOD
from hookfast.exceptions import SignatureError, signature_error
from hookfast.hook import HookPriority
from hookfast.logs import display_name
from hookfast.slot import SlotDeclaration, declaration_of

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    import inspect
    from collections.abc import Iterator
    from typing import Any

    from hookfast.hook import Hook

__all__ = ["HookPlan", "PlannedHook", "check_hooks", "hooks_for"]

#: the state levels, in the order :attr:`PlannedHook.silenced_by` reports the first that applies
#: (the process-wide levels, then the scoped skips of the calling thread or task)
SILENCING_LEVELS = ("global", "class", "slot", "hook", "local")


class PlannedHook(namedtuple("PlannedHook", "hook priority enabled bound_on silenced_by")):
    """One hook of a :class:`HookPlan`.

    Attributes:
        hook: the :class:`hookfast.Hook`.
        priority: its :class:`hookfast.HookPriority`.
        enabled: its own switch (the hook level).
        bound_on: the class whose slot declaration it is bound to.
        silenced_by: None if it runs, else the first level that stops it now, for a call made
            in the calling thread or task: ``"global"`` (``stop_all_hooks``), ``"class"``
            (``Cls.suspend_hooks``), ``"slot"`` (``Cls.method.suspend_hooks``), ``"hook"``
            (``hook.disable``) or ``"local"`` (a ``skip*(local=True)`` block in force there).
    """

    __slots__ = ()

    @property
    def runs(self) -> bool:
        """Whether a call made now, in the calling thread or task, runs this hook."""
        return self.silenced_by is None


class HookPlan(tuple):  # type: ignore[type-arg]
    """The hooks bound along a class's MRO to a slot, in the order a call runs them.

    A tuple of :class:`PlannedHook`, silenced ones included; :attr:`running` keeps the others.
    """

    slot: str

    def __new__(cls, slot: str, entries: list[PlannedHook]) -> HookPlan:
        plan = super().__new__(cls, entries)
        plan.slot = slot
        return plan

    @property
    def running(self) -> tuple[Hook[..., Any], ...]:
        """The hooks a call made now, in the calling thread or task, runs, in order."""
        return tuple(entry.hook for entry in self if entry.runs)

    def __repr__(self) -> str:
        lines = [f"<HookPlan for '{self.slot}': {len(self)} hooks, {len(self.running)} running>"]
        for number, entry in enumerate(self, start=1):
            state = "runs" if entry.runs else f"silenced by {entry.silenced_by}"
            lines.append(
                f"  {number}. {entry.priority!s:<19} {display_name(entry.hook)} "
                f"(bound on {entry.bound_on.__qualname__})  {state}"
            )
        return "\n".join(lines)


def _declaration(target: Any, name: str | None) -> SlotDeclaration:
    if name is not None:
        cls = target if isinstance(target, type) else type(target)
        found = _registry.declarations_in_mro(cls, name)
        if not found:
            raise ValueError(
                f"'{cls.__qualname__}.{name}' is not a slot of a class decorated with @support_hooks"
            )
        return found[0]  # type: ignore[return-value]  # the registry sees it as a Declaration
    declaration = declaration_of(getattr(target, "__func__", target))
    if declaration is None:
        raise ValueError(
            f"{target!r} is not a slot: pass Cls.method for a @slot method, or a class or instance "
            "and the method's name"
        )
    if declaration.owner is None:
        raise ValueError(
            f"'{declaration.qualname}' is a @slot method whose class is not decorated with @support_hooks"
        )
    return declaration


def hooks_for(target: Any, name: str | None = None) -> HookPlan:
    """Which hooks a call of a slot would run now, in order, and which a state level silences.

    The answer is for a call made here: in the calling thread or task, whose scoped skips
    (``skip*(local=True)``) count as the ``"local"`` level.

    Args:
        target: a slot seen through its class (``Cls.method``), or a class or an instance.
        name: with a class or an instance: the method's name; the slot is the one that class
            resolves the name to.

    Raises:
        ValueError: ``target`` (with ``name``) is not a registered slot.
    """
    declaration = _declaration(target, name)
    entries = [
        PlannedHook(bound, HookPriority(priority), bound._enabled, klass, level)
        for priority, _, _, (bound, klass, level) in sorted(
            _registry.collect_bound_hooks(declaration, _scope.in_force()), key=lambda entry: entry[:3]
        )
    ]
    owner = declaration.owner
    assert owner is not None
    label = f"{owner.__qualname__}.{declaration.name}"
    if name is not None:
        label = f"{(target if isinstance(target, type) else type(target)).__qualname__}.{name}"
    return HookPlan(label, entries)


def _keywords_needed(signature: inspect.Signature, positional: int) -> list[str]:
    """The parameters a call with ``positional`` positional arguments must pass by keyword."""
    import inspect

    names = []
    index = 0
    for parameter in signature.parameters.values():
        kind = parameter.kind
        if kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            if index >= positional and parameter.default is inspect.Parameter.empty:
                names.append(parameter.name)  # a positional-only one then makes the call fail: fine
            index += 1
        elif kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty:
            names.append(parameter.name)
    return names


def _positional_count(signature: inspect.Signature) -> int:
    import inspect

    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(parameter.kind in kinds for parameter in signature.parameters.values())


def _call_shapes(
    slot_signature: inspect.Signature, hook_signature: inspect.Signature, receiver: bool, extra: set[str]
) -> Iterator[tuple[list[object], dict[str, object]]]:
    """Calls the slot accepts that are the hook's best chances: one per count of positional arguments.

    For each count, what the slot requires is passed by keyword, and what the hook requires if the
    slot accepts it too; anything more could only make the hook's binding fail, so if no such call
    fits the hook, none does.
    ``extra`` are the keywords the call path adds for the hook (``method_name``).
    """
    first = 1 if receiver else 0  # a method's receiver always comes positionally
    last = _positional_count(slot_signature) + _positional_count(hook_signature) + 1
    for positional in range(first, last + 1):
        args = [object() for _ in range(positional)]
        kwargs: dict[str, object] = {name: object() for name in _keywords_needed(slot_signature, positional)}
        try:
            slot_signature.bind(*args, **kwargs)
        except TypeError:
            continue  # not a call the slot accepts
        for name in _keywords_needed(hook_signature, positional):
            if name in kwargs or name in extra:
                continue
            try:  # what the hook needs, if the slot accepts it too
                slot_signature.bind(*args, **kwargs, **{name: None})
            except TypeError:
                continue
            kwargs[name] = object()
        yield args, kwargs


def _misfit(declaration: SlotDeclaration, bound: Hook[..., Any]) -> SignatureError | None:
    import inspect

    function = declaration.body or declaration.function
    try:
        slot_signature = inspect.signature(function)
        hook_signature = inspect.signature(bound.callback)
    except (TypeError, ValueError):
        return None  # nothing to check against
    extra = {"method_name": declaration.method_name} if bound.wants_method_name() else {}
    receiver = declaration.kind in (SLOT_METHOD, SLOT_CLASSMETHOD)
    first_error: TypeError | None = None
    for args, kwargs in _call_shapes(slot_signature, hook_signature, receiver, set(extra)):
        try:
            hook_signature.bind(*args, **kwargs, **extra)
        except TypeError as error:
            first_error = first_error or error
        else:
            return None
    if first_error is None:
        return None  # the slot accepts no call at all: nothing to check against
    return signature_error(function, bound.callback, first_error)


def check_hooks() -> list[SignatureError]:
    """Check every hook bound to a live slot against the slot's signature, now.

    Returns one :class:`SignatureError` per (slot, hook) whose hook could never accept the slot's
    arguments: no call that the slot accepts (its receiver passed positionally, ``method_name=``
    added when the hook asks for it) binds to the hook's signature, ``*args`` and ``**kwargs`` of
    either side included. The message is the one a call with the slot's required arguments
    raises. Binding itself stays as permissive as onETL's; this is for a project's own tests:
    ``assert not hookfast.check_hooks()``.
    """
    problems = []
    for declaration in _registry.live_declarations():
        for bound in dict.fromkeys(declaration.hooks):
            problem = _misfit(declaration, bound)  # type: ignore[arg-type]
            if problem is not None:
                problems.append(problem)
    return problems
