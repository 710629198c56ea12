"""Every call path of a slot runs what a naive reference engine runs, whatever changed and when.

While hooks can run, a slot call runs one of several paths (``Cls.m.__hooks__.call_path``): the
slot's own code with the hook calls spliced in front of its body ("inline"), code generated for its
hooks ("generated"), or the general path ("dispatcher"). Each path is chosen, compiled and cached
when the hooks or their states change. This module checks them against ``Reference``: a slow,
obviously correct engine written here from the documented call semantics, which keeps its own model
of which hook is bound where with which priority and state, and wraps each slot the naive way (a
function taking ``*args, **kwargs`` that looks everything up on every call).

A *program* (``Program``) is plain data: one slot family (a signature: plain, defaults,
keyword-only, ``*args``, ``**kwargs``, positional-only, classmethod, staticmethod; sync or
``async def``), a hierarchy (``Base``; a ``Sub`` redeclaring the slot and calling ``super()``; an
``Inh`` inheriting it; a ``Leaf`` overriding Sub's slot with a plain method that calls it), hooks of
every shape and signature, and operations: calls (positional or keyword arguments, through the
instance, the class, a bound method or the class namespace's object taken before the first bind,
``Base.m(sub)``), binds, unbinds, the four enable/disable levels, priorities, skip blocks
(process-wide and local), NOTICE logging switched on or off, and for async slots coroutines made
now and run later. Hooks may perform such an operation themselves in the middle of a call (sync
hooks may also call the slot again): the call keeps the hooks it started with, the next call sees
the change.

``run(program, engine)`` builds fresh classes and hooks, runs the operations and returns the full
trace: every hook stage and method body with its arguments, every result or exception chain (type,
message, cause, context), every hookfast log record at WARNING or above. The trace of hookfast
(each backend) must equal the reference's. The slot classes are written out below (not made with
``exec``) so that their source is at hand and the "inline" path is exercised too.

Documented differences, left out of the random programs and checked explicitly at the end: on the
"inline" and "generated" paths, a call passing the receiver by keyword (when a hook names its
receiver differently) or a call the slot's own signature rejects raises ``TypeError`` before any hook
runs, where the general path raises ``SignatureError`` from the first hook. One known divergence
is left out too, with a strict ``xfail`` test saying what the reference does: a coroutine made
before a change holds its parameters, not the caller's arguments, so a hook that only the general
path serves gets keyword arguments by position.

``HOOKFAST_DIFF_EXAMPLES`` sets the number of random programs per backend (default 300, a few
seconds); ``test_the_programs_exercise_every_call_path`` runs a fixed set of ``PATH_EXAMPLES``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
import os
import re
from collections.abc import AsyncGenerator, Coroutine, Generator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

import hookfast

EXAMPLES = int(os.environ.get("HOOKFAST_DIFF_EXAMPLES") or 300)
#: programs of the fixed set that must reach every call path (per backend, sync and async)
PATH_EXAMPLES = 80

#: ``__module__`` of every hook callback (it appears in log messages and SignatureError)
MODULE = "hookfast_paths"
NOTICE = 5

EXCEPTIONS: dict[str, type[Exception]] = {
    "ValueError": ValueError,
    "KeyError": KeyError,
    "TypeError": TypeError,
    "RuntimeError": RuntimeError,
    "StopIteration": StopIteration,
}


class HarnessError(BaseException):
    """A fault of this test's harness: never caught as a program's outcome."""


# --------------------------------------------------------------------------- normalising the trace

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def _clean(text: str) -> str:
    return _ADDRESS.sub("0x?", text)


def _message(exc: BaseException) -> Any:
    text = _clean(str(exc))
    if type(exc).__name__ == "SignatureError":
        # the layout is fixed; the source locations are not the point here
        return tuple(
            line.strip()
            for line in text.splitlines()
            if line.strip().startswith(("Error while", "Method name:", "Hook name:"))
        )
    return text


def describe_exception(exc: BaseException | None) -> Any:
    """The exception and its ``__context__`` chain: type, message, cause, suppress_context."""
    chain = []
    current = exc
    while current is not None and len(chain) < 6:
        cause = current.__cause__
        chain.append(
            (
                type(current).__name__,
                _message(current),
                None if cause is None else (type(cause).__name__, _message(cause)),
                current.__suppress_context__,
            )
        )
        current = current.__context__
    return tuple(chain)


class _Capture(logging.Handler):
    """Appends hookfast's log records at WARNING and above to the trace."""

    def __init__(self, trace: list[Any]) -> None:
        super().__init__(logging.WARNING)
        self.trace = trace

    def emit(self, record: logging.LogRecord) -> None:
        exc_type = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else None
        self.trace.append(("log", record.levelname, _clean(record.getMessage()), exc_type))


# --------------------------------------------------------------------------- the slot families
#
# Each factory defines Base (declaring the slot), and on request Sub (redeclaring it, calling
# super() or, for a static method, Base.m explicitly) and Inh (inheriting it). ``slot`` and
# ``support_hooks`` are hookfast's or the reference's: the methods are the same code either way.


def _inherit(classes: dict[str, type], shape: tuple[str, ...]) -> dict[str, type]:
    if "Inh" in shape:
        classes["Inh"] = type("Inh", (classes["Base"],), {"__qualname__": "Inh"})
    return classes


def _plain(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        def m(self, x):
            return rec.body("Base", self, (x,))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            def m(self, x):
                return rec.body("Sub", self, (x,), super().m(x))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _defaults(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        def m(self, x, y=None):
            return rec.body("Base", self, (x, y))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            def m(self, x, y=None):
                return rec.body("Sub", self, (x, y), super().m(x, y))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _kwonly(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        def m(self, x, *, k=None):
            return rec.body("Base", self, (x, k))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            def m(self, x, *, k=None):
                return rec.body("Sub", self, (x, k), super().m(x, k=k))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _varargs(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        def m(self, x, *args):
            return rec.body("Base", self, (x, args))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            def m(self, x, *args):
                return rec.body("Sub", self, (x, args), super().m(x, *args))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _varkw(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        def m(self, x, **kw):
            return rec.body("Base", self, (x, kw))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            def m(self, x, **kw):
                return rec.body("Sub", self, (x, kw), super().m(x, **kw))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _posonly(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        def m(self, x, /, y=None):
            return rec.body("Base", self, (x, y))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            def m(self, x, /, y=None):
                return rec.body("Sub", self, (x, y), super().m(x, y))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _classmethod(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        @classmethod
        def m(cls, x):
            return rec.body("Base", cls, (x,))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            @classmethod
            def m(cls, x):
                return rec.body("Sub", cls, (x,), super().m(x))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _staticmethod(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        @staticmethod
        def m(x, y=None):
            return rec.body("Base", None, (x, y))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            @staticmethod
            def m(x, y=None):
                return rec.body("Sub", None, (x, y), Base.m(x, y))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_plain(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        async def m(self, x):
            await rec.pause()
            return rec.body("Base", self, (x,))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            async def m(self, x):
                return rec.body("Sub", self, (x,), await super().m(x))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_defaults(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        async def m(self, x, y=None):
            await rec.pause()
            return rec.body("Base", self, (x, y))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            async def m(self, x, y=None):
                return rec.body("Sub", self, (x, y), await super().m(x, y))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_kwonly(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        async def m(self, x, *, k=None):
            await rec.pause()
            return rec.body("Base", self, (x, k))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            async def m(self, x, *, k=None):
                return rec.body("Sub", self, (x, k), await super().m(x, k=k))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_varargs(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        async def m(self, x, *args):
            await rec.pause()
            return rec.body("Base", self, (x, args))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            async def m(self, x, *args):
                return rec.body("Sub", self, (x, args), await super().m(x, *args))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_varkw(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        async def m(self, x, **kw):
            await rec.pause()
            return rec.body("Base", self, (x, kw))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            async def m(self, x, **kw):
                return rec.body("Sub", self, (x, kw), await super().m(x, **kw))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_posonly(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        async def m(self, x, /, y=None):
            await rec.pause()
            return rec.body("Base", self, (x, y))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            async def m(self, x, /, y=None):
                return rec.body("Sub", self, (x, y), await super().m(x, y))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_classmethod(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        @classmethod
        async def m(cls, x):
            await rec.pause()
            return rec.body("Base", cls, (x,))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            @classmethod
            async def m(cls, x):
                return rec.body("Sub", cls, (x,), await super().m(x))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


def _async_staticmethod(rec: Run, shape: tuple[str, ...], slot: Any, support_hooks: Any) -> dict[str, type]:
    @support_hooks
    class Base:
        @slot
        @staticmethod
        async def m(x, y=None):
            await rec.pause()
            return rec.body("Base", None, (x, y))

    classes: dict[str, type] = {"Base": Base}
    if "Sub" in shape:

        @support_hooks
        class Sub(Base):
            @slot
            @staticmethod
            async def m(x, y=None):
                return rec.body("Sub", None, (x, y), await Base.m(x, y))

        classes["Sub"] = Sub
    return _inherit(classes, shape)


@dataclasses.dataclass(frozen=True)
class Family:
    kind: str  # "method", "classmethod" or "staticmethod"
    asynchronous: bool
    params: str  # the slot's parameters as written in its def
    values: str  # the expression of the parameter values a hook records (receiver excluded)
    #: the calls the slot accepts: positional value names, ";", keyword=value names
    patterns: tuple[str, ...]
    factory: Callable[..., dict[str, type]]
    #: the parameter whose default a program may reassign ("" none; else "defaults" or "kwdefaults")
    defaults: str = ""
    #: whether a hook may take ``method_name`` as its last positional parameter
    method_name_positional: bool = False

    @property
    def receiver(self) -> str | None:
        return None if self.kind == "staticmethod" else self.params.split(",")[0].strip()


_SYNC_FAMILIES = {
    "plain": Family("method", False, "self, x", "(x,)", ("x", ";x=x"), _plain, method_name_positional=True),
    "defaults": Family(
        "method",
        False,
        "self, x, y=None",
        "(x, y)",
        ("x", "x,v", "x;y=v", ";x=x,y=v", ";x=x"),
        _defaults,
        "defaults",
    ),
    "kwonly": Family(
        "method", False, "self, x, *, k=None", "(x, k)", ("x", "x;k=v", ";x=x,k=v"), _kwonly, "kwdefaults"
    ),
    "varargs": Family(
        "method", False, "self, x, *args", "(x, args)", ("x", "x,v", "x,v,w", ";x=x"), _varargs
    ),
    "varkw": Family("method", False, "self, x, **kw", "(x, kw)", ("x", "x;e=v", ";x=x,e=v", ";x=x"), _varkw),
    "posonly": Family(
        "method", False, "self, x, /, y=None", "(x, y)", ("x", "x,v", "x;y=v"), _posonly, "defaults"
    ),
    "classmethod": Family(
        "classmethod", False, "cls, x", "(x,)", ("x", ";x=x"), _classmethod, method_name_positional=True
    ),
    "staticmethod": Family(
        "staticmethod",
        False,
        "x, y=None",
        "(x, y)",
        ("x", "x,v", ";x=x", "x;y=v", ";x=x,y=v"),
        _staticmethod,
        "defaults",
    ),
}
_ASYNC_FACTORIES = {
    "plain": _async_plain,
    "defaults": _async_defaults,
    "kwonly": _async_kwonly,
    "varargs": _async_varargs,
    "varkw": _async_varkw,
    "posonly": _async_posonly,
    "classmethod": _async_classmethod,
    "staticmethod": _async_staticmethod,
}
FAMILIES: dict[str, Family] = {
    **_SYNC_FAMILIES,
    **{
        f"async_{name}": dataclasses.replace(family, asynchronous=True, factory=_ASYNC_FACTORIES[name])
        for name, family in _SYNC_FAMILIES.items()
    },
}

SHAPES: tuple[tuple[str, ...], ...] = (
    ("Base",),
    ("Base", "Sub"),
    ("Base", "Inh"),
    ("Base", "Sub", "Inh"),
    ("Base", "Sub", "Leaf"),
)


def make_leaf(rec: Run, parent: type, family: Family) -> type:
    """Leaf: a plain override of Sub's slot (no ``@slot``) that calls it, with any arguments.

    A call through it reaches Sub's slot from below: Sub's hooks run (Base's with them, once), and
    Sub's own super() call is a delegation, known from what is in progress for the receiver.
    """
    leaf: Any = None
    m: Any
    if family.kind == "staticmethod":
        if family.asynchronous:

            async def m(*args: Any, **kwargs: Any) -> Any:
                return rec.body("Leaf", None, ("leaf",), await parent.m(*args, **kwargs))

        else:

            def m(*args: Any, **kwargs: Any) -> Any:
                return rec.body("Leaf", None, ("leaf",), parent.m(*args, **kwargs))

        value: Any = staticmethod(m)
    else:
        if family.asynchronous:

            async def m(receiver: Any, *args: Any, **kwargs: Any) -> Any:
                inner = await super(leaf, receiver).m(*args, **kwargs)
                return rec.body("Leaf", receiver, ("leaf",), inner)

        else:

            def m(receiver: Any, *args: Any, **kwargs: Any) -> Any:
                return rec.body("Leaf", receiver, ("leaf",), super(leaf, receiver).m(*args, **kwargs))

        value = classmethod(m) if family.kind == "classmethod" else m
    leaf = type("Leaf", (parent,), {"__qualname__": "Leaf", "m": value})
    return leaf


def arguments(pattern: str, x: Any, v: Any, w: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The positional and keyword arguments of a call pattern (see ``Family.patterns``)."""
    values = {"x": x, "v": v, "w": w}
    positional, _, keywords = pattern.partition(";")
    args = tuple(values[name] for name in positional.split(",") if name)
    kwargs = {}
    for item in keywords.split(","):
        if item:
            name, _, value = item.partition("=")
            kwargs[name] = values[value]
    return args, kwargs


# --------------------------------------------------------------------------- hook callbacks


def hook_signature(family: Family, sig: str) -> tuple[str, str, str, str]:
    """A hook's parameters, and the expressions of what it records: receiver, values, method_name.

    Signatures: "same" as the slot's; "recv", the receiver named ``obj``; "mname" / "mname_pos",
    plus a ``method_name`` keyword-only / last positional parameter; "star", ``*args, **kwargs``;
    "loose", any call the slot accepts, bound otherwise; "bad", cannot take ``x`` (SignatureError).
    The first four take the slot's arguments alike by position and keyword: generated code serves
    them; only the general path serves the last three.
    """
    receiver = family.receiver
    params, values = family.params, family.values
    recv = receiver or "None"
    if sig == "same":
        return params, recv, values, "None"
    if sig == "recv":
        assert receiver is not None
        return "obj" + params[len(receiver) :], "obj", values, "None"
    if sig == "mname":
        if "**" in params:
            head, _, tail = params.partition(", **")
            star = ", " if "*" in head else ", *, "
            return f"{head}{star}method_name, **{tail}", recv, values, "method_name"
        star = ", " if "*" in params else ", *, "
        return f"{params}{star}method_name", recv, values, "method_name"
    if sig == "mname_pos":
        return f"{params}, method_name", recv, values, "method_name"
    if sig == "star":
        return "*args, **kwargs", "None", "('star', args, kwargs)", "None"
    if sig == "loose":
        prefix = f"{receiver}, " if receiver else ""
        return f"{prefix}x, *rest, **kw", recv, "('loose', x, rest, kw)", "None"
    assert sig == "bad"  # cannot take x: every call raises SignatureError
    return receiver or "", recv, "()", "None"


_GENERATOR_BODY = """\
    ctl = impl({recv}, {values}, {mname})
    {pause}
    if ctl.empty:
        ctl.finish()
        return
    if ctl.suppress:
        try:
            received = yield ctl.first
            ctl.resumed(received)
        except Exception as error:
            ctl.suppressed(error)
        ctl.finish()
        return
    received = yield ctl.first
    ctl.resumed(received)
    if ctl.second:
        second = yield ctl.second_value(received)
        ctl.resumed_second(second)
        if ctl.third:
            yield "third"
    ctl.finish()
"""

_templates: dict[tuple[str, str, str], Callable[[Any], Any]] = {}


def callback_factory(family_name: str, sig: str, style: str) -> Callable[[Any], Any]:
    """``factory(impl)``: a callback with the hook signature ``sig`` forwarding to ``impl``.

    Styles: "fn" (function), "afn" (async def), "gen" (generator), "agen" (async generator),
    "init" (a context-manager class's ``__init__``).
    """
    key = (family_name, sig, style)
    factory = _templates.get(key)
    if factory is None:
        params, recv, values, mname = hook_signature(FAMILIES[family_name], sig)
        forward = f"impl({recv}, {values}, {mname})"
        if style == "fn":
            body = f"def cb({params}):\n    return {forward}\n"
        elif style == "afn":
            body = f"async def cb({params}):\n    return await {forward}\n"
        elif style == "init":
            receivers = f"hookself, {params}" if params else "hookself"
            body = f"def cb({receivers}):\n    impl(hookself, {recv}, {values}, {mname})\n"
        else:
            asynchronous = style == "agen"
            body = f"{'async ' if asynchronous else ''}def cb({params}):\n" + _GENERATOR_BODY.format(
                recv=recv, values=values, mname=mname, pause="await ctl.pause()" if asynchronous else "pass"
            )
        source = (
            "def factory(impl):\n"
            + "".join(f"    {line}\n" for line in body.splitlines())
            + "    return cb\n"
        )
        namespace: dict[str, Any] = {"__name__": MODULE}
        exec(compile(source, f"<hook {family_name} {sig} {style}>", "exec"), namespace)
        factory = _templates[key] = namespace["factory"]
    return factory


SYNC_KINDS = (
    "none",  # function returning None
    "value",  # function returning spec.value (0, "", False included)
    "gen_bare",  # `yield`
    "gen_value",  # `r = yield value`
    "gen_send",  # `r = yield; yield f(r)`
    "gen_empty",  # a generator function that yields nothing
    "gen_three",  # yields three times: "generator didn't stop"
    "gen_suppress",  # try/except around the yield: suppresses the method's exception
    "cm",  # context-manager class without process_result
    "cm_result",  # context-manager class with process_result returning spec.value
)
ASYNC_KINDS = (
    "anone",  # async def returning None
    "avalue",  # async def returning spec.value
    "agen_bare",
    "agen_value",
    "agen_send",
    "agen_empty",
    "agen_three",
    "agen_suppress",
    "acm",  # async context-manager class without process_result
    "acm_result",  # ... with a sync process_result
    "acm_aresult",  # ... with an async def process_result
)
#: where each kind of hook may raise or act
STAGES = {
    "function": ("call",),
    "generator": ("enter", "after_yield", "exit"),
    "context": ("call", "enter", "process_result", "exit"),
}


def kind_family(kind: str) -> str:
    if kind in ("none", "value", "anone", "avalue"):
        return "function"
    if "gen" in kind:
        return "generator"
    return "context"


@dataclasses.dataclass(frozen=True)
class HookSpec:
    kind: str
    sig: str = "same"
    target: str = ""  # bound to target.m at the start ("" : not bound until an operation binds it)
    priority: int = 0
    enabled: bool = True
    raise_at: str = ""  # a stage of the kind (see STAGES)
    raise_when: str = "always"  # "always", "odd" (odd invocations of the hook), "first"
    exc: str = "ValueError"
    value: Any = None  # returned, yielded first, or returned by process_result
    suppress: bool = False  # what a context manager's exit returns
    #: an operation the hook performs itself, the first time it reaches ``action_at``
    action: tuple[Any, ...] | None = None
    action_at: str = ""


@dataclasses.dataclass(frozen=True)
class Program:
    family: str
    shape: tuple[str, ...]
    #: how each class's method body ends: "never" raises, raises on "odd" x, or "always"
    raises: tuple[tuple[str, str, str], ...]
    hooks: tuple[HookSpec, ...]
    ops: tuple[Any, ...]
    #: async programs: "send" drives coroutines with send(None); "loop" runs them on an event loop,
    #: and hooks and bodies then really suspend
    driver: str = "send"


class GeneratorControl:
    """What a generator hook does at each of its stages (its callback source is a template)."""

    def __init__(self, run: Run, number: int, spec: HookSpec, invocation: int) -> None:
        self.run = run
        self.number = number
        self.spec = spec
        self.invocation = invocation
        kind = spec.kind.lstrip("a").replace("gen_", "")
        self.empty = kind == "empty"
        self.suppress = kind == "suppress"
        self.first = spec.value if kind in ("value", "three", "suppress") else None
        self.second = kind in ("send", "three")
        self.third = kind == "three"

    def stage(self, name: str, *details: Any) -> None:
        self.run.hook_stage(self.number, self.invocation, name, *details)

    async def pause(self) -> None:
        await self.run.pause()

    def resumed(self, received: Any) -> None:
        self.stage("after_yield", self.run.norm(received))

    def second_value(self, received: Any) -> Any:
        return f"h{self.number}<{self.run.norm(received)}>" if not self.third else "second"

    def resumed_second(self, second: Any) -> None:
        self.run.trace.append((f"h{self.number}", "resumed again", self.run.norm(second)))

    def suppressed(self, error: Exception) -> None:
        self.run.trace.append((f"h{self.number}", "suppressed", describe_exception(error)))

    def finish(self) -> None:
        self.stage("exit")


# --------------------------------------------------------------------------- one run of a program


class Run:
    """One build of a program with one engine (hookfast with its backend, or the reference)."""

    def __init__(self, program: Program, paths: set[tuple[bool, str]] | None = None) -> None:
        self.program = program
        self.family = FAMILIES[program.family]
        self.trace: list[Any] = []
        self.paths = paths
        self.labels: dict[Any, str] = {}
        self.classes: dict[str, type] = {}
        self.instances: dict[str, Any] = {}
        self.held: dict[str, Any] = {}  # cls.m / inst.m taken before any bind
        self.raw: dict[str, Any] = {}  # what the namespace of the class declaring m held then
        self.functions: dict[str, Any] = {}  # the slot function of each declaring class
        self.hooks: list[Any] = []
        self.invocations: list[int] = []
        self.fired: set[int] = set()
        self.pending: list[Any] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.raises = {label: (when, exc) for label, when, exc in program.raises}

    # ---- the engine's own part
    def decorators(self) -> tuple[Any, Any]:
        raise NotImplementedError

    def wrap_hook(self, number: int, spec: HookSpec, callback: Any) -> Any:
        raise NotImplementedError

    def apply(self, op: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def skip(self, level: str, target: Any, local: bool) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def record_path(self, target: str) -> None:
        """Note which call path serves a call through ``target`` (hookfast only)."""

    def slot_function(self, cls: type) -> Any:
        """The function ``cls`` declares as its slot ``m`` (whose defaults a program may reassign)."""
        value = vars(cls)["m"]
        return getattr(value, "__func__", value)

    # ---- values
    def norm(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, str, float)):
            return repr(value)
        if isinstance(value, tuple):
            return tuple(self.norm(item) for item in value)
        if isinstance(value, dict):
            return ("dict", *sorted((key, self.norm(item)) for key, item in value.items()))
        if isinstance(value, type) and value in self.labels:
            return "cls:" + self.labels[value]
        if type(value) in self.labels:
            return "inst:" + self.labels[type(value)]
        return f"<{type(value).__qualname__}>"

    # ---- what the slot methods call
    def body(self, label: str, receiver: Any, values: tuple[Any, ...], *inner: Any) -> Any:
        self.trace.append(("body", label, self.norm(receiver), self.norm(values), *map(self.norm, inner)))
        when, exc = self.raises.get(label, ("never", ""))
        x = values[0]
        if when == "always" or (when == "odd" and isinstance(x, int) and x % 2 == 1):
            raise EXCEPTIONS[exc](f"{label} raised x={x!r}")
        return f"{label}({x!r})" + (f"[{inner[0]}]" if inner else "")

    async def pause(self) -> None:
        if self.program.driver == "loop":
            await asyncio.sleep(0)

    # ---- what the hooks call
    def hook_stage(self, number: int, invocation: int, stage: str, *details: Any) -> None:
        """Record a hook's stage, perform its operation if due, raise if due."""
        spec = self.program.hooks[number]
        self.trace.append((f"h{number}", stage, *details))
        if spec.action is not None and spec.action_at == stage and number not in self.fired:
            self.fired.add(number)
            self.trace.append((f"h{number}", "acts"))
            self.run_op(spec.action)
        if spec.raise_at == stage and (
            spec.raise_when == "always"
            or (spec.raise_when == "odd" and invocation % 2 == 1)
            or (spec.raise_when == "first" and invocation == 1)
        ):
            raise EXCEPTIONS[spec.exc](f"h{number} raised at {stage}")

    def _called(self, number: int, receiver: Any, values: Any, method_name: Any) -> int:
        self.invocations[number] += 1
        invocation = self.invocations[number]
        self.hook_stage(number, invocation, "call", self.norm(receiver), self.norm(values), method_name)
        return invocation

    def make_callback(self, number: int, spec: HookSpec) -> Any:
        run = self
        family_name = self.program.family
        label = f"h{number}"
        kind = spec.kind
        callback: Any
        if kind in ("none", "value"):

            def impl(receiver: Any, values: Any, method_name: Any) -> Any:
                run._called(number, receiver, values, method_name)
                return spec.value if kind == "value" else None

            callback = callback_factory(family_name, spec.sig, "fn")(impl)
        elif kind in ("anone", "avalue"):

            async def async_impl(receiver: Any, values: Any, method_name: Any) -> Any:
                run._called(number, receiver, values, method_name)
                await run.pause()
                return spec.value if kind == "avalue" else None

            callback = callback_factory(family_name, spec.sig, "afn")(async_impl)
        elif "gen" in kind:

            def control(receiver: Any, values: Any, method_name: Any) -> GeneratorControl:
                # runs when the generator is entered (its first send)
                invocation = run._called(number, receiver, values, method_name)
                run.hook_stage(number, invocation, "enter")
                return GeneratorControl(run, number, spec, invocation)

            style = "agen" if kind.startswith("agen") else "gen"
            callback = callback_factory(family_name, spec.sig, style)(control)
        else:
            callback = self._context_class(number, spec)
        if not isinstance(callback, type):
            callback.__name__ = callback.__qualname__ = label
            callback.__module__ = MODULE
        return callback

    def _context_class(self, number: int, spec: HookSpec) -> type:
        run = self
        label = f"h{number}"

        def init(self: Any, receiver: Any, values: Any, method_name: Any) -> None:
            self.invocation = run._called(number, receiver, values, method_name)

        def enter(self: Any) -> Any:
            run.hook_stage(number, self.invocation, "enter")
            return self

        def exit_(self: Any, exc_type: Any, exc: Any, traceback: Any) -> bool:
            run.hook_stage(
                number, self.invocation, "exit", getattr(exc_type, "__name__", None), describe_exception(exc)
            )
            return spec.suppress

        def process_result(self: Any, result: Any) -> Any:
            run.hook_stage(number, self.invocation, "process_result", run.norm(result))
            return spec.value

        async def aenter(self: Any) -> Any:
            await run.pause()
            return enter(self)

        async def aexit(self: Any, exc_type: Any, exc: Any, traceback: Any) -> bool:
            await run.pause()
            return exit_(self, exc_type, exc, traceback)

        async def aprocess_result(self: Any, result: Any) -> Any:
            await run.pause()
            return process_result(self, result)

        namespace: dict[str, Any] = {
            "__module__": MODULE,
            "__qualname__": label,
            "__init__": callback_factory(self.program.family, spec.sig, "init")(init),
        }
        if spec.kind.startswith("acm"):
            namespace.update(__aenter__=aenter, __aexit__=aexit)
        else:
            namespace.update(__enter__=enter, __exit__=exit_)
        if spec.kind in ("cm_result", "acm_result"):
            namespace["process_result"] = process_result
        elif spec.kind == "acm_aresult":
            namespace["process_result"] = aprocess_result
        return type(label, (), namespace)

    # ---- building
    def build(self) -> None:
        slot, support_hooks = self.decorators()
        self.classes = self.family.factory(self, self.program.shape, slot, support_hooks)
        if "Leaf" in self.program.shape:
            self.classes["Leaf"] = make_leaf(self, self.classes["Sub"], self.family)
        for name, cls in self.classes.items():
            self.labels[cls] = name
            self.instances[name] = cls()
        kind = self.family.kind
        for name, cls in self.classes.items():
            self.held[name] = self.instances[name].m if kind == "method" else cls.m
            declaring = next(klass for klass in cls.__mro__ if "m" in vars(klass))
            self.raw[name] = vars(declaring)["m"]
            if name in ("Base", "Sub"):
                self.functions[name] = self.slot_function(cls)
        for number, spec in enumerate(self.program.hooks):
            self.invocations.append(0)
            self.hooks.append(self.wrap_hook(number, spec, self.make_callback(number, spec)))
        for number, spec in enumerate(self.program.hooks):
            if spec.target:
                self.run_op(("bind", number, spec.target))

    # ---- operations
    def run_ops(self, ops: tuple[Any, ...]) -> None:
        for op in ops:
            self.run_op(op)

    def run_op(self, op: tuple[Any, ...]) -> None:
        tag = op[0]
        if tag == "call":
            self.call(*op[1:])
            return
        if tag == "drain":
            self.trace.append(("drain", len(self.pending)))
            while self.pending:
                number, coroutine = self.pending.pop(0)
                self.finish_call(("deferred", number), coroutine)
            return
        self.trace.append(op[:4] if tag == "skip" else op)
        try:
            if tag == "skip":
                _, level, target, local, body, raise_in_body = op
                with self.skip(level, target, local):
                    self.run_ops(body)
                    if raise_in_body:
                        raise _BodyError("skip body raised")
                self.trace.append(("skip exited",))
            elif tag == "notice":
                logging.getLogger("hookfast").setLevel(NOTICE if op[1] else logging.WARNING)
            elif tag == "defaults":
                _, target, value = op
                function = self.functions[target]
                if self.family.defaults == "kwdefaults":
                    function.__kwdefaults__ = {"k": value}
                else:
                    function.__defaults__ = (value,)
            else:
                self.apply(op)
        except Exception as error:
            # the type only: the reference does not word hookfast's error messages
            self.trace.append(("op raised", type(error).__name__))

    def call(
        self, target: str, style: str, pattern: str, x: Any, v: Any, w: Any, deferred: bool = False
    ) -> None:
        self.trace.append(("call", target, style, pattern, x, v, w, deferred))
        args, kwargs = arguments(pattern, x, v, w)
        kind = self.family.kind
        cls = self.classes[target]
        instance = self.instances[target]
        self.record_path("Base" if style == "explicit" else target)
        try:
            if style == "inst":
                result = instance.m(*args, **kwargs)
            elif style == "cls":
                result = cls.m(instance, *args, **kwargs) if kind == "method" else cls.m(*args, **kwargs)
            elif style == "held":
                result = self.held[target](*args, **kwargs)
            elif style == "dict":
                raw = self.raw[target]
                if kind == "method":
                    result = raw(instance, *args, **kwargs)
                elif kind == "classmethod":
                    result = raw.__func__(cls, *args, **kwargs)
                else:
                    result = raw.__func__(*args, **kwargs)
            else:  # explicit: Base.m(instance of a subclass, ...)
                result = self.classes["Base"].m(instance, *args, **kwargs)
        except Exception as error:
            self.trace.append(("raised", describe_exception(error)))
            return
        if self.family.asynchronous:
            if deferred:
                self.pending.append((len(self.pending), result))
                self.trace.append(("made coroutine",))
                return
            self.finish_call(("now",), result)
            return
        self.trace.append(("returned", self.norm(result)))

    def finish_call(self, tag: tuple[Any, ...], coroutine: Any) -> None:
        try:
            result = self.drive(coroutine)
        except Exception as error:
            self.trace.append((*tag, "raised", describe_exception(error)))
        else:
            self.trace.append((*tag, "returned", self.norm(result)))

    def drive(self, coroutine: Any) -> Any:
        if not isinstance(coroutine, Coroutine):
            raise HarnessError(f"an async slot returned {coroutine!r}")
        if self.program.driver == "loop":
            assert self.loop is not None
            return self.loop.run_until_complete(coroutine)
        try:
            coroutine.send(None)
        except StopIteration as stop:
            return stop.value
        coroutine.close()
        raise HarnessError("a coroutine suspended without an event loop")

    def execute(self) -> list[Any]:
        if self.program.driver == "loop":
            self.loop = asyncio.new_event_loop()
        try:
            self.build()
            self.run_ops(self.program.ops)
            if self.pending:
                self.run_op(("drain",))
        finally:
            if self.loop is not None:
                self.loop.close()
        return self.trace


class _BodyError(Exception):
    pass


# --------------------------------------------------------------------------- hookfast


class Hookfast(Run):
    def decorators(self) -> tuple[Any, Any]:
        return hookfast.slot, hookfast.support_hooks

    def wrap_hook(self, number: int, spec: HookSpec, callback: Any) -> Any:
        return hookfast.hook(callback, enabled=spec.enabled, priority=spec.priority)

    def apply(self, op: tuple[Any, ...]) -> None:
        tag = op[0]
        if tag == "bind":
            self.classes[op[2]].m.bind(self.hooks[op[1]])
        elif tag == "unbind":
            self.classes[op[2]].m.unbind(self.hooks[op[1]])
        elif tag == "hook":
            getattr(self.hooks[op[1]], op[2])()
        elif tag == "priority":
            self.hooks[op[1]].priority = op[2]
        elif tag == "slot":
            getattr(self.classes[op[1]].m, f"{op[2]}_hooks")()
        elif tag == "class":
            getattr(self.classes[op[1]], f"{op[2]}_hooks")()
        elif tag == "global":
            getattr(hookfast, f"{op[1]}_all_hooks")()
        else:
            raise HarnessError(f"unknown operation {op!r}")

    def skip(self, level: str, target: Any, local: bool) -> contextlib.AbstractContextManager[None]:
        if level == "global":
            return hookfast.skip_all_hooks(local=local)
        if level == "class":
            return self.classes[target].skip_hooks(local=local)
        if level == "slot":
            return self.classes[target].m.skip_hooks(local=local)
        return self.hooks[target].skip(local=local)

    def record_path(self, target: str) -> None:
        if self.paths is not None:
            slotted = self.classes["Sub" if target == "Leaf" else target]  # Leaf's m is no slot
            self.paths.add((self.family.asynchronous, slotted.m.__hooks__.call_path))


# --------------------------------------------------------------------------- the reference engine


class SignatureError(TypeError):
    """The reference's own: a hook cannot take the arguments of the call."""


class RefHook:
    def __init__(self, label: str, callback: Any, enabled: bool, priority: int) -> None:
        self.label = label
        self.callback = callback
        self.enabled = enabled
        self.priority = priority
        self.wants_method_name = "method_name" in inspect.signature(callback).parameters


class RefSlot:
    def __init__(self, owner: type, kind: str, function: Any) -> None:
        self.owner = owner
        self.kind = kind
        self.function = function
        self.hooks: list[RefHook] = []
        self.suspended = False
        #: the classes whose class-level stop covers this slot
        self.covered_by: set[type] = set()


class GeneratorHookContext:
    """A hook's generator driven as ``contextlib.contextmanager`` drives one, plus process_result."""

    def __init__(self, generator: Generator[Any, Any, Any]) -> None:
        self.generator = generator
        self.first: Any = None
        self.finished = False

    def __enter__(self) -> Any:
        try:
            self.first = next(self.generator)
        except StopIteration:  # yields nothing: no value, no effect
            self.finished = True
        return self

    def process_result(self, result: Any) -> Any:
        if self.finished:
            return None
        try:
            return self.generator.send(result)
        except StopIteration:
            self.finished = True
            return self.first

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        if self.finished:
            return False
        if exc_type is None:
            try:
                next(self.generator)
            except StopIteration:
                return False
            try:
                raise RuntimeError("generator didn't stop")
            finally:
                self.generator.close()
        try:
            self.generator.throw(exc)
        except StopIteration as stop:
            return stop is not exc
        except RuntimeError as error:
            if error is exc:
                return False
            if isinstance(exc, StopIteration) and error.__cause__ is exc:
                return False
            raise
        except BaseException as error:
            if error is not exc:
                raise
            return False
        try:
            raise RuntimeError("generator didn't stop after throw()")
        finally:
            self.generator.close()


class AsyncGeneratorHookContext:
    """A hook's async generator driven as ``contextlib.asynccontextmanager`` drives one."""

    def __init__(self, generator: AsyncGenerator[Any, Any]) -> None:
        self.generator = generator
        self.first: Any = None
        self.finished = False

    async def __aenter__(self) -> Any:
        try:
            self.first = await self.generator.__anext__()
        except StopAsyncIteration:
            self.finished = True
        return self

    async def process_result(self, result: Any) -> Any:
        if self.finished:
            return None
        try:
            return await self.generator.asend(result)
        except StopAsyncIteration:
            self.finished = True
            return self.first

    async def __aexit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool:
        if self.finished:
            return False
        if exc_type is None:
            try:
                await self.generator.__anext__()
            except StopAsyncIteration:
                return False
            try:
                raise RuntimeError("generator didn't stop")
            finally:
                await self.generator.aclose()
        try:
            await self.generator.athrow(exc)
        except StopAsyncIteration as stop:
            return stop is not exc
        except RuntimeError as error:
            if error is exc:
                return False
            if isinstance(exc, (StopIteration, StopAsyncIteration)) and error.__cause__ is exc:
                return False
            raise
        except BaseException as error:
            if error is not exc:
                raise
            return False
        try:
            raise RuntimeError("generator didn't stop after athrow()")
        finally:
            await self.generator.aclose()


def held_parameters(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """What a plain async method's coroutine made by this call holds: every parameter, bound now
    with the defaults in force now, by position where it can be (None: the call does not bind)."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    return bound.args, bound.kwargs


def left_out_at_defaults(
    function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The documented rule for a coroutine that starts holding its parameters, not the caller's
    arguments: a parameter still holding its default (the very object, as the defaults are when it
    starts) counts as left out, as the caller most likely left it; the others are passed on, the
    positional ones by position."""
    code = function.__code__
    defaults = function.__defaults__ or ()
    if defaults and not code.co_flags & inspect.CO_VARARGS:
        first = code.co_argcount - len(defaults)
        end = len(args)
        while first < end <= code.co_argcount and args[end - 1] is defaults[end - 1 - first]:
            end -= 1
        args = args[:end]
    kwdefaults = function.__kwdefaults__ or {}
    missing = object()
    return args, {name: value for name, value in kwargs.items() if kwdefaults.get(name, missing) is not value}


class Reference(Run):
    """The naive engine: looks everything up on every call and runs the documented algorithm."""

    def __init__(self, program: Program, paths: set[tuple[bool, str]] | None = None) -> None:
        super().__init__(program)
        self.slots: dict[type, RefSlot] = {}  # each class's own slot declaration
        self.global_stop = False
        self.stopped_classes: set[type] = set()
        #: local skips in force: (everything, slots, hooks)
        self.scopes: list[tuple[bool, frozenset[RefSlot], frozenset[RefHook]]] = []
        #: the slot calls in progress (not delegations), with their receivers
        self.in_progress: list[tuple[RefSlot, Any]] = []

    # ---- declaring
    def decorators(self) -> tuple[Any, Any]:
        def slot(method: Any) -> Any:
            getattr(method, "__func__", method).ref_slot = True
            return method

        return slot, self.support_hooks

    def support_hooks(self, cls: type) -> type:
        for name, value in list(vars(cls).items()):
            if not getattr(getattr(value, "__func__", value), "ref_slot", False):
                continue
            kind = (
                "classmethod"
                if isinstance(value, classmethod)
                else "staticmethod"
                if isinstance(value, staticmethod)
                else "method"
            )
            declared = RefSlot(cls, kind, getattr(value, "__func__", value))
            self.slots[cls] = declared
            setattr(cls, name, self.wrapper(declared))
        return cls

    def wrapper(self, declared: RefSlot) -> Any:
        reference = self
        if inspect.iscoroutinefunction(declared.function):

            def slot_wrapper(*args: Any, **kwargs: Any) -> Any:
                if not reference.active_hooks(declared, scoped=False):
                    # No hook can run: the slot is the plain async method, whose coroutine binds
                    # its parameters now and hands them on when it starts (held_parameters).
                    held = held_parameters(declared.function, args, kwargs)
                    if held is not None:
                        return reference.call_async_held(declared, *held)
                return reference.call_async(declared, args, kwargs)

        else:

            def slot_wrapper(*args: Any, **kwargs: Any) -> Any:
                return reference.call_sync(declared, args, kwargs)

        if declared.kind == "classmethod":
            return classmethod(slot_wrapper)
        if declared.kind == "staticmethod":
            return staticmethod(slot_wrapper)
        return slot_wrapper

    def slot_function(self, cls: type) -> Any:
        return self.slots[cls].function

    def wrap_hook(self, number: int, spec: HookSpec, callback: Any) -> Any:
        return RefHook(f"h{number}", callback, spec.enabled, spec.priority)

    def resolve(self, cls: type) -> RefSlot | None:
        """The slot declaration ``cls.m`` is: the first class of its MRO defining ``m``."""
        for klass in cls.__mro__:
            if "m" in vars(klass):
                return self.slots.get(klass)
        return None

    # ---- state operations
    def apply(self, op: tuple[Any, ...]) -> None:
        tag = op[0]
        if tag in ("bind", "unbind"):
            declared = self.resolve(self.classes[op[2]])
            assert declared is not None
            bound = self.hooks[op[1]]
            if tag == "bind":
                declared.hooks.append(bound)
            elif bound not in declared.hooks:
                raise ValueError("the hook is not bound to this slot")
            else:
                declared.hooks = [other for other in declared.hooks if other is not bound]
        elif tag == "hook":
            self.hooks[op[1]].enabled = op[2] == "enable"
        elif tag == "priority":
            self.hooks[op[1]].priority = op[2]
        elif tag == "slot":
            declared = self.resolve(self.classes[op[1]])
            assert declared is not None
            declared.suspended = op[2] == "suspend"
        elif tag == "class":
            self.set_class_stopped(self.classes[op[1]], op[2] == "suspend")
        elif tag == "global":
            self.global_stop = op[1] == "stop"
        else:
            raise HarnessError(f"unknown operation {op!r}")

    def set_class_stopped(self, cls: type, stopped: bool) -> None:
        declared = self.resolve(cls)  # the slot visible on cls (declared or inherited)
        if stopped:
            self.stopped_classes.add(cls)
            if declared is not None:
                declared.covered_by.add(cls)
        else:
            self.stopped_classes.discard(cls)
            if declared is not None:
                declared.covered_by.discard(cls)

    @contextlib.contextmanager
    def skip(self, level: str, target: Any, local: bool) -> Any:
        if local:
            everything = level == "global"
            slots: frozenset[RefSlot] = frozenset()
            hooks: frozenset[RefHook] = frozenset()
            if level in ("class", "slot"):
                declared = self.resolve(self.classes[target])
                slots = frozenset((declared,)) if declared is not None else frozenset()
            elif level == "hook":
                hooks = frozenset((self.hooks[target],))
            self.scopes.append((everything, slots, hooks))
            try:
                yield
            finally:
                self.scopes.pop()
            return
        if level == "global":
            already = self.global_stop
            stop, restart = (("global", "stop"), ("global", "resume"))
        elif level == "class":
            already = self.classes[target] in self.stopped_classes
            stop, restart = ("class", target, "suspend"), ("class", target, "resume")
        elif level == "slot":
            declared = self.resolve(self.classes[target])
            assert declared is not None
            already = declared.suspended
            stop, restart = ("slot", target, "suspend"), ("slot", target, "resume")
        else:
            already = not self.hooks[target].enabled
            stop, restart = ("hook", target, "disable"), ("hook", target, "enable")
        if already:
            yield
            return
        self.apply(stop)
        try:
            yield
        finally:
            self.apply(restart)

    # ---- calling
    @staticmethod
    def below(declared: RefSlot, other: RefSlot) -> bool:
        """Whether ``other`` is a slot of the same name declared in a subclass of ``declared``'s class."""
        return other is not declared and declared.owner in other.owner.__mro__

    def delegated(self, declared: RefSlot, args: tuple[Any, ...]) -> bool:
        """A super() call (or Base.m(sub)): the receiver's class resolves m to a slot below this
        one, or a call of a slot below this one is in progress for the same receiver."""
        if declared.kind == "staticmethod" or not args:
            return False  # no receiver: no super() call to tell apart
        receiver = args[0]
        if declared.kind == "classmethod":
            if not isinstance(receiver, type):
                return False
            owner = receiver
        else:
            owner = type(receiver)
        resolved = self.resolve(owner)
        if resolved is not None and self.below(declared, resolved):
            return True
        return any(other is receiver and self.below(declared, slot) for slot, other in self.in_progress)

    @contextlib.contextmanager
    def calling(self, declared: RefSlot, args: tuple[Any, ...]) -> Any:
        self.in_progress.append((declared, args[0] if args and declared.kind != "staticmethod" else None))
        try:
            yield
        finally:
            self.in_progress.pop()

    def active_hooks(self, declared: RefSlot, scoped: bool = True) -> list[RefHook]:
        """The hooks a call of ``declared`` runs, in order, from the states as they are now
        (``scoped=False``: leaving out the local skips of the calling context)."""
        scopes = self.scopes if scoped else []
        if self.global_stop or any(everything for everything, _, _ in scopes):
            return []
        skipped_slots = {item for _, slots, _ in scopes for item in slots}
        skipped_hooks = {item for _, _, hooks in scopes for item in hooks}
        entries = []
        for depth, klass in enumerate(reversed(declared.owner.__mro__)):
            own = self.slots.get(klass)
            if own is None or own.suspended or own.covered_by or own in skipped_slots:
                continue
            for position, bound in enumerate(own.hooks):
                if bound.enabled and bound not in skipped_hooks:
                    entries.append(((bound.priority, depth, position), bound))
        return [bound for _, bound in sorted(entries, key=lambda entry: entry[0])]

    def log_error(self, bound: RefHook, what: str, error: BaseException) -> None:
        callback = bound.callback
        name = f"{callback.__module__}.{callback.__qualname__}"
        message = (
            f"|Hooks| Error while executing a hook '{name}'"
            if what == "hook"
            else f"|Hooks| Error while passing method call result to the hook '{name}'"
        )
        self.trace.append(("log", "ERROR", message, type(error).__name__))

    def call_hook(
        self, declared: RefSlot, bound: RefHook, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        extra = {"method_name": declared.function.__name__} if bound.wants_method_name else {}
        try:
            return bound.callback(*args, **extra, **kwargs)
        except Exception as error:
            bind_error = self.binding_error(bound.callback, args, {**extra, **kwargs})
            if isinstance(error, TypeError) and bind_error is not None:
                function = declared.function
                callback = bound.callback
                raise SignatureError(
                    "Error while passing method arguments to a hook.\n"
                    f"Method name: '{function.__module__}.{function.__qualname__}'\n"
                    f"Hook name: '{callback.__module__}.{callback.__qualname__}'"
                ) from bind_error
            self.log_error(bound, "hook", error)
            raise

    @staticmethod
    def binding_error(callback: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> TypeError | None:
        """Why the arguments cannot be bound to the callback's signature, or None if they can."""
        try:
            inspect.signature(callback).bind(*args, **kwargs)
        except TypeError as error:
            return error
        return None

    def call_sync(self, declared: RefSlot, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.delegated(declared, args):
            return declared.function(*args, **kwargs)
        with self.calling(declared, args):
            return self.run_hooks(declared, args, kwargs)

    def run_hooks(self, declared: RefSlot, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        hooks = self.active_hooks(declared)  # fixed for this call
        if not hooks:
            return declared.function(*args, **kwargs)
        replacement = None
        entered: list[tuple[RefHook, Any]] = []
        with contextlib.ExitStack() as stack:
            for bound in hooks:
                value = self.call_hook(declared, bound, args, kwargs)
                if value is None:
                    continue
                if isinstance(value, Generator):
                    entered.append((bound, stack.enter_context(GeneratorHookContext(value))))
                elif isinstance(value, AbstractContextManager):
                    stack.enter_context(value)
                    entered.append((bound, value))
                else:
                    replacement = value
            result = declared.function(*args, **kwargs)
            if replacement is not None:
                result = replacement
            for bound, context in entered:
                process_result = getattr(context, "process_result", None)
                if process_result is None:
                    continue
                try:
                    new_result = process_result(result)
                except Exception as error:
                    self.log_error(bound, "process_result", error)
                    raise
                if new_result is not None:
                    result = new_result
            return result
        return None  # a context suppressed the exception

    async def call_async_held(self, declared: RefSlot, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A coroutine made while no hook could run, started: its parameters, as a call."""
        args, kwargs = left_out_at_defaults(declared.function, args, kwargs)
        return await self.call_async(declared, args, kwargs)

    async def call_async(self, declared: RefSlot, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if self.delegated(declared, args):
            return await declared.function(*args, **kwargs)
        with self.calling(declared, args):
            return await self.run_hooks_async(declared, args, kwargs)

    async def run_hooks_async(self, declared: RefSlot, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        hooks = self.active_hooks(declared)  # when the coroutine starts, fixed for this call
        if not hooks:
            return await declared.function(*args, **kwargs)
        replacement = None
        entered: list[tuple[RefHook, Any, bool]] = []
        async with contextlib.AsyncExitStack() as stack:
            for bound in hooks:
                value = self.call_hook(declared, bound, args, kwargs)
                if isinstance(value, Coroutine):
                    try:
                        value = await value
                    except Exception as error:
                        self.log_error(bound, "hook", error)
                        raise
                    if isinstance(value, Coroutine):  # a coroutine returned by a coroutine: a result
                        replacement = value
                        continue
                if value is None:
                    continue
                if isinstance(value, AsyncGenerator):
                    context: Any = AsyncGeneratorHookContext(value)
                    await stack.enter_async_context(context)
                    entered.append((bound, context, True))
                elif isinstance(value, AbstractAsyncContextManager):
                    await stack.enter_async_context(value)
                    entered.append((bound, value, True))
                elif isinstance(value, Generator):
                    entered.append((bound, stack.enter_context(GeneratorHookContext(value)), False))
                elif isinstance(value, AbstractContextManager):
                    stack.enter_context(value)
                    entered.append((bound, value, False))
                else:
                    replacement = value
            result = await declared.function(*args, **kwargs)
            if replacement is not None:
                result = replacement
            for bound, context, is_async in entered:
                process_result = getattr(context, "process_result", None)
                if process_result is None:
                    continue
                try:
                    new_result = process_result(result)
                    if is_async and isinstance(new_result, Coroutine):
                        new_result = await new_result
                except Exception as error:
                    self.log_error(bound, "process_result", error)
                    raise
                if new_result is not None:
                    result = new_result
            return result
        return None


# --------------------------------------------------------------------------- running and comparing


def run(program: Program, engine: type[Run], paths: set[tuple[bool, str]] | None = None) -> list[Any]:
    """Build ``program`` with ``engine`` (fresh classes and hooks), run it, return the trace."""
    instance = engine(program, paths)
    logger = logging.getLogger("hookfast")
    handler = _Capture(instance.trace)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        return instance.execute()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        hookfast.resume_all_hooks()


def render(program: Program) -> str:
    """A readable listing of a program, printed by hypothesis when an example fails."""
    lines = [f"family={program.family} shape={program.shape} driver={program.driver} raises={program.raises}"]
    for number, spec in enumerate(program.hooks):
        lines.append(f"h{number} = {spec}")

    def ops(items: tuple[Any, ...], indent: str) -> None:
        for op in items:
            if op[0] == "skip":
                lines.append(f"{indent}with skip{op[1:4]}:  # raise_in_body={op[5]}")
                ops(op[4], indent + "    ")
            else:
                lines.append(f"{indent}{op}")

    ops(program.ops, "")
    return "\n".join(lines)


def compare(program: Program, paths: set[tuple[bool, str]] | None = None) -> list[Any]:
    """Run ``program`` on hookfast (the backend in use) and on the reference; fail on any difference."""
    expected = run(program, Reference)
    got = run(program, Hookfast, paths)
    if got != expected:
        index = next(
            (i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected))
        )
        start = max(0, index - 6)
        context = "\n".join(f"  [{i}] {event!r}" for i, event in enumerate(expected[start:index], start))
        pytest.fail(
            f"hookfast differs from the reference at event {index}:\n{context}\n"
            f"  reference: {expected[index : index + 3]!r}\n"
            f"  hookfast:  {got[index : index + 3]!r}\n"
            f"(reference: {len(expected)} events, hookfast: {len(got)} events)\nprogram:\n{render(program)}"
        )
    return expected


# --------------------------------------------------------------------------- generating programs
#
# Hypothesis draws raw numbers from strategies built once (building strategies per example is
# slow); ``make_program`` turns them into a program that fits its family and shape.

VALUES = (None, 0, "", False, 7, "v")
#: hook kinds that are plain functions (the spliced path serves only those)
FUNCTION_KINDS = ("none", "value", "anone", "avalue")
#: hook signatures that take the slot's arguments alike by position and keyword
ELIGIBLE_SIGNATURES = ("same", "recv", "mname", "mname_pos")
#: how a program picks its hooks: plain functions only, any kind with signatures generated code
#: serves, or anything
FLAVOURS = ("functions", "functions", "eligible", "eligible", "any", "any")
STYLES = ("inst", "inst", "cls", "held", "dict", "explicit")

_index = st.integers(0, 11)


def _weighted(*choices: tuple[int, Any]) -> Any:
    """One of the strategies, each drawn with its weight (one_of ignores repeated branches)."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(table.__getitem__)


_raw_call = st.tuples(
    st.just("call"),
    _index,
    _index,
    _index,
    st.integers(0, 5),
    st.sampled_from((7, "s", None)),
    st.sampled_from((8, "t")),
    st.integers(0, 3),
)


_raw_state = _weighted(
    (3, st.tuples(st.just("bind"), _index, _index)),
    (2, st.tuples(st.just("hook"), _index, st.booleans())),
    (1, st.tuples(st.just("unbind"), _index, _index)),
    (1, st.tuples(st.just("priority"), _index, st.sampled_from((-1, 0, 1)))),
    (1, st.tuples(st.just("slot"), _index, st.booleans())),
    (1, st.tuples(st.just("class"), _index, st.booleans())),
    (1, st.tuples(st.just("global"), st.booleans())),
    (1, st.tuples(st.just("defaults"), _index, st.sampled_from(("d", 0, None)))),
)
_raw_flat = _weighted(
    (5, _raw_call),
    (3, _raw_state),
    (1, st.tuples(st.just("notice"), st.booleans())),
    (1, st.just(("drain",))),
)
_raw_skip = st.tuples(
    st.just("skip"), _index, _index, st.booleans(), st.lists(_raw_flat, max_size=4), st.booleans()
)
_raw_ops = st.lists(_weighted((6, _raw_flat), (1, _raw_skip)), min_size=2, max_size=14)
_raw_hook = st.tuples(
    _index,  # kind
    _index,  # signature
    st.integers(0, 4),  # target (0: bound by an operation only)
    st.sampled_from((-1, 0, 0, 1)),
    st.sampled_from((True, True, True, False)),
    _index,  # raise_at
    st.sampled_from(("always", "odd", "first")),
    _index,  # exc
    st.sampled_from(VALUES),
    st.booleans(),
    _weighted((4, st.none()), (1, _raw_state), (1, _raw_call)),
    _index,  # action_at
)
_raw_program = st.tuples(
    _index,  # family
    _index,  # shape
    st.lists(st.tuples(st.sampled_from(("never",) * 5 + ("odd", "always")), _index), min_size=2, max_size=2),
    st.sampled_from(FLAVOURS),
    st.lists(_raw_hook, min_size=1, max_size=5),
    _raw_ops,
    st.sampled_from(("send", "send", "loop")),
)


def _pick(options: Any, index: int) -> Any:
    return options[index % len(options)]


class _Maker:
    """Turns raw draws into the operations and hooks of one program."""

    def __init__(self, family: Family, shape: tuple[str, ...], hook_count: int, flavour: str) -> None:
        self.family = family
        # A known divergence (test_a_coroutine_made_before_a_bind_passes_the_callers_keywords):
        # a coroutine that starts after its slot's hooks changed hands the general path its
        # parameters, not the caller's arguments. Hooks that take the slot's arguments alike
        # cannot tell the difference: only programs with such hooks make coroutines early.
        self.deferrable = flavour != "any"
        self.shape = shape
        #: classes declaring the slot (their own switch, their own defaults)
        self.declaring = tuple(name for name in shape if name in ("Base", "Sub"))
        #: classes whose ``m`` is a slot (Inh's is Base's): bind, unbind, the slot level
        self.slotted = tuple(name for name in shape if name != "Leaf")
        #: ``Base.m(instance of a class below)``
        self.below = tuple(name for name in shape if name in ("Sub", "Leaf"))
        self.hook_count = hook_count
        self.styles = STYLES if family.kind == "method" and self.below else STYLES[:-1]
        self.exceptions = tuple(EXCEPTIONS)

    def op(self, raw: tuple[Any, ...], nested: bool = False) -> tuple[Any, ...] | None:
        tag = raw[0]
        shape, declaring, slotted, count = self.shape, self.declaring, self.slotted, self.hook_count
        if tag == "call":
            _, target, style, pattern, x, v, w, deferred = raw
            style = _pick(self.styles, style)
            target = _pick(self.below if style == "explicit" else shape, target)
            later = self.family.asynchronous and not nested and deferred == 0 and self.deferrable
            return ("call", target, style, _pick(self.family.patterns, pattern), x, v, w, later)
        if tag == "slot":
            return ("slot", _pick(slotted, raw[1]), "suspend" if raw[2] else "resume")
        if tag == "class":
            return ("class", _pick(declaring, raw[1]), "suspend" if raw[2] else "resume")
        if tag == "global":
            return ("global", "stop" if raw[1] else "resume")
        if tag == "notice":
            return raw
        if tag == "drain":
            return raw if self.family.asynchronous and not nested else None
        if tag == "defaults":
            if not self.family.defaults:
                return None
            return ("defaults", _pick(declaring, raw[1]), raw[2])
        if not count:
            return None
        if tag in ("bind", "unbind"):
            return (tag, raw[1] % count, _pick(slotted, raw[2]))
        if tag == "hook":
            return ("hook", raw[1] % count, "enable" if raw[2] else "disable")
        assert tag == "priority"
        return ("priority", raw[1] % count, raw[2])

    def ops(self, raws: list[Any]) -> tuple[Any, ...]:
        made = []
        for raw in raws:
            if raw[0] == "skip":
                _, level, target, local, body, raise_in_body = raw
                level = _pick(
                    ("global", "class", "slot", "hook") if self.hook_count else ("global", "class", "slot"),
                    level,
                )
                if level == "class":
                    target = _pick(self.declaring, target)
                elif level == "slot":
                    target = _pick(self.slotted, target)
                elif level == "hook":
                    target = target % self.hook_count
                else:
                    target = None
                made.append(("skip", level, target, local, self.ops(body), raise_in_body))
                continue
            op = self.op(raw)
            if op is not None:
                made.append(op)
        return tuple(made)

    def hook(self, raw: tuple[Any, ...], flavour: str) -> HookSpec:
        (
            kind,
            sig,
            target,
            priority,
            enabled,
            raise_at,
            raise_when,
            exc,
            value,
            suppress,
            action,
            action_at,
        ) = raw
        family = self.family
        kinds = SYNC_KINDS + ASYNC_KINDS if family.asynchronous else SYNC_KINDS
        if flavour == "functions":
            kinds = tuple(name for name in kinds if name in FUNCTION_KINDS)
        kind = _pick(kinds, kind)
        sigs = ["same", "same", "mname", "star", "star", "loose", "bad"]
        if family.receiver is not None:
            sigs.append("recv")
        if family.method_name_positional:
            sigs.append("mname_pos")
        if flavour != "any":
            sigs = [name for name in sigs if name in ELIGIBLE_SIGNATURES]
        stages = STAGES[kind_family(kind)]
        action_op = None if action is None else self.op(action, nested=True)
        if action_op is not None and action_op[0] == "call" and family.asynchronous:
            action_op = None  # a sync hook cannot run an async call to its end
        usable = [stage for stage in stages if action_op is None or stage != "exit" or action_op[0] != "call"]
        return HookSpec(
            kind=kind,
            sig=_pick(sigs, sig),
            target=_pick(("", *self.slotted), target) if target else "",
            priority=priority,
            enabled=enabled,
            raise_at=_pick(("",) * (2 * len(stages)) + stages, raise_at),
            raise_when=raise_when,
            exc=_pick(self.exceptions, exc),
            value=value,
            suppress=suppress,
            action=action_op,
            action_at=_pick(usable, action_at) if action_op is not None else "",
        )


def make_program(raw: tuple[Any, ...], asynchronous: bool | None) -> Program:
    family_index, shape_index, raises, flavour, raw_hooks, raw_ops, driver = raw
    names = [name for name, family in FAMILIES.items() if asynchronous in (None, family.asynchronous)]
    family_name = _pick(names, family_index)
    family = FAMILIES[family_name]
    shape = _pick(SHAPES, shape_index)
    maker = _Maker(family, shape, len(raw_hooks), flavour)
    return Program(
        family=family_name,
        shape=shape,
        raises=tuple(
            (label, when, _pick(maker.exceptions, exc)) for label, (when, exc) in zip(maker.declaring, raises)
        ),
        hooks=tuple(maker.hook(raw_hook, flavour) for raw_hook in raw_hooks),
        ops=maker.ops(raw_ops),
        driver=driver if family.asynchronous else "send",
    )


def programs(asynchronous: bool | None = None) -> st.SearchStrategy[Program]:
    """Random programs (sync and async ones, or only one of the two)."""
    return _raw_program.map(lambda raw: make_program(raw, asynchronous))


# --------------------------------------------------------------------------- the tests

pytestmark = pytest.mark.usefixtures("backend")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(program=programs())
def test_random_programs_run_what_the_reference_runs(program: Program) -> None:
    note(render(program))
    paths: set[tuple[bool, str]] = set()
    compare(program, paths)
    for is_async, path in sorted(paths):  # shown by --hypothesis-show-statistics
        event(f"{'async' if is_async else 'sync'} call on the {path} path")


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_the_programs_exercise_every_call_path(backend: str, asynchronous: bool) -> None:
    """A fixed set of programs (the same on every run) calls slots on each call path, sync and
    async, and every one runs what the reference runs: the random programs are not only calls
    of slots without hooks, or only of the general path."""
    paths: set[tuple[bool, str]] = set()

    @settings(
        max_examples=PATH_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(program=programs(asynchronous=asynchronous))
    def check(program: Program) -> None:
        note(render(program))
        compare(program, paths)

    check()
    seen = {path for is_async, path in paths if is_async is asynchronous}
    assert seen == {"plain", "inline", "generated", "dispatcher"}


def _built(program: Program, engine: type[Run]) -> Run:
    instance = engine(program)
    instance.build()
    return instance


def _one_hook(family: str, kind: str, sig: str) -> Program:
    return Program(family, ("Base",), (), (HookSpec(kind, sig=sig, target="Base"),), ())


# Documented differences: on the inline and generated paths, the slot's own signature takes the
# arguments first, so a call it rejects fails before any hook runs, with the TypeError a plain
# method would raise. The general path (and the reference) calls the first hook with the
# arguments as given, which raises SignatureError.


@pytest.mark.parametrize(("kind", "path"), [("none", "inline"), ("gen_bare", "generated")])
def test_a_receiver_passed_by_keyword_fails_before_any_hook(kind: str, path: str) -> None:
    """A hook naming its receiver otherwise (``obj``) makes the receiver positional-only."""
    program = _one_hook("plain", kind, "recv")
    hooked = _built(program, Hookfast)
    Base = hooked.classes["Base"]
    assert Base.m.__hooks__.call_path == path
    bound = len(hooked.trace)
    with pytest.raises(TypeError) as info:
        Base.m(self=hooked.instances["Base"], x=1)
    assert not isinstance(info.value, hookfast.SignatureError)
    assert hooked.trace[bound:] == []  # no hook, no body
    reference = _built(program, Reference)
    with pytest.raises(SignatureError):
        reference.classes["Base"].m(self=reference.instances["Base"], x=1)
    assert reference.trace[bound:] == []


@pytest.mark.parametrize(("kind", "path"), [("none", "inline"), ("cm_result", "generated")])
def test_a_receiver_passed_by_keyword_runs_the_hooks_that_name_it_alike(kind: str, path: str) -> None:
    """Hooks naming the receiver as the slot does keep it a keyword: the call runs as the reference's."""
    program = _one_hook("plain", kind, "same")
    traces = []
    for engine in (Reference, Hookfast):
        instance = _built(program, engine)
        if engine is Hookfast:
            assert instance.classes["Base"].m.__hooks__.call_path == path
        instance.trace.append(("returned", instance.classes["Base"].m(self=instance.instances["Base"], x=1)))
        traces.append(instance.trace)
    assert traces[0] == traces[1]
    assert ("body", "Base", "inst:Base", ("1",)) in traces[0]


@pytest.mark.parametrize(("kind", "path"), [("none", "inline"), ("gen_value", "generated")])
@pytest.mark.parametrize("call", ["missing", "extra", "unknown keyword"])
def test_a_call_the_slot_rejects_fails_before_any_hook(kind: str, path: str, call: str) -> None:
    program = _one_hook("plain", kind, "same")
    args: tuple[Any, ...] = {"missing": (), "extra": (1, 2), "unknown keyword": (1,)}[call]
    kwargs = {"z": 3} if call == "unknown keyword" else {}
    hooked = _built(program, Hookfast)
    assert hooked.classes["Base"].m.__hooks__.call_path == path
    bound = len(hooked.trace)
    with pytest.raises(TypeError) as info:
        hooked.instances["Base"].m(*args, **kwargs)
    assert not isinstance(info.value, hookfast.SignatureError)
    assert hooked.trace[bound:] == []
    reference = _built(program, Reference)
    with pytest.raises(SignatureError):
        reference.instances["Base"].m(*args, **kwargs)
    assert reference.trace[bound:] == []


def test_the_general_path_raises_signature_error_for_those_calls() -> None:
    """With a hook that only the general path serves, the same calls behave as the reference's."""
    program = Program(
        "defaults",
        ("Base",),
        (),
        (HookSpec("none", sig="star", target="Base"), HookSpec("none", target="Base")),
        (),
    )
    traces = []
    for engine in (Reference, Hookfast):
        instance = _built(program, engine)
        if engine is Hookfast:
            assert instance.classes["Base"].m.__hooks__.call_path == "dispatcher"
        for args, kwargs in (((), {}), ((1, 2, 3), {}), ((1,), {"z": 3})):
            try:
                instance.instances["Base"].m(*args, **kwargs)
            except TypeError as error:
                instance.trace.append(("raised", describe_exception(error)))
        traces.append(instance.trace)
    assert traces[0] == traces[1]
    assert [event[1][0][0] for event in traces[0] if event[0] == "raised"] == ["SignatureError"] * 3


# Known divergences, reported and not fixed here: each test states what the reference does.


@pytest.mark.parametrize("family", ["defaults", "kwonly", "async_defaults"])
@pytest.mark.parametrize("kind", ["none", "gen_bare"])
def test_hooks_get_their_own_defaults_after_the_slots_change(family: str, kind: str) -> None:
    """A hook declares the slot's default; the slot's default is reassigned later: a call that
    leaves the argument out gives the method the new default and the hook its own (slots with
    defaults keep the general path while hooks can run, which passes what the caller gave)."""
    program = Program(
        family,
        ("Base",),
        (),
        (HookSpec(kind, target="Base"),),
        (("defaults", "Base", "new"), ("call", "Base", "inst", "x", 1, 7, 8, False)),
    )
    compare(program)


@pytest.mark.parametrize("pattern", ["x", "x,v"])
def test_a_coroutine_made_before_a_bind_passes_parameters_left_at_their_defaults_as_left_out(
    pattern: str,
) -> None:
    """A coroutine made while no hook is bound starts after a hook taking ``*args, **kwargs`` was
    bound: it holds its parameters, not the caller's arguments, and passes those still holding
    their default as left out, so the hook sees what the caller gave when the caller passed
    the leading parameters by position."""
    program = Program(
        "async_defaults",
        ("Base",),
        (),
        (HookSpec("none", sig="star"),),
        (("call", "Base", "inst", pattern, 1, 7, 8, True), ("bind", 0, "Base"), ("drain",)),
    )
    compare(program)


@pytest.mark.parametrize("pattern", [";x=x", "x;y=v", ";x=x,y=v"])
def test_a_coroutine_made_before_a_bind_hands_on_its_parameters_by_position(pattern: str) -> None:
    """The same, with arguments passed by keyword: the coroutine holds the slot's parameters, not
    the caller's arguments, so a ``*args, **kwargs`` hook bound since gets them by position (the
    documented rule, which the reference follows too: see ``left_out_at_defaults``)."""
    program = Program(
        "async_defaults",
        ("Base",),
        (),
        (HookSpec("none", sig="star"),),
        (("call", "Base", "inst", pattern, 1, 7, 8, True), ("bind", 0, "Base"), ("drain",)),
    )
    compare(program)


def test_a_coroutine_made_while_no_hook_could_run_keeps_the_defaults_it_was_made_with() -> None:
    """A plain async method binds its parameters when the coroutine is made: so does a slot while
    no hook can run, whether or not a hook is bound, and the defaults reassigned, before it starts."""
    for before_start in ((("defaults", "Base", "d"),), (("bind", 0, "Base"), ("defaults", "Base", "d"))):
        program = Program(
            "async_defaults",
            ("Base",),
            (),
            (HookSpec("none"),),
            (("call", "Base", "inst", "x", 0, 7, 8, True), *before_start, ("drain",)),
        )
        trace = compare(program)
        assert [event[3] for event in trace if event[0] == "body"] == [("0", "None")]


@pytest.mark.parametrize("family", ["defaults", "kwonly", "async_defaults"])
@pytest.mark.parametrize("kind", ["none", "gen_bare"])
def test_a_hook_reassigning_the_slots_defaults_mid_call_reaches_the_method(family: str, kind: str) -> None:
    """A hook assigns the slot's defaults during a call that left the argument out: the method,
    called after the hooks, gets the new default, as it does when the reference calls it."""
    program = Program(
        family,
        ("Base",),
        (),
        (HookSpec(kind, target="Base", action=("defaults", "Base", "d"), action_at="call"),),
        (("call", "Base", "inst", "x", 0, 7, 8, False), ("call", "Base", "inst", "x", 1, 7, 8, False)),
    )
    compare(program)
