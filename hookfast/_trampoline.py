"""Code swapping: how every reference to a slot function dispatches, whoever took it and when.

A slot's function object stays the one object users hold (``Cls.__dict__[name]``, a bound method
kept as a callback, a ``functools.wraps`` copy's ``__wrapped__``...). While some hook can run, its
``__code__`` is a *trampoline*: ``(*args, **kwargs)`` forwarded to the slot's dispatcher. While none
can, its original code is back and a call costs exactly a plain call. The method body itself runs
from a private copy of the function (:func:`private_copy`), which nobody else holds.

Assigning ``__code__`` needs a code object with as many free variables as the function's closure
(the ``__class__`` cell of zero-argument ``super()``, closures over locals): the trampoline is
compiled inside a factory that defines the same names. The slot's declaration, whose general path
the trampoline calls, is reached through a weak reference held as a code constant (one that
pickles by value, see ``hookfast._references``): code objects are not tracked by the garbage
collector, so a strong reference there would make the cycle function -> code -> declaration ->
function uncollectable. It never dies first: the function holds its declaration (``__hooks__``).
(A ``weakref.ref``, not a ``weakref.proxy``: a code object hashes its constants, and
tools key dicts by code objects; calling through a proxy is also twice as slow.) Cold path only:
runs when hooks or states change, never per call.
"""

from __future__ import annotations

import sys
from types import CodeType, FunctionType

from hookfast._references import Reference

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["private_copy", "trampoline_code"]

# Where the template is compiled; each trampoline is relocated to its function's file and line.
_TEMPLATE_FILENAME = "<hookfast slot trampoline>"

# A placeholder constant, replaced in the compiled code by a weak reference to the declaration.
_MARKER = "__hookfast_dispatcher_placeholder__"
_TEMPLATE_CACHE_SIZE = 256
#: compiled trampoline templates by the names of their free variables and their kind
_templates: dict[tuple[tuple[str, ...], int], CodeType] = {}


def private_copy(function: FunctionType) -> FunctionType:
    """A new function object running ``function``'s current code, with its globals, closure and defaults.

    The dispatcher calls it as the method body while ``function`` itself runs the trampoline. It
    shares the closure cells, so zero-argument ``super()`` and closures see what ``function`` sees.
    """
    copy = FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    copy.__module__ = function.__module__
    copy.__doc__ = function.__doc__
    copy.__annotations__ = function.__annotations__
    if sys.version_info >= (3, 12):
        copy.__type_params__ = function.__type_params__
    wrapped = function.__dict__.get("__wrapped__")
    if wrapped is not None:  # keep a decorator's chain visible to inspect.unwrap / signature
        copy.__wrapped__ = wrapped  # type: ignore[attr-defined]
    return copy


def _unused_name(base: str, taken: tuple[str, ...]) -> str:
    name = base
    while name in taken:
        name += "_"
    return name


# The kind of function a code object makes, as CPython 3.13+ requires a replacing code to match
# (assigning another kind is deprecated): what calling the function returns.
_CO_GENERATOR = 0x20
_CO_COROUTINE = 0x80
_CO_ITERABLE_COROUTINE = 0x100
_CO_ASYNC_GENERATOR = 0x200
_KIND_MASK = _CO_GENERATOR | _CO_COROUTINE | _CO_ASYNC_GENERATOR


def _template(freevars: tuple[str, ...], kind: int) -> CodeType:
    key = (freevars, kind)
    cached = _templates.get(key)
    if cached is not None:
        return cached
    # The trampoline's own names must not shadow a free variable (a closure over `args`, say).
    args, kwargs, dispatcher, inner, value, sent, error = (
        _unused_name(base, freevars)
        for base in ("args", "kwargs", "dispatcher", "inner", "value", "sent", "error")
    )
    call = f"{dispatcher}(*{args}, **{kwargs})"
    # The free variables are mentioned in a branch that never runs: enough to make them free.
    unused = f" if True else ({', '.join(freevars)},)" if freevars else ""
    asynchronous = "async " if kind & (_CO_COROUTINE | _CO_ASYNC_GENERATOR) else ""
    header = f"    {asynchronous}def trampoline(*{args}, **{kwargs}):"
    if kind == _CO_ASYNC_GENERATOR:
        # An async generator cannot `yield from`: forward values, asend(), athrow() and aclose() by hand.
        body = f"""
        {dispatcher} = {_MARKER!r}
        {dispatcher} = {dispatcher}().dispatch_callable
        {inner} = {call}{unused}
        try:
            {value} = await {inner}.__anext__()
        except StopAsyncIteration:
            return
        while True:
            try:
                {sent} = yield {value}
            except GeneratorExit:
                await {inner}.aclose()
                raise
            except BaseException as {error}:
                try:
                    {value} = await {inner}.athrow({error})
                except StopAsyncIteration:
                    return
            else:
                try:
                    {value} = await ({inner}.__anext__() if {sent} is None else {inner}.asend({sent}))
                except StopAsyncIteration:
                    return"""
    else:
        # One line, so that every instruction maps to the function's first line once relocated.
        result = {0: call, _CO_GENERATOR: f"(yield from {call})", _CO_COROUTINE: f"await {call}"}[kind]
        body = f" {dispatcher} = {_MARKER!r}; {dispatcher} = {dispatcher}().dispatch_callable; return {result}{unused}"
    lines = [
        "def factory():",
        *(f"    {name} = None" for name in freevars),
        header + body,
        "    return trampoline",
    ]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), _TEMPLATE_FILENAME, "exec"), namespace)
    template: CodeType = namespace["factory"]().__code__
    if len(_templates) >= _TEMPLATE_CACHE_SIZE:
        _templates.clear()
    _templates[key] = template
    return template


def trampoline_code(original: CodeType, declaration: Any) -> CodeType:
    """Code for a function whose own code is ``original`` that forwards every call, arguments
    unchanged, to ``declaration.dispatch_callable`` (the general path of its slot).

    It is of the function's kind (plain, generator, coroutine or async generator function), so
    ``inspect.isgeneratorfunction`` and ``iscoroutinefunction`` keep their answers; for those
    kinds the dispatcher is called when the generator or coroutine first runs. It carries the
    function's names, file and first line: a traceback through it shows the slot's definition
    (``File ".../service.py", line 12, in run``) and ``inspect.getsourcefile`` is unchanged (the
    async generator forwarder spans several lines: it keeps its own file name).
    """
    kind = original.co_flags & _KIND_MASK
    if kind not in (0, _CO_GENERATOR, _CO_COROUTINE, _CO_ASYNC_GENERATOR):
        kind = 0  # not a flag combination Python compiles; call the dispatcher plainly
    template = _template(original.co_freevars, kind)
    reference = Reference(declaration)
    replacements: dict[str, Any] = {
        "co_consts": tuple(reference if constant == _MARKER else constant for constant in template.co_consts),
        "co_name": original.co_name,
        "co_flags": template.co_flags | (original.co_flags & _CO_ITERABLE_COROUTINE),
    }
    if kind != _CO_ASYNC_GENERATOR:
        replacements.update(co_filename=original.co_filename, co_firstlineno=original.co_firstlineno)
    if sys.version_info >= (3, 11):
        replacements["co_qualname"] = original.co_qualname
    return template.replace(**replacements)
