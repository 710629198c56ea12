"""Generated call paths: a slot's own function runs its hooks, written for the hooks it has now.

While some hook can run, the call path that serves most calls is Python code generated for the
slot, with the slot's exact signature: the hooks are called where hand-written code would call
them, the interpreter inlines those calls, and the method body is called the same way (or, on the
compiled backend when the slot's source is at hand, runs inline: see :mod:`hookfast._splice`). The
code is installed as the ``__code__`` of the slot function itself, so every reference to the slot
(the class attribute, a bound method kept since start-up, the function in the class namespace)
runs it, and on CPython 3.13 the function keeps its specialisation (the compiled backend restores
the function version that executing a ``def`` would give).

The code is only an unrolled copy of the general call path (``call_with_hooks`` of the dispatch
twins): it handles the common outcome of each hook inline and hands everything else (a hook that
returns a value, an exception, a gate that is open) to that general path, carrying over what it
already did. Whether generated code may serve a slot is decided when its hooks change:

- every active hook must bind any call the slot accepts the same way whether the caller passed
  an argument by position or by keyword (the code passes the slot's parameters by position), and
  must refuse every call the slot refuses. :func:`binds_like_slot` checks that on signatures:
  the same parameters, kinds, names and default objects as the slot's. A hook whose receiver has
  another name than the slot's (``def hook(obj, x)`` on ``def m(self, x)``) qualifies: the code
  then takes the receiver by position only, so a call passing the receiver by keyword raises
  ``TypeError`` before any hook runs, where the general path would raise ``SignatureError``;
- otherwise the slot keeps the general path (the "dispatcher" path).

What the code needs at run time comes from two places. Objects that live for the whole process
(the gate, the twins' helpers) are code constants. Objects of one plan (the hook callbacks, the
method body, the dispatcher) are free variables on the compiled backend, whose closure it sets
from C, and are reached through a weak handle on the pure-Python backend, whose functions cannot
take a new closure. Nothing a plan holds is a strong code constant: code objects are invisible to
the garbage collector, and a hook closing over its class would make that class immortal.

Cold path only: runs when hooks or states change, never per call.
"""

from __future__ import annotations

import threading
import weakref
from types import CodeType, FunctionType

from hookfast._kinds import SLOT_METHOD

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    import ast
    from typing import Any, Callable

__all__ = [
    "GATE",
    "CodePlan",
    "Param",
    "PlanFlag",
    "SlotState",
    "binds_like_slot",
    "hook_kind",
    "plan_slot",
    "slot_params",
]

# --- what generated code reads on every call -------------------------------------------------------


class Gate:
    """Whether a call must leave the generated code for the general path right away.

    Open while some ``hookfast.trace()`` block or scoped skip is active, while NOTICE logging of
    ``hookfast.slot`` is on, and from any change of the logging configuration until a call of the
    general path has looked again (see :func:`refresh_gate`). One attribute read per call.
    """

    __slots__ = ("open",)

    def __init__(self) -> None:
        self.open = True  # until the first look at logging

    def __reduce__(self) -> str:
        # pickled by reference: a function pickled by value keeps reading the process's gate
        return "GATE"

    def __repr__(self) -> str:
        return f"<hookfast gate {'open' if self.open else 'closed'}>"


#: The one gate of every generated call path.
GATE = Gate()

_gate_lock = threading.Lock()
_states: weakref.WeakSet[SlotState] = weakref.WeakSet()  # the async slots' states
_gate_holders = 0  # trace() blocks and scoped skips active, as counted by hookfast._dispatch
_logging_generation = 0  # bumped whenever the logging configuration may have changed
_notice_check: Callable[[], bool] | None = None


def set_gate_holders(count: int) -> None:
    """Called by ``hookfast._dispatch`` when trace() blocks or scoped skips open or close."""
    global _gate_holders
    with _gate_lock:
        _gate_holders = count
        if count:
            _set_open(True)
    if not count:
        refresh_gate()


def logging_changed() -> None:
    """The logging configuration may have changed: the logger's level cache was just cleared.

    Levels are set before logging clears the caches, so the NOTICE check reads the new state.
    """
    global _logging_generation
    with _gate_lock:
        _logging_generation += 1
        _set_open(True)
    refresh_gate()


def refresh_gate() -> None:
    """Close the gate if nothing holds it open any more (the general path calls this)."""
    if _notice_check is None:
        return
    with _gate_lock:
        generation = _logging_generation
        if _gate_holders:
            _set_open(True)
            return
    notice = _notice_check()  # outside the lock: it may take logging's lock
    with _gate_lock:
        if generation == _logging_generation and not _gate_holders:
            _set_open(notice)


def _set_open(open_: bool) -> None:
    """Open or close the gate; the lock is held. Async code reads it through the slots' states."""
    if GATE.open is open_:
        return
    GATE.open = open_
    for state in list(_states):
        state.plan.stale = open_


class _LevelCache(dict):  # type: ignore[type-arg]
    """The ``hookfast.slot`` logger's level cache; logging clears it whenever levels change."""

    __slots__ = ()

    def clear(self) -> None:
        super().clear()
        logging_changed()


def watch_logging(logger: Any, notice_enabled: Callable[[], bool]) -> dict[int, bool] | None:
    """Learn of logging changes through ``logger``'s level cache; returns the cache now in place.

    ``logging`` memoises ``isEnabledFor`` in the private ``Logger._cache`` dict and clears it in
    place whenever a level changes anywhere (``setLevel``, ``logging.disable``, ``dictConfig``).
    Without such a dict the gate stays open: correct, only slower.
    """
    global _notice_check
    cache = getattr(logger, "_cache", None)
    if type(cache) is _LevelCache:
        return cache
    if type(cache) is not dict:
        return None
    replacement = _LevelCache(cache)
    logger._cache = replacement
    _notice_check = notice_enabled
    refresh_gate()
    return replacement


class PlanFlag:
    """Whether the async code of one plan must take the general path: read at a coroutine's start.

    Each plan of an async slot has its own flag, a constant of its code. A coroutine runs long after
    the call that made it, so its code asks its plan's flag, one attribute read: ``stale`` is set
    for good when a newer plan replaces this one (hooks changed in between), and for as long as the
    gate is open (tracing, NOTICE logging, scoped skips).
    """

    __slots__ = ("stale",)

    def __init__(self, stale: bool) -> None:
        self.stale = stale

    def __reduce__(self) -> tuple[Any, ...]:
        # An unpickled plan is never current: its coroutines take the general path.
        return (PlanFlag, (True,))

    def __repr__(self) -> str:
        return f"<hookfast plan flag {'stale' if self.stale else 'current'}>"


class SlotState:
    """An async slot's current plan flag (see :class:`PlanFlag`); kept current under the gate lock."""

    __slots__ = ("__weakref__", "plan")

    def __init__(self) -> None:
        #: the flag of the slot's current code
        self.plan = PlanFlag(False)
        _states.add(self)

    def advance(self) -> PlanFlag:
        """A new plan: outdates the coroutines made under the previous one; returns the new flag."""
        with _gate_lock:
            self.plan.stale = True
            self.plan = PlanFlag(GATE.open)
            return self.plan

    def __reduce__(self) -> tuple[Any, ...]:
        return (_stale_state, ())


def _stale_state() -> SlotState:
    # An unpickled plan is never current: its coroutines take the general path.
    state = SlotState()
    state.plan.stale = True
    return state


# --- signatures and hooks ---------------------------------------------------------------------------

_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08
_CO_GENERATOR = 0x20
_CO_COROUTINE = 0x80
_CO_ASYNC_GENERATOR = 0x200
_EMPTY = object()

POSITIONAL_ONLY = 0
POSITIONAL_OR_KEYWORD = 1
VAR_POSITIONAL = 2
KEYWORD_ONLY = 3
VAR_KEYWORD = 4


class Param:
    """One parameter of a slot or a hook: name, kind (``inspect.Parameter`` numbering) and default."""

    __slots__ = ("default", "kind", "name")

    def __init__(self, name: str, kind: int, default: Any = _EMPTY) -> None:
        self.name = name
        self.kind = kind
        self.default = default

    @property
    def has_default(self) -> bool:
        return self.default is not _EMPTY

    def __repr__(self) -> str:
        return f"Param({self.name!r}, {self.kind}, {'=' if self.has_default else ''})"


def slot_params(code: CodeType, defaults: tuple[Any, ...] | None, kwdefaults: dict[str, Any] | None) -> list[Param]:
    """The parameters of a function with ``code`` and these defaults, in order."""
    names = code.co_varnames
    positional = code.co_argcount
    kwonly = code.co_kwonlyargcount
    defaults = defaults or ()
    first_default = positional - len(defaults)
    params: list[Param] = []
    for index in range(positional):
        kind = POSITIONAL_ONLY if index < code.co_posonlyargcount else POSITIONAL_OR_KEYWORD
        default = defaults[index - first_default] if index >= first_default else _EMPTY
        params.append(Param(names[index], kind, default))
    index = positional
    varargs = None
    if code.co_flags & _CO_VARARGS:
        varargs = Param(names[positional + kwonly], VAR_POSITIONAL)
    for name in names[positional : positional + kwonly]:
        params_default = (kwdefaults or {}).get(name, _EMPTY)
        if varargs is not None and varargs not in params:
            params.append(varargs)
        params.append(Param(name, KEYWORD_ONLY, params_default))
    if varargs is not None and varargs not in params:
        params.append(varargs)
    if code.co_flags & _CO_VARKEYWORDS:
        extra = 1 if code.co_flags & _CO_VARARGS else 0
        params.append(Param(names[positional + kwonly + extra], VAR_KEYWORD))
    return params


def _hook_params(callback: Any) -> list[Param] | None:
    import inspect

    try:
        signature = inspect.signature(callback)
    except (TypeError, ValueError):
        return None
    return [
        Param(parameter.name, int(parameter.kind), _EMPTY if parameter.default is parameter.empty else parameter.default)
        for parameter in signature.parameters.values()
    ]


#: What generated code expects a hook to return (decided from the callback, checked on each call).
KIND_FUNCTION = "function"  # None (anything else goes to the general path)
KIND_GENERATOR = "generator"  # a generator, driven like contextlib.contextmanager
KIND_CONTEXT = "context"  # an instance of the callback class, a context manager
KIND_ASYNC_FUNCTION = "async function"  # a coroutine, awaited
KIND_ASYNC_GENERATOR = "async generator"  # an async generator, driven with asend()
KIND_ASYNC_CONTEXT = "async context"  # an instance of the callback class, an async context manager


def hook_kind(callback: Any, is_async: bool) -> str:
    """What a call of ``callback`` most likely returns, for the code to handle inline."""
    if type(callback) is FunctionType:
        code = callback.__code__
        if code.co_flags & _CO_GENERATOR:
            return KIND_GENERATOR
        if is_async and code.co_flags & _CO_COROUTINE:
            return KIND_ASYNC_FUNCTION
        if is_async and code.co_flags & _CO_ASYNC_GENERATOR:
            return KIND_ASYNC_GENERATOR
        return KIND_FUNCTION
    if isinstance(callback, type):
        from collections.abc import Generator
        from contextlib import AbstractAsyncContextManager, AbstractContextManager

        if type(callback) is not type or any("__new__" in vars(klass) for klass in callback.__mro__[:-1]):
            return KIND_FUNCTION  # a __new__ or metaclass of its own may return anything
        if is_async and issubclass(callback, AbstractAsyncContextManager):
            return KIND_ASYNC_CONTEXT
        if issubclass(callback, AbstractContextManager) and not issubclass(callback, Generator):
            return KIND_CONTEXT
    return KIND_FUNCTION


def _same_default(left: Param, right: Param) -> bool:
    return left.default is right.default


def binds_like_slot(callback: Any, params: list[Param], receiver: bool, wants_method_name: bool) -> str | None:
    """How ``callback`` can take the slot's arguments by position, or None if it cannot always.

    Returns ``"keyword"`` if the hook's receiver has the slot's receiver name (the code keeps the
    receiver a positional-or-keyword parameter), ``"positional"`` if it has another name and the
    hook takes no keyword of that name (the code makes the receiver positional-only), ``"none"``
    for a slot without a receiver; ``None`` if the hook may bind some call differently when given
    the arguments by position, or may accept a call the slot refuses.
    """
    hook = _hook_params(callback)
    if hook is None:
        return None
    if wants_method_name:
        kept = [parameter for parameter in hook if parameter.name != "method_name"]
        taken = [parameter for parameter in hook if parameter.name == "method_name"]
        if any(parameter.name == "method_name" for parameter in params):
            return None
        # method_name is passed by keyword: it must be a keyword-only parameter, or a positional
        # one after every positional parameter a call of the slot can fill
        (method_name,) = taken
        if method_name.kind == POSITIONAL_OR_KEYWORD:
            if hook.index(method_name) != len([p for p in hook if p.kind in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD)]) - 1:
                return None
            if any(parameter.kind == VAR_POSITIONAL for parameter in params):
                return None
        elif method_name.kind != KEYWORD_ONLY:
            return None
        hook = kept
    if len(hook) != len(params):
        return None
    mode = "none"
    for index, (theirs, ours) in enumerate(zip(hook, params)):
        if theirs.has_default != ours.has_default or (ours.has_default and not _same_default(theirs, ours)):
            return None
        if receiver and index == 0:
            if theirs.kind not in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD):
                return None
            if ours.kind == POSITIONAL_OR_KEYWORD and theirs.kind == POSITIONAL_OR_KEYWORD and theirs.name == ours.name:
                mode = "keyword"
            else:
                mode = "positional"
            continue
        if theirs.kind != ours.kind:
            return None
        if ours.kind in (POSITIONAL_OR_KEYWORD, KEYWORD_ONLY) and theirs.name != ours.name:
            return None
    if mode == "positional":
        name = params[0].name
        if any(parameter.name == name for parameter in hook[1:]) or any(
            parameter.kind == VAR_KEYWORD for parameter in hook
        ):
            return None
    return mode


# --- the code -------------------------------------------------------------------------------------


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1

    def add(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def indent(self) -> _Indented:
        return _Indented(self)


class _Indented:
    def __init__(self, lines: _Lines) -> None:
        self.lines = lines

    def __enter__(self) -> None:
        self.lines.depth += 1

    def __exit__(self, *exc_info: object) -> None:
        self.lines.depth -= 1


def _key(name: str) -> str:
    """The string constant standing for a process-wide object in generated code, until replaced."""
    return f"__hookfast_{name}__"


def _marker(name: str) -> str:
    """The marker as it is written in generated source: a string literal (not folded away when
    called, compared or read an attribute of; its code constant is then replaced)."""
    return repr(_key(name))


class _Call:
    """The expressions that pass a slot's parameters on (by position where a parameter allows)."""

    def __init__(self, params: list[Param]) -> None:
        positional = [p.name for p in params if p.kind in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD)]
        varargs = [p.name for p in params if p.kind == VAR_POSITIONAL]
        kwonly = [p.name for p in params if p.kind == KEYWORD_ONLY]
        varkw = [p.name for p in params if p.kind == VAR_KEYWORD]
        parts = [*positional, *(f"*{name}" for name in varargs)]
        keywords = [*(f"{name}={name}" for name in kwonly), *(f"**{name}" for name in varkw)]
        self.arguments = ", ".join(parts + keywords)
        self.positional = f"({', '.join(parts)},)" if parts else "()"
        if kwonly or varkw:
            items = [*(f"{name!r}: {name}" for name in kwonly), *(f"**{name}" for name in varkw)]
            self.keywords = "{" + ", ".join(items) + "}"
        else:
            self.keywords = "{}"
        self.receiver = params[0].name if params and params[0].kind in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD) else None
        self.has_defaults = any(p.has_default for p in params)

    def with_method_name(self, method_name: str) -> str:
        extra = f"method_name={method_name!r}"
        return f"{self.arguments}, {extra}" if self.arguments else extra


def _parameters_source(params: list[Param], receiver_positional: bool) -> str:
    """The ``def`` line's parameters; defaults come from the function object, so any placeholder does."""
    parts: list[str] = []
    posonly = [p for p in params if p.kind == POSITIONAL_ONLY]
    seen_star = False
    for index, param in enumerate(params):
        text = param.name
        if param.kind in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, KEYWORD_ONLY) and param.has_default:
            text += "=None"
        if param.kind == VAR_POSITIONAL:
            text = "*" + param.name
            seen_star = True
        elif param.kind == VAR_KEYWORD:
            text = "**" + param.name
        elif param.kind == KEYWORD_ONLY and not seen_star:
            parts.append("*")
            seen_star = True
        parts.append(text)
        last_posonly = posonly[-1] if posonly else None
        if param is last_posonly or (receiver_positional and index == 0 and not posonly):
            parts.append("/")
    return ", ".join(parts)


class _Context:
    """One hook whose value the code enters (generator or context manager), by index."""

    def __init__(self, index: int, kind: str) -> None:
        self.index = index
        self.kind = kind


def _emit_hook_call(out: _Lines, index: int, call: _Call, method_name: str | None, is_async: bool) -> None:
    arguments = call.with_method_name(method_name) if method_name is not None else call.arguments
    out.add("try:")
    with out.indent():
        out.add(f"_hf_v = _hf_h{index}({arguments})")
    out.add("except Exception as _hf_e:")
    with out.indent():
        out.add(
            f"_hf_s = {_marker('HOOK_ERROR')}({_marker('DECLREF')}().dispatcher, _hf_calls[{index}], _hf_e, {call.positional}, {call.keywords})"
        )
        out.add("if _hf_s is None:")
        with out.indent():
            out.add("raise")
        out.add("raise _hf_s from _hf_s.__cause__")


def _emit_position(out: _Lines, call: _Call, quick_name: str | None, helper: str) -> None:
    """``_hf_at``: where the call stands in its hierarchy (0: the most derived declaration).

    When the receiver's class resolves the slot's name to the slot function itself, the call is
    the most derived one: one attribute look-up tells, before asking the twins' ``_position``.
    """
    if quick_name is not None:
        out.add(f"if type({call.receiver}).{quick_name} is _hf_self:")
        with out.indent():
            out.add("_hf_at = 0")
        out.add("else:")
        with out.indent():
            out.add(f"_hf_at = {helper}(_hf_decl.dispatcher, {call.receiver})")
    else:
        out.add(f"_hf_at = {helper}(_hf_decl.dispatcher, {call.receiver})")


class CodePlan:
    """Generated code for one slot and one set of hooks, and what its free variables hold."""

    __slots__ = ("code", "names", "source", "tier", "values")

    def __init__(self, tier: str, code: CodeType, names: tuple[str, ...], values: tuple[Any, ...], source: str) -> None:
        #: ``"generated"`` (hooks inline, then the body called) or ``"inline"`` (the body inline too)
        self.tier = tier
        self.code = code
        #: the plan's names, in the order of ``values``
        self.names = names
        self.values = values
        self.source = source


def _emit_sync(
    out: _Lines,
    call: _Call,
    kinds: list[str],
    method_names: list[str | None],
    in_hierarchy: bool,
    inline_body: bool,
    quick_name: str | None = None,
) -> None:
    """The body of a generated sync slot function (or the prologue of an inline one)."""
    out.add(f"if {_marker('GATE')}.open:")
    with out.indent():
        out.add(f"return {_marker('DECLREF')}().dispatch_callable({call.arguments})")
    if in_hierarchy:
        # the super() rule: hooks only for the most derived declaration; a delegation runs the
        # body alone; a call reached from below is recorded by the general path
        _emit_position(out, call, quick_name, _marker("POSITION"))
        out.add("if _hf_at == 2:")
        with out.indent():
            out.add(f"return {_marker('DECLREF')}().dispatch_callable({call.arguments})")
        if inline_body:
            if kinds:
                out.add("if not _hf_at:")
                out.depth += 1
        else:
            out.add("if _hf_at:")
            with out.indent():
                out.add(f"return _hf_body({call.arguments})")
    contexts: list[_Context] = []
    handover = (
        "return {continue_}(" + _marker("DECLREF") + "().dispatcher, _hf_calls, {index}, _hf_v, {positional}, "
        "{keywords}, {entered})"
    )

    def entered() -> str:
        if not contexts:
            return "None"
        return f"{_marker('ENTERED')}(_hf_calls, {', '.join(_context_state(c) for c in contexts)})"

    if all(kind == KIND_FUNCTION for kind in kinds):
        for index, method_name in enumerate(method_names):
            _emit_hook_call(out, index, call, method_name, False)
            out.add("if _hf_v is not None:")
            with out.indent():
                out.add(
                    handover.format(
                        continue_=_marker("CONTINUE"),
                        index=index,
                        positional=call.positional,
                        keywords=call.keywords,
                        entered="None",
                    )
                )
        if not inline_body:
            out.add(f"return _hf_body({call.arguments})")
        return
    # Hooks whose values are entered: from the first one on, everything runs inside one try
    # statement whose handler exits what was entered (ExitStack's rules, in the twins' unwind). A
    # hand-over to the general path leaves the loop with `break`, outside that handler.
    first_context = next(index for index, kind in enumerate(kinds) if kind != KIND_FUNCTION)
    for index in range(first_context):
        _emit_hook_call(out, index, call, method_names[index], False)
        out.add("if _hf_v is not None:")
        with out.indent():
            out.add(
                handover.format(
                    continue_=_marker("CONTINUE"),
                    index=index,
                    positional=call.positional,
                    keywords=call.keywords,
                    entered="None",
                )
            )
    for index in range(first_context, len(kinds)):
        if kinds[index] != KIND_FUNCTION:
            out.add(f"_hf_x{index} = None")
    out.add("_hf_k = -1")
    out.add("while True:")
    with out.indent():
        out.add("try:")
        with out.indent():
            for index in range(first_context, len(kinds)):
                kind = kinds[index]
                _emit_hook_call(out, index, call, method_names[index], False)
                if kind == KIND_FUNCTION:
                    out.add("if _hf_v is not None:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    continue
                if kind == KIND_GENERATOR:
                    out.add(f"if type(_hf_v) is not {_marker('GENERATOR')}:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add(f"_hf_f{index} = {_marker('SEND')}(_hf_v, None)")
                    out.add(f"_hf_x{index} = _hf_v")
                    out.add(f"_hf_d{index} = _hf_f{index} is {_marker('STOPPED')}")
                    out.add(f"if _hf_d{index}:")
                    with out.indent():
                        out.add(f"_hf_f{index} = None")
                else:  # KIND_CONTEXT
                    out.add(f"if type(_hf_v) is not _hf_h{index}:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add("try:")
                    with out.indent():
                        out.add(f"_hf_n = _hf_h{index}.__enter__")
                        out.add(f"_hf_h{index}.__exit__")
                    out.add("except AttributeError:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add("_hf_n(_hf_v)")
                    out.add(f"_hf_x{index} = _hf_v")
                contexts.append(_Context(index, kind))
            out.add(f"_hf_r = _hf_body({call.arguments})")
            for context in contexts:
                _emit_process_result(out, context, False)
        out.add("except BaseException as _hf_e:")
        with out.indent():
            out.add(f"if {_marker('UNWIND')}(_hf_e, {entered()}):")
            with out.indent():
                out.add("return None")
            out.add("raise")
        _emit_exits(out, contexts, False)
        out.add("return _hf_r")
    _emit_exit_failure(out, contexts, False)
    out.add(
        handover.format(
            continue_=_marker("CONTINUE"),
            index="_hf_k",
            positional=call.positional,
            keywords=call.keywords,
            entered=entered(),
        )
    )


def _context_state(context: _Context) -> str:
    """``(hook index, value or None, first value, finished, is async)`` of a context, for the twins."""
    index = context.index
    is_async = context.kind in (KIND_ASYNC_GENERATOR, KIND_ASYNC_CONTEXT)
    if context.kind in (KIND_GENERATOR, KIND_ASYNC_GENERATOR):
        entered = f"_hf_x{index} is not None"
        return f"({index}, _hf_x{index}, _hf_f{index} if {entered} else None, _hf_d{index} if {entered} else False, {is_async})"
    return f"({index}, _hf_x{index}, None, False, {is_async})"


def _emit_process_result(out: _Lines, context: _Context, is_async: bool) -> None:
    index = context.index
    if context.kind == KIND_GENERATOR:
        out.add(f"if not _hf_d{index}:")
        with out.indent():
            out.add("try:")
            with out.indent():
                out.add(f"_hf_p = {_marker('SEND')}(_hf_x{index}, _hf_r)")
            out.add("except Exception:")
            with out.indent():
                out.add(f"{_marker('PROCESS_ERROR')}(_hf_calls[{index}])")
                out.add("raise")
            out.add(f"if _hf_p is {_marker('STOPPED')}:")
            with out.indent():
                out.add(f"_hf_d{index} = True")
                out.add(f"_hf_p = _hf_f{index}")
            out.add("if _hf_p is not None:")
            with out.indent():
                out.add("_hf_r = _hf_p")
        return
    if context.kind == KIND_ASYNC_GENERATOR:
        out.add(f"if not _hf_d{index}:")
        with out.indent():
            out.add("try:")
            with out.indent():
                out.add(f"_hf_p = await _hf_x{index}.asend(_hf_r)")
            out.add("except StopAsyncIteration:")
            with out.indent():
                out.add(f"_hf_d{index} = True")
                out.add(f"_hf_p = _hf_f{index}")
            out.add("except Exception:")
            with out.indent():
                out.add(f"{_marker('PROCESS_ERROR')}(_hf_calls[{index}])")
                out.add("raise")
            out.add("if _hf_p is not None:")
            with out.indent():
                out.add("_hf_r = _hf_p")
        return
    if context.kind == KIND_ASYNC_CONTEXT:
        out.add(f"if hasattr(_hf_x{index}, 'process_result'):")
        with out.indent():
            out.add("try:")
            with out.indent():
                out.add(f"_hf_p = _hf_x{index}.process_result(_hf_r)")
                out.add(f"if isinstance(_hf_p, {_marker('COROUTINE_ABC')}):")
                with out.indent():
                    out.add("_hf_p = await _hf_p")
            out.add("except Exception:")
            with out.indent():
                out.add(f"{_marker('PROCESS_ERROR')}(_hf_calls[{index}])")
                out.add("raise")
            out.add("if _hf_p is not None:")
            with out.indent():
                out.add("_hf_r = _hf_p")
        return
    # a sync context manager, on a sync or an async slot
    out.add(f"_hf_q = getattr(_hf_x{index}, 'process_result', None)")
    out.add("if _hf_q is not None:")
    with out.indent():
        out.add("try:")
        with out.indent():
            out.add("_hf_p = _hf_q(_hf_r)")
        out.add("except Exception:")
        with out.indent():
            out.add(f"{_marker('PROCESS_ERROR')}(_hf_calls[{index}])")
            out.add("raise")
        out.add("if _hf_p is not None:")
        with out.indent():
            out.add("_hf_r = _hf_p")


def _emit_exits(out: _Lines, contexts: list[_Context], is_async: bool) -> None:
    """Exit the entered contexts, innermost first; an exit that raises hands the rest over.

    The hand-over happens after the loop around the call (see :func:`_emit_exit_failure`), outside
    the ``except`` clause: called inside it, the exits left to run would see the exception as being
    handled, and an exception they raise would get it as ``__context__``, which
    ``contextlib.ExitStack`` (so the general path) does not give it.
    """
    for position in range(len(contexts) - 1, -1, -1):
        context = contexts[position]
        index = context.index
        rest = contexts[:position]
        entered_marker = _marker("AENTERED") if is_async else _marker("ENTERED")
        remaining = f"{entered_marker}(_hf_calls, {', '.join(_context_state(c) for c in rest)})" if rest else "None"
        if context.kind == KIND_GENERATOR:
            out.add(f"if not _hf_d{index}:")
            with out.indent():
                out.add("try:")
                with out.indent():
                    out.add(f"{_marker('GENERATOR_EXIT')}(_hf_x{index})")
                _emit_exit_handler(out, remaining)
        elif context.kind == KIND_ASYNC_GENERATOR:
            out.add(f"if not _hf_d{index}:")
            with out.indent():
                out.add("try:")
                with out.indent():
                    out.add(f"await {_marker('AGENERATOR_EXIT')}(_hf_x{index})")
                _emit_exit_handler(out, remaining)
        elif context.kind == KIND_ASYNC_CONTEXT:
            out.add("try:")
            with out.indent():
                out.add(f"if await type(_hf_x{index}).__aexit__(_hf_x{index}, None, None, None):")
                with out.indent():
                    out.add("pass")
            _emit_exit_handler(out, remaining)
        else:
            out.add("try:")
            with out.indent():
                out.add(f"if type(_hf_x{index}).__exit__(_hf_x{index}, None, None, None):")
                with out.indent():
                    out.add("pass")
            _emit_exit_handler(out, remaining)


#: ``_hf_k`` after the loop around a call when an exit raised (a hook index otherwise)
_EXIT_FAILED = -2


def _emit_exit_handler(out: _Lines, remaining: str) -> None:
    """An exit raised: note the error and the contexts left to exit, leave the loop."""
    out.add("except BaseException as _hf_e:")
    with out.indent():
        out.add("_hf_z = _hf_e")
        out.add(f"_hf_rest = {remaining}")
        out.add(f"_hf_k = {_EXIT_FAILED}")
        out.add("break")


def _emit_exit_failure(out: _Lines, contexts: list[_Context], is_async: bool) -> None:
    """After the loop: an exit raised after a call that succeeded; exit the others with it."""
    if not contexts:
        return
    failed = _marker("AEXITS_FAILED") if is_async else _marker("EXITS_FAILED")
    out.add(f"if _hf_k == {_EXIT_FAILED}:")
    with out.indent():
        out.add(f"return {'await ' if is_async else ''}{failed}(_hf_z, _hf_r, _hf_rest)")


def _emit_async(
    out: _Lines,
    call: _Call,
    kinds: list[str],
    method_names: list[str | None],
    in_hierarchy: bool,
    inline_body: bool,
    quick_name: str | None = None,
) -> None:
    """The body of a generated async slot function (or the prologue of an inline one)."""
    # one check: the plan's flag is set once a newer plan replaced it, or while the gate is open
    out.add(f"if {_marker('PLAN')}.stale:")
    with out.indent():
        # a coroutine made under an older plan (or the gate open): parameters left at their
        # defaults are passed as left out (see stale_arguments)
        slow = _marker("ASYNC_STALE") if call.has_defaults else _marker("ASYNC_SLOW")
        target = f"{_marker('DECLREF')}()" if call.has_defaults else f"{_marker('DECLREF')}().dispatcher"
        out.add(f"return await {slow}({target}, {call.positional}, {call.keywords})")
    if in_hierarchy:
        _emit_position(out, call, quick_name, _marker("APOSITION"))
        out.add("if _hf_at == 2:")
        with out.indent():
            out.add(f"return await {_marker('ASYNC_SLOW')}({_marker('DECLREF')}().dispatcher, {call.positional}, {call.keywords})")
        if inline_body:
            if kinds:
                out.add("if not _hf_at:")
                out.depth += 1
        else:
            out.add("if _hf_at:")
            with out.indent():
                out.add(f"return await _hf_body({call.arguments})")
    contexts: list[_Context] = []

    def entered() -> str:
        if not contexts:
            return "None"
        return f"{_marker('AENTERED')}(_hf_calls, {', '.join(_context_state(c) for c in contexts)})"

    def handover(index: str, value: str, entered_: str) -> str:
        return (
            f"return await {_marker('ACONTINUE')}({_marker('DECLREF')}().dispatcher, _hf_calls, {index}, {value}, "
            f"{call.positional}, {call.keywords}, {entered_})"
        )

    def emit_function_like(index: int, kind: str, inside: bool) -> None:
        """A hook expected to return None, or a coroutine that returns None."""
        _emit_hook_call(out, index, call, method_names[index], True)
        out.add("if _hf_v is not None:")
        with out.indent():
            if kind == KIND_ASYNC_FUNCTION:
                out.add(f"if type(_hf_v) is {_marker('COROUTINE')}:")
                with out.indent():
                    out.add("try:")
                    with out.indent():
                        out.add("_hf_v = await _hf_v")
                    out.add("except Exception:")
                    with out.indent():
                        out.add(f"{_marker('HOOK_FAILED')}(_hf_calls[{index}])")
                        out.add("raise")
                    out.add("if _hf_v is not None:")
                    with out.indent():
                        if inside:
                            out.add(f"_hf_v = {_marker('AWAITED')}(_hf_v)")
                            out.add(f"_hf_k = {index}")
                            out.add("break")
                        else:
                            out.add(handover(str(index), f"{_marker('AWAITED')}(_hf_v)", "None"))
                out.add("else:")
                with out.indent():
                    if inside:
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    else:
                        out.add(handover(str(index), "_hf_v", "None"))
            elif inside:
                out.add(f"_hf_k = {index}")
                out.add("break")
            else:
                out.add(handover(str(index), "_hf_v", "None"))

    plain = (KIND_FUNCTION, KIND_ASYNC_FUNCTION)
    if all(kind in plain for kind in kinds):
        for index, kind in enumerate(kinds):
            emit_function_like(index, kind, False)
        if not inline_body:
            out.add(f"return await _hf_body({call.arguments})")
        return
    first_context = next(index for index, kind in enumerate(kinds) if kind not in plain)
    for index in range(first_context):
        emit_function_like(index, kinds[index], False)
    for index in range(first_context, len(kinds)):
        if kinds[index] not in plain:
            out.add(f"_hf_x{index} = None")
    out.add("_hf_k = -1")
    out.add("while True:")
    with out.indent():
        out.add("try:")
        with out.indent():
            for index in range(first_context, len(kinds)):
                kind = kinds[index]
                if kind in plain:
                    emit_function_like(index, kind, True)
                    continue
                _emit_hook_call(out, index, call, method_names[index], True)
                if kind == KIND_GENERATOR:
                    out.add(f"if type(_hf_v) is not {_marker('GENERATOR')}:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add(f"_hf_f{index} = {_marker('SEND')}(_hf_v, None)")
                    out.add(f"_hf_x{index} = _hf_v")
                    out.add(f"_hf_d{index} = _hf_f{index} is {_marker('STOPPED')}")
                    out.add(f"if _hf_d{index}:")
                    with out.indent():
                        out.add(f"_hf_f{index} = None")
                elif kind == KIND_ASYNC_GENERATOR:
                    out.add(f"if type(_hf_v) is not {_marker('ASYNC_GENERATOR')}:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add("try:")
                    with out.indent():
                        out.add(f"_hf_f{index} = await _hf_v.asend(None)")
                        out.add(f"_hf_d{index} = False")
                    out.add("except StopAsyncIteration:")
                    with out.indent():
                        out.add(f"_hf_f{index} = None")
                        out.add(f"_hf_d{index} = True")
                    out.add(f"_hf_x{index} = _hf_v")
                else:  # a context manager class, sync or async
                    entering, exiting = (
                        ("__aenter__", "__aexit__") if kind == KIND_ASYNC_CONTEXT else ("__enter__", "__exit__")
                    )
                    out.add(f"if type(_hf_v) is not _hf_h{index}:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add("try:")
                    with out.indent():
                        out.add(f"_hf_n = _hf_h{index}.{entering}")
                        out.add(f"_hf_h{index}.{exiting}")
                    out.add("except AttributeError:")
                    with out.indent():
                        out.add(f"_hf_k = {index}")
                        out.add("break")
                    out.add(f"{'await ' if kind == KIND_ASYNC_CONTEXT else ''}_hf_n(_hf_v)")
                    out.add(f"_hf_x{index} = _hf_v")
                contexts.append(_Context(index, kind))
            out.add(f"_hf_r = await _hf_body({call.arguments})")
            for context in contexts:
                _emit_process_result(out, context, True)
        out.add("except BaseException as _hf_e:")
        with out.indent():
            out.add(f"if await {_marker('AUNWIND')}(_hf_e, {entered()}):")
            with out.indent():
                out.add("return None")
            out.add("raise")
        _emit_exits(out, contexts, True)
        out.add("return _hf_r")
    _emit_exit_failure(out, contexts, True)
    out.add(handover("_hf_k", "_hf_v", entered()))


# --- compiling ----------------------------------------------------------------------------------

_COMPILE_CACHE_SIZE = 512
_compiled: dict[tuple[Any, ...], CodeType] = {}


def _flatten_lines(tree: ast.AST) -> None:
    import ast

    """Put every node on line 1: once relocated, the code maps entirely to the slot's ``def`` line."""
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            located: Any = node
            located.lineno = located.end_lineno = 1
            located.col_offset = located.end_col_offset = 0


def _find_code(code: CodeType, name: str) -> CodeType:
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            if constant.co_name == name:
                return constant
            try:
                return _find_code(constant, name)
            except LookupError:
                continue
    raise LookupError(name)


def _replace_markers(code: CodeType, constants: dict[str, Any]) -> CodeType:
    replaced = []
    for constant in code.co_consts:
        if isinstance(constant, str) and constant in constants:
            replaced.append(constants[constant])
        elif isinstance(constant, CodeType):
            replaced.append(_replace_markers(constant, constants))
        else:
            replaced.append(constant)
    return code.replace(co_consts=tuple(replaced))


def compile_function(
    source_lines: list[str],
    header: str,
    factory_names: tuple[str, ...],
    prelude: list[str],
    name: str,
) -> CodeType:
    """Compile ``header`` + ``source_lines`` as a function nested in a factory of ``factory_names``."""
    key = (header, tuple(source_lines), factory_names, tuple(prelude))
    cached = _compiled.get(key)
    if cached is not None:
        return cached
    lines = [f"def __hookfast_factory__({', '.join(factory_names)}):", "    " + header]
    lines += ["        " + line for line in (*prelude, *source_lines)]
    lines.append(f"    return {name}")
    import ast
    import warnings

    tree = ast.parse("\n".join(lines))
    _flatten_lines(tree)
    with warnings.catch_warnings():
        # "'str' object is not callable": the markers are replaced before the code ever runs
        warnings.simplefilter("ignore", SyntaxWarning)
        module = compile(tree, "<hookfast generated>", "exec", dont_inherit=True)
    code = _find_code(module, name)
    if len(_compiled) >= _COMPILE_CACHE_SIZE:
        _compiled.clear()
    _compiled[key] = code
    return code


# --- a plan: the code of one slot for the hooks it has now ---------------------------------------

#: the objects generated code reads as constants (process-wide; set by the backend twins' helpers)
_CONSTANT_NAMES = (
    "GATE",
    "HOOK_ERROR",
    "HOOK_FAILED",
    "CONTINUE",
    "ENTERED",
    "UNWIND",
    "EXITS_FAILED",
    "SEND",
    "STOPPED",
    "GENERATOR",
    "GENERATOR_EXIT",
    "PROCESS_ERROR",
    "POSITION",
    "APOSITION",
    "ASYNC_SLOW",
    "ASYNC_STALE",
    "ACONTINUE",
    "AENTERED",
    "AUNWIND",
    "AEXITS_FAILED",
    "AGENERATOR_EXIT",
    "ASYNC_GENERATOR",
    "COROUTINE",
    "COROUTINE_ABC",
    "AWAITED",
    "REDO",
)


def redo(declaration_reference: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call the slot again: its code was replaced between the call (or the coroutine's making)
    and the plan look-up. Parameters left at their defaults are passed as left out (see
    :func:`stale_arguments`)."""
    declaration = declaration_reference()
    args, kwargs = stale_arguments(declaration, args, kwargs)
    return declaration.function(*args, **kwargs)


def stale_arguments(
    declaration: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The arguments a coroutine made under an older plan hands to the general path.

    The coroutine holds its parameters, not the caller's arguments: a parameter still holding
    its default (the very object) is taken as left out, as the caller most likely left it, so a
    hook bound since gets its own default, as it would have from the call.
    """
    code = declaration.original_code
    function = declaration.function
    defaults = function.__defaults__
    if defaults and not code.co_flags & _CO_VARARGS:
        count = code.co_argcount
        first = count - len(defaults)
        end = len(args)
        while first < end <= count and args[end - 1] is defaults[end - 1 - first]:
            end -= 1
        args = args[:end]
    kwdefaults = function.__kwdefaults__
    if kwdefaults and kwargs:
        kwargs = {name: value for name, value in kwargs.items() if kwdefaults.get(name, _EMPTY) is not value}
    return args, kwargs


def _stale_async_call(dispatch_async: Any) -> Any:
    def stale_async(declaration: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        args, kwargs = stale_arguments(declaration, args, kwargs)
        return dispatch_async(declaration.dispatcher, args, kwargs)

    return stale_async


def helper_constants(backend: Any) -> dict[str, Any]:
    """The marker strings of generated code mapped to the objects of ``backend`` (one twin module)."""
    import collections.abc
    import types

    helpers = backend.generated_code_helpers()
    constants = {_key("GATE"): GATE, _key("GENERATOR"): types.GeneratorType}
    constants[_key("ASYNC_GENERATOR")] = types.AsyncGeneratorType
    constants[_key("COROUTINE")] = types.CoroutineType
    constants[_key("COROUTINE_ABC")] = collections.abc.Coroutine
    for name, value in helpers.items():
        constants[_key(name)] = value
    constants[_key("REDO")] = redo
    constants[_key("ASYNC_STALE")] = _stale_async_call(helpers["ASYNC_SLOW"])
    missing = [name for name in _CONSTANT_NAMES if _key(name) not in constants]
    if missing:
        raise RuntimeError(f"hookfast: backend {backend.BACKEND} lacks generated-code helpers {missing}")
    return constants


def generated_source(
    params: list[Param],
    kinds: list[str],
    method_names: list[str | None],
    *,
    is_async: bool,
    in_hierarchy: bool,
    inline_body: bool,
    quick_name: str | None = None,
) -> list[str]:
    """The statements of a slot function's generated body (or inline prologue), unindented."""
    out = _Lines()
    out.depth = 0
    call = _Call(params)
    if is_async:
        _emit_async(out, call, kinds, method_names, in_hierarchy, inline_body, quick_name)
    else:
        _emit_sync(out, call, kinds, method_names, in_hierarchy, inline_body, quick_name)
    return out.lines


def plan_names(source: list[str], count: int) -> list[str]:
    """The plan's free names a generated body uses, in a fixed order."""
    names = [f"_hf_h{index}" for index in range(count)]
    names += ["_hf_body", "_hf_calls", "_hf_self", "_hf_decl"]
    text = "\n".join(source)
    return [name for name in names if name in text]


def handle_prelude(names: list[str], call: _Call, is_async: bool) -> list[str]:
    """Statements that fetch a plan's objects through its weak handle (pure-Python backend).

    The handle is dead once a newer plan replaced this code: the call then starts again. Async
    code that needs none of the plan's objects (an async slot with no hook) fetches nothing: the
    plan's flag, read next, already sends a coroutine of a replaced plan to the general path.
    """
    if is_async and not names:
        return []
    redo = f"{_marker('REDO')}({_marker('DECLREF')}, {call.positional}, {call.keywords})"
    lines = [
        f"_hf_plan = {_marker('HANDLE')}()",
        "if _hf_plan is None:",
        f"    return {'await ' if is_async else ''}{redo}",
    ]
    if names:
        lines.append(f"{', '.join(names)}{',' if len(names) == 1 else ''} = _hf_plan")
    return lines


def clashes(params: list[Param], code: CodeType) -> bool:
    """Whether the slot's own names could collide with the generated code's (``_hf_*``)."""
    names = [*code.co_varnames, *code.co_freevars, *code.co_cellvars, *(p.name for p in params)]
    return any(name.startswith("_hf_") for name in names)


def build_code(
    original: CodeType,
    params: list[Param],
    kinds: list[str],
    method_names: list[str | None],
    *,
    is_async: bool,
    in_hierarchy: bool,
    receiver_positional: bool,
    closure: bool,
    constants: dict[str, Any],
    quick_name: str | None = None,
) -> CodePlan:
    """Generated code for a slot whose function has code ``original``.

    With ``closure``, the plan's objects are the code's free variables (the compiled backend sets
    the function's closure to them); otherwise the code reads them through the weak handle that
    replaces the ``HANDLE`` marker and keeps the function's own free variables (the pure-Python
    backend can only assign a code with as many).
    """
    body = generated_source(
        params,
        kinds,
        method_names,
        is_async=is_async,
        in_hierarchy=in_hierarchy,
        inline_body=False,
        quick_name=quick_name,
    )
    names = plan_names(body, len(kinds))
    call = _Call(params)
    asynchronous = "async " if is_async else ""
    header = f"{asynchronous}def {original.co_name}({_parameters_source(params, receiver_positional)}):"
    prelude: list[str] = []
    if closure:
        factory_names = tuple(names)
    else:
        factory_names = original.co_freevars
        if factory_names:  # keep the function's free variables free: mentioned where nothing runs
            prelude.append(f"if False: ({', '.join(factory_names)},)")
        prelude += handle_prelude(names, call, is_async)
    code = compile_function(body, header, factory_names, prelude, original.co_name)
    code = _replace_markers(code, constants)
    code = code.replace(
        co_name=original.co_name,
        co_filename=original.co_filename,
        co_firstlineno=original.co_firstlineno,
        **({"co_qualname": original.co_qualname} if hasattr(original, "co_qualname") else {}),
    )
    source = "\n".join([header, *("    " + line for line in prelude + body)])
    if closure:
        return CodePlan("generated", code, code.co_freevars, (), source)
    return CodePlan("generated", code, tuple(names), (), source)


# --- deciding and installing: what a slot function runs for the hooks it has now -----------------


class Plan(list):  # type: ignore[type-arg]
    """The objects of one plan, in the order its code unpacks them (pure-Python backend)."""

    __slots__ = ("__weakref__",)
    __hash__ = object.__hash__  # type: ignore[assignment]  # one plan is one object

    def __eq__(self, other: object) -> bool:
        return self is other


class Installation:
    """What a slot's function and class attribute become for one set of hooks.

    Attributes:
        call_path: ``"plain"`` (no hook can run: the method's own code), ``"inline"`` (the hooks
            called at the top of the method's own code), ``"generated"`` (generated code calling
            the hooks, then the method body) or ``"dispatcher"`` (the general path).
        code: the function's new code (None: leave it).
        closure: the function's new closure, for a backend that sets closures.
        plan: the objects the code reads through its weak handle (pure-Python backend).
        dispatching_class_value: whether the class must hold the dispatcher object.
    """

    __slots__ = ("call_path", "closure", "code", "dispatching_class_value", "plan")

    def __init__(
        self,
        call_path: str,
        code: CodeType | None,
        closure: tuple[Any, ...] | None,
        dispatching_class_value: bool,
        plan: Plan | None = None,
    ) -> None:
        self.call_path = call_path
        self.code = code
        self.closure = closure
        self.dispatching_class_value = dispatching_class_value
        self.plan = plan


_constants_by_backend: dict[str, dict[str, Any]] = {}


def _constants(backend: Any) -> dict[str, Any]:
    constants = _constants_by_backend.get(backend.BACKEND)
    if constants is None:
        constants = _constants_by_backend[backend.BACKEND] = helper_constants(backend)
    return constants


def _analyse(calls: tuple[Any, ...], params: list[Param], receiver: bool, is_async: bool) -> tuple[list[str], bool] | None:
    """The hooks' kinds and whether the receiver must be positional-only; None if not eligible."""
    modes = set()
    kinds = []
    for hook_call in calls:
        mode = binds_like_slot(hook_call.callback, params, receiver, hook_call.method_name is not None)
        if mode is None:
            return None
        modes.add(mode)
        kinds.append(hook_kind(hook_call.callback, is_async))
    # Any hook whose receiver has another name makes the receiver positional-only (a call passing
    # it by keyword then fails before any hook, as documented).
    return kinds, "positional" in modes


def _cells(code: CodeType, named: dict[str, Any], original_code: CodeType, original_closure: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The closure for ``code``: the function's own cells by name, new cells for the plan's names."""
    import types

    own = dict(zip(original_code.co_freevars, original_closure or ()))
    return tuple(own[name] if name in own else types.CellType(named[name]) for name in code.co_freevars)


def plan_slot(declaration: Any, calls: tuple[Any, ...]) -> Installation:
    """Decide what ``declaration``'s function runs for ``calls`` (the hooks a call runs now)."""
    original = declaration.original_code
    if original is None:  # not a Python function: only the dispatcher can run hooks
        return Installation("dispatcher" if calls else "plain", None, None, bool(calls))
    backend = declaration.backend
    closes = backend.SETS_CLOSURES
    original_closure = declaration.original_closure
    if original.co_flags & (_CO_GENERATOR | _CO_ASYNC_GENERATOR) or not declaration.generatable:
        # generator functions, and signatures generated code cannot mirror: the general path
        if not calls and declaration.is_async:
            # No hook can run now, but a coroutine made now runs the hooks in force when it
            # starts: the trampoline's reaches the general path, which reads them then.
            return Installation("plain", declaration.trampoline_code(), original_closure, False)
        if not calls:
            return Installation("plain", original, original_closure, False)
        return Installation("dispatcher", declaration.trampoline_code(), original_closure, closes)
    is_async = declaration.is_async
    # Every new plan outdates the coroutines made under the previous one, whatever path it takes
    # (the general path included): their code reads its plan's flag.
    plan_flag = declaration.state.advance() if is_async else None
    if not calls and not is_async:
        return Installation("plain", original, original_closure, False)
    function = declaration.function
    params = slot_params(original, function.__defaults__, function.__kwdefaults__)
    receiver = declaration.has_receiver and bool(params) and params[0].kind in (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD)
    if calls:
        # Generated code passes every parameter on, a defaulted one as its default when the
        # caller left it out, where the general path passes what the caller gave. The same only
        # while the defaults stay what the hooks were checked against, and assigning a function's
        # __defaults__ cannot be watched: slots with defaults keep the general path.
        analysis = None if any(param.has_default for param in params) else _analyse(calls, params, receiver, is_async)
        if analysis is None:
            return Installation("dispatcher", declaration.trampoline_code(), original_closure, closes)
        kinds, receiver_positional = analysis
    else:  # an async slot with no hook: coroutines made now must still run hooks bound later
        kinds, receiver_positional = [], False
    constants = dict(_constants(backend))
    constants[_key("DECLREF")] = declaration.reference
    dispatcher = declaration.dispatcher
    if is_async:
        constants[_key("PLAN")] = plan_flag
    in_hierarchy = dispatcher.in_hierarchy and receiver
    method_names = [hook_call.method_name for hook_call in calls]
    named = {
        **{f"_hf_h{index}": hook_call.callback for index, hook_call in enumerate(calls)},
        "_hf_body": declaration.body,
        "_hf_calls": calls,
        "_hf_self": declaration.function,
        "_hf_decl": declaration,
    }
    # a method whose class holds the slot function itself: the super() rule's common case is one
    # identity check (see _emit_position)
    quick_name = (
        declaration.name
        if declaration.kind == SLOT_METHOD
        and declaration.original_value is declaration.function
        and declaration.name.isidentifier()
        else None
    )
    plain_kinds = (KIND_FUNCTION, KIND_ASYNC_FUNCTION)
    template = declaration.source_template() if all(kind in plain_kinds for kind in kinds) else None
    if template is not None:
        prologue = generated_source(
            params,
            kinds,
            method_names,
            is_async=is_async,
            in_hierarchy=in_hierarchy,
            inline_body=True,
            quick_name=quick_name,
        )
        names = plan_names(prologue, len(kinds))
        path = "inline" if calls else "plain"
        if closes:
            code = declaration.spliced_code(template, prologue, tuple(names))
        else:
            prelude = handle_prelude(names, _Call(params), is_async)
            code = declaration.spliced_code(template, prelude + prologue, ())
        code = _replace_markers(code, constants)
        if receiver_positional and code.co_posonlyargcount == 0:
            code = code.replace(co_posonlyargcount=1)
        if closes:
            template.remember(code)
            return Installation(path, code, _cells(code, named, original, original_closure), False)
        plan = Plan(named[name] for name in names)
        code = _replace_markers(code, _handle_constants(plan, declaration))
        template.remember(code)
        return Installation(path, code, original_closure, False, plan)
    code_plan = build_code(
        original,
        params,
        kinds,
        method_names,
        is_async=is_async,
        in_hierarchy=in_hierarchy,
        receiver_positional=receiver_positional,
        closure=closes,
        constants=constants,
        quick_name=quick_name,
    )
    path = "generated" if calls else "plain"
    if closes:
        return Installation(path, code_plan.code, _cells(code_plan.code, named, original, original_closure), False)
    plan = Plan(named[name] for name in code_plan.names)
    code = _replace_markers(code_plan.code, _handle_constants(plan, declaration))
    return Installation(path, code, original_closure, False, plan)


def _handle_constants(plan: Plan, declaration: Any) -> dict[str, Any]:
    from hookfast._references import Reference

    return {_key("HANDLE"): Reference(plan)}


def async_entry(declaration: Any) -> Callable[..., Any]:
    """An ``async def`` that runs the general path of an async slot (what its trampoline calls,
    and what the compiled backend's class holds on the dispatcher path)."""
    backend = declaration.backend
    function = declaration.function
    namespace: dict[str, Any] = {"_hookfast_dispatch_async": backend.dispatch_async}
    source = (
        "def __hookfast_factory__(_hf_decl):\n"
        f"    async def {function.__name__ if function.__name__.isidentifier() else 'slot'}(*args, **kwargs):\n"
        "        return await _hookfast_dispatch_async(_hf_decl.dispatcher, args, kwargs)\n"
        f"    return {function.__name__ if function.__name__.isidentifier() else 'slot'}\n"
    )
    exec(compile(source, "<hookfast async slot>", "exec"), namespace)
    entry: Any = namespace["__hookfast_factory__"](declaration)
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(entry, attribute, getattr(function, attribute))
        except (AttributeError, TypeError):
            continue
    entry.__dict__ = function.__dict__
    annotations = getattr(function, "__annotations__", None)
    if type(annotations) is dict:
        entry.__annotations__ = annotations
    return entry  # type: ignore[no-any-return]
