"""``@slot`` and the slot declaration behind every ``Cls.method`` (the path mirrors ``onetl.hooks.slot``)."""

from __future__ import annotations

import contextlib
import sys
import weakref
from collections.abc import Iterator
from types import CodeType, FunctionType, MethodType

from hookfast import _codegen, _registry, _scope, _trampoline
from hookfast._references import Reference
from hookfast._kinds import SLOT_CLASSMETHOD, SLOT_METHOD, SLOT_STATICMETHOD
from hookfast.hook import Hook
from hookfast.logs import NOTICE, display_name, slot_logger

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from typing import Any, Callable, Protocol, TypeVar, overload

    from typing_extensions import Concatenate, ParamSpec

    from hookfast._interfaces import Backend, Declaration, Dispatcher

    H = TypeVar("H", bound=Hook[..., Any])
    S = TypeVar("S")  # the receiver: the instance, or the class of a classmethod
    T = TypeVar("T")
    P = ParamSpec("P")
    R = TypeVar("R")  # what the method returns
    R_co = TypeVar("R_co", covariant=True)

    # What type checkers see a slot as: the method's own signature for calls, plus the slot API.
    # At run time the function carries the same names (set when @support_hooks registers it).

    class SlotAPI(Protocol):
        """The slot API of ``Cls.method`` and ``obj.method``."""

        __hooks__: SlotDeclaration

        @overload
        def bind(self, hook: None = None) -> Callable[[H], H]: ...
        @overload
        def bind(self, hook: H) -> H: ...
        def unbind(self, hook: H) -> H: ...
        def suspend_hooks(self) -> None: ...
        def resume_hooks(self) -> None: ...
        def skip_hooks(self, *, local: bool = False) -> AbstractContextManager[None]: ...

    class BoundSlot(SlotAPI, Protocol[P, R_co]):
        """A slot with its receiver bound: from an instance, or a classmethod slot from anywhere."""

        def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    class SlotMethod(SlotAPI, Protocol[S, P, R_co]):
        """A ``@slot`` method, seen through its class; its first parameter is the receiver.

        mypy hands a decorator placed above ``@classmethod`` / ``@staticmethod`` the function
        itself, so a receiver typed ``type[X]`` (a classmethod's ``cls``) binds from the class too,
        and a receiver that the instance is not (a staticmethod's first argument) is not bound.
        """

        def __call__(self, receiver: S, /, *args: P.args, **kwargs: P.kwargs) -> R_co: ...
        @overload
        def __get__(
            self: SlotMethod[type[T], P, R_co], instance: T | None, owner: type[T], /
        ) -> BoundSlot[P, R_co]: ...
        @overload
        def __get__(self, instance: None, owner: type[Any], /) -> SlotMethod[S, P, R_co]: ...
        @overload
        def __get__(self, instance: S, owner: type[Any], /) -> BoundSlot[P, R_co]: ...
        @overload
        def __get__(self, instance: object, owner: type[Any], /) -> SlotMethod[S, P, R_co]: ...

    class SlotClassMethod(SlotAPI, Protocol[P, R_co]):
        """A ``@slot`` above ``@classmethod``, as pyright sees it: bound from the class or an instance."""

        def __get__(self, instance: object, owner: type[Any], /) -> BoundSlot[P, R_co]: ...

    class SlotStaticMethod(SlotAPI, Protocol[P, R_co]):
        """A ``@slot`` above ``@staticmethod``, as pyright sees it."""

        def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...
        def __get__(self, instance: object, owner: type[Any], /) -> BoundSlot[P, R_co]: ...

else:
    from hookfast.hook import overload

__all__ = ["SlotDeclaration", "declaration_of", "slot"]

_MISSING = object()
#: what a slot's function (and each decorator's wrapper above it) carries besides ``__hooks__``
_SLOT_API = ("bind", "unbind", "suspend_hooks", "resume_hooks", "skip_hooks")
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect
_CO_ASYNC_GENERATOR = 0x200  # inspect.CO_ASYNC_GENERATOR


def _callable_inside(method: Any) -> Any:
    # onETL's rule: unwrap one __wrapped__ level (classmethod/staticmethod have it since 3.10,
    # functools.wraps decorators too), then __func__.
    original = getattr(method, "__wrapped__", method)
    return getattr(original, "__func__", original)


_MAX_UNWRAP = 100  # steps through partials, __wrapped__ and __call__: a cycle must end somewhere
_asynccontextmanager_code: CodeType | None = None


def _own_async_kind(callback: Any) -> str | None:
    """What makes ``callback`` itself (nothing it wraps) produce something only an async slot can use."""
    global _asynccontextmanager_code
    if isinstance(callback, type):
        if not hasattr(callback, "__enter__"):  # a class with both protocols works on both kinds
            if hasattr(callback, "__aenter__"):
                return "an async context manager class"
            if hasattr(callback, "__await__"):
                return "a class whose instances are awaitable"
        return None
    target = callback.__func__ if isinstance(callback, MethodType) else callback
    code = getattr(target, "__code__", None)
    flags = getattr(code, "co_flags", 0)
    if type(flags) is int:  # not a mock's attribute
        if flags & _CO_COROUTINE:
            return "an async def function"
        if flags & _CO_ASYNC_GENERATOR:
            return "an async generator function"
    if type(code) is CodeType:
        if _asynccontextmanager_code is None:

            async def probe() -> Any:
                yield

            _asynccontextmanager_code = contextlib.asynccontextmanager(probe).__code__
        if code is _asynccontextmanager_code:
            return "an @asynccontextmanager function"
    if sys.version_info >= (3, 12):
        import inspect

        if inspect.iscoroutinefunction(target):  # its code is not: inspect.markcoroutinefunction
            return "a function marked as a coroutine function"
    # asyncio's older marker (unittest.mock.AsyncMock carries it)
    marker = getattr(sys.modules.get("asyncio.coroutines"), "_is_coroutine", None)
    if marker is not None and getattr(target, "_is_coroutine", None) is marker:
        return "a function marked as a coroutine function"
    return None


def _is_coroutine_function(function: Any) -> bool:
    return type(function) is FunctionType and bool(function.__code__.co_flags & _CO_COROUTINE)


def _async_kind(callback: Any) -> str | None:
    """What makes ``callback`` usable only on an async slot, or None if it is usable on any.

    That is: calling it gives a coroutine (or another awaitable), an async generator or an async
    context manager. It looks through what stands between the call and the code that runs:
    ``functools.partial``, bound methods, the ``__wrapped__`` chain of a Python function (a sync
    decorator hands on what the function it wraps returns) and the ``__call__`` of a callable
    object. A callable object with a sync ``__call__`` is sync, whatever it wraps (an
    ``async_to_sync``-style adapter).
    """
    from functools import partial

    through = ""
    for _ in range(_MAX_UNWRAP):
        try:
            kind = _own_async_kind(callback)
            if kind is not None:
                return kind + through
            if isinstance(callback, partial):
                callback, through = callback.func, through or ", through functools.partial"
            elif isinstance(callback, (FunctionType, MethodType)):
                callback = getattr(callback, "__wrapped__", None)
                if callback is None:
                    return None
                through = through or ", through __wrapped__"
            elif isinstance(callback, type):
                return None
            else:
                callback = getattr(type(callback), "__call__", None)  # noqa: B004 - its code, not callable()
                if type(callback) is not FunctionType:
                    return None  # a builtin's call, or none: nothing of Python's to look at
                through = through or ", through its __call__"
        except Exception:  # an exotic object whose attributes raise: nothing known
            return None
    return None


def _own_dict(value: Any) -> dict[str, Any] | None:
    """``value``'s own attribute dict, or None: not what a ``__getattr__`` forwards ``__dict__`` to."""
    for klass in type(value).__mro__:
        descriptor = klass.__dict__.get("__dict__")
        if descriptor is not None:
            try:
                namespace = descriptor.__get__(value, type(value))
            except Exception:
                return None
            return namespace if type(namespace) is dict else None
    return None


class SlotBody:
    """``Cls.method.__wrapped__``: the method as written, whatever code its function runs now.

    ``inspect.signature`` and ``inspect.getsource`` reach the method's own signature and source
    through it, and calling it runs the method body without hooks (``Cls.method.__wrapped__(obj,
    x)``), as onETL's ``__wrapped__`` does. Its defaults are the slot function's: assigning
    ``__defaults__`` or ``__kwdefaults__`` here assigns them there, so a change made through either
    holds in every state of the hooks. Every other attribute is the body's (a private copy of the
    function, made at registration, with the function's original code).
    """

    __slots__ = ("__weakref__", "_declaration")

    def __init__(self, declaration: SlotDeclaration) -> None:
        self._declaration = declaration

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105 - what isinstance() and inspect see: a function
        return FunctionType

    def _body(self) -> Any:
        body = self._declaration.body
        if body is None:
            raise RuntimeError(f"the slot {self._declaration.qualname!r} is not registered")
        return body

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        body = self._body()
        function = self._declaration.function
        body.__defaults__ = function.__defaults__
        body.__kwdefaults__ = function.__kwdefaults__
        return body(*args, **kwargs)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        import types

        return self if instance is None else types.MethodType(self, instance)

    @property
    def __defaults__(self) -> tuple[Any, ...] | None:
        return self._declaration.function.__defaults__

    @__defaults__.setter
    def __defaults__(self, value: tuple[Any, ...] | None) -> None:
        self._declaration.function.__defaults__ = value
        self._declaration.defaults_changed()

    @property
    def __kwdefaults__(self) -> dict[str, Any] | None:
        return self._declaration.function.__kwdefaults__

    @__kwdefaults__.setter
    def __kwdefaults__(self, value: dict[str, Any] | None) -> None:
        self._declaration.function.__kwdefaults__ = value
        self._declaration.defaults_changed()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._body(), name)

    def __repr__(self) -> str:
        return f"<hookfast slot body {self._declaration.qualname!r}>"

    def __reduce__(self) -> Any:
        return (SlotBody, (self._declaration,))


class SlotDeclaration:
    """One ``@slot`` method of one class: its hooks, its slot-level switch and its dispatcher.

    Reachable as ``Cls.method.__hooks__``. Iterating it gives the hooks bound to this declaration
    in bind order (onETL's ``HookCollection`` did the same).

    The slot function itself stays in the class and runs what the hooks in force call for
    (``call_path``): its own code while no hook can run, code generated for its hooks while they
    all take the slot's arguments alike by position or keyword (``hookfast._codegen``), else a
    trampoline to the backend's general path (``hookfast._trampoline``; the compiled backend then
    puts its dispatcher object in the class, the fastest way there). Every reference to the
    function, taken at any time, so runs the hooks in force when it is called.
    """

    def __init__(self, method: Any) -> None:
        #: the class whose ``@support_hooks`` registered it; None until then
        self.owner: type | None = None
        self.name: str = getattr(_callable_inside(method), "__name__", "")
        self.kind: str = ""
        #: the marked callable (the function inside a classmethod/staticmethod): what users hold
        self.function: Callable[..., Any] = (
            method.__func__ if isinstance(method, (classmethod, staticmethod)) else method
        )
        #: the name hooks receive as ``method_name``: the function's own ``__name__``, as in onETL
        self.method_name: str = self.name
        #: what the class holds on every path but the dispatcher one (the decorated object itself)
        self.original_value: Any = method
        #: what the class holds on the dispatcher path of the compiled backend, or for a slot that
        #: is not a Python function (the dispatcher, wrapped like the original)
        self.active_value: Any = None
        #: what the dispatcher calls as the method body: a private copy of a Python function
        #: (whose own code changes), or the callable itself for other callables
        self.body: Callable[..., Any] | None = None
        #: the function's code and closure at registration; None if it is not a Python function
        self.original_code: CodeType | None = None
        self.original_closure: tuple[Any, ...] | None = None
        self._trampoline: CodeType | None = None
        #: the function's own ``__wrapped__`` before registration, restored by :meth:`detach`
        self._saved_wrapped: Any = _MISSING
        #: the attribute dicts of the wrappers of decorators above @slot, each with what it held
        #: of the slot API before registration
        self._wrappers_saved: list[tuple[dict[str, Any], dict[str, Any]]] = []
        #: the function ``@slot`` marked, when decorators above it make their wrapper the slot's
        #: function (restored by :meth:`detach`)
        self._marked_function: Any = None
        self._marked_coroutine = False
        self.backend: Backend | None = None
        self.dispatcher: Dispatcher = None  # type: ignore[assignment]  # set by attach()
        #: an ``async def`` slot: a call returns a coroutine, and the hooks run when it runs
        self.is_async = False
        #: a method or classmethod: its first parameter is the receiver
        self.has_receiver = False
        #: whether generated code can take the function's signature (its names do not clash)
        self.generatable = False
        #: what the trampoline calls: the dispatcher's general path, or the async one's entry
        self.dispatch_callable: Callable[..., Any] | None = None
        #: what a call runs now: "plain", "inline", "generated" or "dispatcher"
        self.call_path = "plain"
        #: the version async code compares with the one it was generated for
        self.state = _codegen.SlotState()
        self._plan: Any = None  # the objects the current code reaches through a weak handle
        self._template: Any = _MISSING  # the SourceTemplate, None if there is none, once looked for
        self.reference = Reference(self)
        self.hooks: list[Hook[..., Any]] = []
        #: the slot-level switch (level 3)
        self.suspended = False
        #: classes whose class-level switch (level 2) covers this slot
        self.suspended_by: weakref.WeakSet[type] = weakref.WeakSet()
        #: the other registered declarations of this name in the owner's MRO (set by the registry):
        #: a call of one of them is a ``super()`` delegation while a call of this one is in progress
        self.parents: frozenset[Declaration] = frozenset()
        #: whether this declaration is among the parents of another one (set by the registry)
        self.has_children = False

    def attach(self, owner: type, name: str, value: Any, backend: Backend) -> None:
        """Called once by the registry when ``@support_hooks`` registers the slot.

        Changes nothing outside this object until everything that can fail has succeeded, so a
        failure leaves the function and the class untouched.
        """
        function = self.function
        if isinstance(value, classmethod):
            kind = SLOT_CLASSMETHOD
        elif isinstance(value, staticmethod) or not hasattr(type(value), "__get__"):
            # a plain callable object in a class (no __get__) is called without the instance
            kind = SLOT_STATICMETHOD
        else:
            kind = SLOT_METHOD
        wrappers = self._decorators_above(owner, name, value)
        # Decorators above @slot (functools.wraps): as in onETL, a call runs the hooks, then the
        # decorators, then the body, so the outermost wrapper is the function that dispatches.
        # Except for an async slot under a sync decorator: its hooks run when the coroutine runs,
        # so the marked function dispatches (the decorators run when it is called, before).
        outer_dispatches = bool(wrappers) and not (
            _is_coroutine_function(function) and not _is_coroutine_function(wrappers[0])
        )
        if outer_dispatches:
            self._marked_function = function
            function = self.function = wrappers[0]
        method_name = function.__name__  # as onETL: a callable without a name fails here
        swappable = type(function) is FunctionType
        self.owner, self.name, self.kind, self.original_value = owner, name, kind, value
        self.method_name = method_name
        self.has_receiver = kind != SLOT_STATICMETHOD
        self.body = _trampoline.private_copy(function) if swappable else function  # type: ignore[arg-type]
        self.backend = backend
        dispatcher = self.dispatcher = backend.Dispatcher(self)
        self.is_async = swappable and bool(function.__code__.co_flags & _CO_COROUTINE)
        if self.is_async:
            self.dispatch_callable = _codegen.async_entry(self)
        else:
            self.dispatch_callable = dispatcher.callable
        # the dispatcher stands in the class where the original stood, wrapped the same way
        if kind == SLOT_CLASSMETHOD:
            self.active_value = classmethod(self.dispatch_callable)
        elif kind == SLOT_STATICMETHOD:
            self.active_value = staticmethod(self.dispatch_callable)
        else:
            self.active_value = self.dispatch_callable
        if wrappers and not outer_dispatches:
            # the class keeps the user's wrapper, whose call reaches the function, whose code
            # dispatches while hooks can run
            self.active_value = value
        dispatcher.set_class_values(value, self.active_value)
        if swappable:
            self.original_code = function.__code__
            self.original_closure = function.__closure__
            self.generatable = not _codegen.clashes(
                _codegen.slot_params(self.original_code, None, None), self.original_code
            )
            self._saved_wrapped = function.__dict__.get("__wrapped__", _MISSING)
            if self._saved_wrapped is _MISSING:
                # inspect.signature / unwrap reach the original signature through it, whatever
                # the code; a decorator's wrapper keeps its own __wrapped__, which does the same
                function.__wrapped__ = SlotBody(self)  # type: ignore[attr-defined]
            if (
                self.original_code.co_flags & _CO_COROUTINE
                and sys.version_info >= (3, 12)
                and "_is_coroutine_marker" not in function.__dict__
            ):
                # generated code may be a plain function: say "coroutine function" the 3.12+ way
                import inspect

                inspect.markcoroutinefunction(function)
                self._marked_coroutine = True
        self._put_slot_api(self._marked_function or function, wrappers)

    def detach(self) -> None:
        """Undo :meth:`attach` (the registry rolls back a failed ``@support_hooks``)."""
        function = self.function
        if self.original_code is not None:
            assert self.backend is not None
            self.backend.install_code(function, self.original_code, self.original_closure)
            if self._saved_wrapped is _MISSING:
                function.__dict__.pop("__wrapped__", None)
        if self._marked_coroutine:
            function.__dict__.pop("_is_coroutine_marker", None)
        if self._marked_function is not None:
            function = self.function = self._marked_function
            self._marked_function = None
        for attribute in _SLOT_API:
            function.__dict__.pop(attribute, None)
        for namespace, saved in self._wrappers_saved:
            for attribute in (*_SLOT_API, "__hooks__"):
                if attribute in saved:
                    namespace[attribute] = saved[attribute]
                else:
                    namespace.pop(attribute, None)
        self._wrappers_saved = []
        self.owner = None
        self.kind = ""
        self.active_value = self.backend = self.dispatcher = self.body = None  # type: ignore[assignment]
        self.dispatch_callable = None
        self.is_async = self.has_receiver = self.generatable = False
        self.original_code = self._trampoline = self.original_closure = None
        self._saved_wrapped = _MISSING
        self._marked_coroutine = False
        self._plan = None
        self._template = _MISSING
        self.call_path = "plain"
        self.parents = frozenset()
        self.has_children = False

    def wrappers_of(self, value: Any) -> list[Any] | None:
        """The decorators' wrappers between ``value`` (a class attribute) and this slot, outermost first.

        Follows ``__wrapped__`` (which ``functools.wraps`` sets) from ``value``, looking inside
        classmethods, staticmethods and bound methods. ``[]``: ``value`` is the slot's own
        function or dispatcher; ``None``: the chain does not reach the slot.
        """
        current = value
        wrappers: list[Any] = []
        for _ in range(_MAX_UNWRAP):
            if isinstance(current, (classmethod, staticmethod, MethodType)):
                current = current.__func__
            if current is self.function or (
                self.dispatch_callable is not None and current is self.dispatch_callable
            ):
                return wrappers
            wrappers.append(current)
            try:
                current = getattr(current, "__wrapped__", _MISSING)
            except Exception:  # an exotic wrapper whose attributes raise: not ours to follow
                return None
            if current is _MISSING:
                return None
        return None

    def _decorators_above(self, owner: type, name: str, value: Any) -> list[Any]:
        """The wrappers of decorators placed above ``@slot`` (checked before :meth:`attach` changes anything).

        Raises:
            TypeError: the class attribute carries this slot's marker but does not lead to it
                through ``__wrapped__``, or a wrapper cannot carry the slot API, or the slot's
                callable cannot dispatch from under a decorator.
        """
        wrappers = self.wrappers_of(value)
        where = f"'{owner.__qualname__}.{name}'"
        if wrappers is None:
            raise TypeError(
                f"{where} is {value!r}, which carries the @slot marker of '{self.qualname}' but does "
                "not lead to it through __wrapped__: use functools.wraps in the decorator above "
                "@slot, or place @slot above the decorator"
            )
        for wrapper in wrappers:
            if _own_dict(wrapper) is None:
                raise TypeError(
                    f"{where}: the decorator above @slot gave {wrapper!r}, which has no attribute "
                    f"dict to carry {name}.bind and the rest of the slot API: place @slot above "
                    "the decorator"
                )
        return wrappers

    def _put_slot_api(self, function: Any, wrappers: list[Any]) -> None:
        """``bind``, ``unbind`` and the switches on the function and on each decorator's wrapper."""
        api = {attribute: getattr(self, attribute) for attribute in _SLOT_API}
        for attribute, bound in api.items():
            setattr(function, attribute, bound)
        for wrapper in wrappers:
            namespace = _own_dict(wrapper)
            assert namespace is not None  # checked by _decorators_above
            saved = {key: namespace[key] for key in (*_SLOT_API, "__hooks__") if key in namespace}
            self._wrappers_saved.append((namespace, saved))
            namespace.update(api, __hooks__=self)

    def holds(self, value: Any) -> bool:
        """Whether ``value`` (a class attribute) is one of the objects standing for this slot."""
        return self.owner is not None and (value is self.original_value or value is self.active_value)

    def install(self, calls: tuple[Any, ...]) -> None:
        """Make every reference to the slot run ``calls`` (the hooks a call runs now, in order).

        The dispatcher's hook tuple must already be up to date. The class attribute is replaced
        only if it is one of this slot's own objects: a ``mock.patch`` (or any other assignment)
        wins while it is there, and what it restores still dispatches through the function's code.
        """
        installation = _codegen.plan_slot(self, calls)
        assert self.backend is not None
        if installation.code is not None:
            self.backend.install_code(self.function, installation.code, installation.closure)
        self._plan = installation.plan
        self.call_path = installation.call_path
        owner = self.owner
        assert owner is not None
        current = owner.__dict__.get(self.name)
        target = self.active_value if installation.dispatching_class_value else self.original_value
        if current is not target and self.holds(current):
            # a metaclass refusing it costs only speed: the function's own code dispatches
            with contextlib.suppress(Exception):
                setattr(owner, self.name, target)

    def defaults_changed(self) -> None:
        """The slot function's defaults were assigned through :class:`SlotBody`: plan again (the
        generated code's choices depend on them, and on CPython 3.13 the function lost its version)."""
        if self.owner is not None:
            _registry.recompute_affected([self])

    def trampoline_code(self) -> CodeType:
        """Code for the function that forwards every call to the general path."""
        if self._trampoline is None:
            assert self.dispatch_callable is not None
            assert self.original_code is not None
            self._trampoline = _trampoline.trampoline_code(self.original_code, self)
        return self._trampoline

    def source_template(self) -> Any:
        """The function's source, checked to compile to its code (``hookfast._splice``), or None."""
        if self._template is _MISSING:
            from hookfast._splice import SourceTemplate

            assert self.original_code is not None
            self._template = SourceTemplate.of(self.function, self.original_code)
        return self._template

    def spliced_code(self, template: Any, prologue: list[str], names: tuple[str, ...]) -> CodeType:
        """The function's code with ``prologue`` before its body (compiled once per prologue)."""
        return template.compile(prologue, names)  # type: ignore[no-any-return]

    @property
    def qualname(self) -> str:
        """``'Class.method'`` as written where the slot is defined."""
        return getattr(self.function, "__qualname__", self.name)

    @property
    def slot_object(self) -> Any:
        """What ``Cls.method`` gives for this slot right now."""
        return getattr(self.owner, self.name) if self.owner is not None else self.original_value

    @overload
    def bind(self, hook: None = None) -> Callable[[H], H]: ...

    @overload
    def bind(self, hook: H) -> H: ...  # noqa: F811 - typing.overload without importing typing

    def bind(self, hook: Any = None) -> Any:  # noqa: F811 - typing.overload without importing typing
        """Bind a hook to this slot; usable as ``@Cls.method.bind``, ``.bind(h)`` or ``.bind()(h)``.

        Returns the hook itself, so binds stack. Binding takes effect from the next call.

        Raises:
            TypeError: ``hook`` is not a :class:`Hook` (apply ``@hook`` first).
        """
        if hook is None:
            return self.bind
        if not isinstance(hook, Hook):
            raise TypeError(
                f"@{self.qualname}.bind decorator can be used only on top function marked with @hook, "
                f"got {hook!r}: write @{self.qualname}.bind above @hook"
            )
        async_kind = None if self.is_async else _async_kind(hook.callback)
        if async_kind is not None:
            raise TypeError(
                f"hook {display_name(hook)!r} is asynchronous ({async_kind}) and cannot be "
                f"bound to '{self.qualname}', a synchronous slot: bind it to an async def slot, or make "
                f"the hook synchronous"
            )
        _registry.bind(self, hook)
        slot_logger.debug(
            "|Hooks| Registered hook '%s' for '%s' (enabled=%r, priority=%s)",
            display_name(hook),
            self.qualname,
            hook.enabled,
            hook.priority,
        )
        return hook

    def unbind(self, hook: H) -> H:
        """Remove every binding of ``hook`` to this slot; it stays bound to the other slots it is bound to.

        Takes effect from the next call, in this class and in every class below it; while no hook
        is left, the slot costs a plain method call again. Returns the hook.

        Raises:
            TypeError: ``hook`` is not a :class:`Hook`.
            ValueError: ``hook`` is not bound to this slot.
        """
        if not isinstance(hook, Hook):
            raise TypeError(f"{self.qualname}.unbind() takes a Hook, got {hook!r}")
        if not any(bound is hook for bound in self.hooks):
            elsewhere = [getattr(slot, "__qualname__", repr(slot)) for slot in hook.slots]
            where = f"; it is bound to {', '.join(elsewhere)}" if elsewhere else "; it is bound to no slot"
            raise ValueError(f"hook {display_name(hook)!r} is not bound to '{self.qualname}'{where}")
        _registry.unbind(self, hook)
        slot_logger.debug("|Hooks| Unregistered hook '%s' from '%s'", display_name(hook), self.qualname)
        return hook

    def suspend_hooks(self) -> None:
        """Stop every hook of this slot declaration (level 3) until :meth:`resume_hooks`."""
        _registry.set_suspended(self, True)

    def resume_hooks(self) -> None:
        """Undo :meth:`suspend_hooks`; never resumes another level."""
        _registry.set_suspended(self, False)

    @contextlib.contextmanager
    def skip_hooks(self, *, local: bool = False) -> Iterator[None]:
        """Suspend this slot's hooks inside a ``with`` block or a decorated function (``@...skip_hooks()``).

        Does nothing if the slot is already suspended; otherwise resumes it on exit, also when the
        block raises.

        Args:
            local: skip only in the current thread and asyncio task (tasks it creates inherit
                it while the block runs, not after); other threads and tasks keep running the
                hooks. Nests with itself and with the process-wide states, and is restored however
                the block ends.
        """
        if local:
            slot_logger.log(NOTICE, "|Hooks| Disabling hooks in this thread or task")
            with _registry.skip_locally(declarations=frozenset((self,))):
                yield
            return
        if self.suspended:
            slot_logger.log(NOTICE, "|Hooks| Hooks already disabled, nothing to skip")
            yield
            return
        slot_logger.log(NOTICE, "|Hooks| Disabling hooks")
        _registry.set_suspended(self, True)
        try:
            yield
        finally:
            _registry.set_suspended(self, False)

    @property
    def active(self) -> list[Hook[..., Any]]:
        """This declaration's own enabled hooks, none while suspended (``HookCollection.active``)."""
        return [] if self.suspended or self.suspended_by else [bound for bound in self.hooks if bound.enabled]

    def merged_hooks(self) -> tuple[Hook[..., Any], ...]:
        """The hooks a call of this slot runs now, in order, across the MRO and all four levels,
        for a call made in the calling thread or task (its scoped skips apply too)."""
        if self.backend is None:
            return ()
        ordered = _registry.in_call_order(_registry.collect_active_hooks(self, _scope.in_force()))
        return ordered  # type: ignore[return-value]  # the registry sees a Hook as a BoundHook

    # onETL's HookCollection names, so code that used ``Cls.method.__hooks__`` keeps working.
    add = bind
    stop = suspend_hooks
    resume = resume_hooks
    skip = skip_hooks

    # --- pickled by value (cloudpickle ships a script's classes to other processes) ---

    _NOT_PICKLED = (
        "reference",
        "suspended_by",
        "_template",
        "_trampoline",
        "_wrappers_saved",
        "dispatcher",
        "dispatch_callable",
        "active_value",
        "parents",
        "has_children",
    )

    def __getstate__(self) -> dict[str, Any]:
        """What rebuilds this slot in another process: its class, function, hooks and states.

        The function, pickled with it, keeps running the code it ran here, with the hooks it had,
        until the slot is registered there (at the first change of hooks or states, or as soon as
        its class is complete); the class-level switch is not carried over.
        """
        state = {key: value for key, value in self.__dict__.items() if key not in self._NOT_PICKLED}
        state["backend"] = self.backend.BACKEND if self.backend is not None else None
        state["_calls"] = self.dispatcher.calls if self.dispatcher is not None else ()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        from hookfast import _dispatch

        backend_name = state.pop("backend")
        calls = state.pop("_calls")
        self.__dict__.update(state)
        self.reference = Reference(self)
        self.suspended_by = weakref.WeakSet()
        self._template = _MISSING
        self._trampoline = None
        self._wrappers_saved = []
        self.parents = frozenset()
        self.has_children = False
        self.dispatcher = self.dispatch_callable = self.active_value = None  # type: ignore[assignment]
        if backend_name is None or self.owner is None:
            self.backend = None
            return
        backend = _dispatch.available().get(backend_name, _dispatch.current)
        self.backend = backend
        dispatcher = self.dispatcher = backend.Dispatcher(self)
        self.dispatch_callable = _codegen.async_entry(self) if self.is_async else dispatcher.callable
        if self.kind == SLOT_CLASSMETHOD:
            self.active_value = classmethod(self.dispatch_callable)
        elif self.kind == SLOT_STATICMETHOD:
            self.active_value = staticmethod(self.dispatch_callable)
        else:
            self.active_value = self.dispatch_callable
        dispatcher.set_class_values(self.original_value, self.active_value)
        dispatcher.calls = calls
        _registry.adopt(self)

    def __iter__(self) -> Iterator[Hook[..., Any]]:
        return iter(list(self.hooks))

    def __len__(self) -> int:
        return len(self.hooks)

    def __repr__(self) -> str:
        state = "suspended" if self.suspended else "active"
        return f"<hookfast slot {self.qualname!r} ({state}, {len(self.hooks)} hooks)>"


@overload
def slot(method: classmethod[Any, P, R]) -> SlotClassMethod[P, R]: ...


@overload
def slot(method: staticmethod[P, R]) -> SlotStaticMethod[P, R]: ...  # noqa: F811


@overload
def slot(method: Callable[Concatenate[S, P], R]) -> SlotMethod[S, P, R]: ...  # noqa: F811


def slot(method: Any) -> Any:  # noqa: F811 - typing.overload without importing typing
    """Mark a method as a slot that hooks can be bound to; place it above ``@classmethod``/``@staticmethod``.

    The method is returned unchanged, only marked: ``@support_hooks`` on the class makes it
    dispatch. Dunder methods (``__init__``) are allowed, other names starting with ``_`` are not.

    A decorator may stand above ``@slot`` if it uses ``functools.wraps``: ``Cls.method.bind`` then
    works through it, and a call runs the hooks, then the decorator, then the method, as in onETL.

    Raises:
        SyntaxError: the method is already a slot.
        TypeError: the object is not callable (for example a ``property``).
        ValueError: the method is private.
        AttributeError: the callable has no ``__name__`` (a ``functools.partial``, say).
    """
    if declaration_of(method) is not None:
        raise SyntaxError(
            "Cannot place @slot hook twice on the same method: "
            f"{getattr(_callable_inside(method), '__qualname__', method)!r}"
        )
    original = _callable_inside(method)
    if not callable(original):
        raise TypeError(
            f"@slot decorator could be applied to only to methods of class, got {type(original)}: "
            "use it on a function, or above @classmethod / @staticmethod"
        )
    try:
        name = original.__name__
    except AttributeError:
        # onETL fails here too; say what to do instead of leaving a nameless slot half-usable
        raise AttributeError(
            f"@slot needs a named callable, got {original!r}, which has no __name__: "
            "define the slot with def (it may call that callable)"
        ) from None
    if name.startswith("_") and not name.endswith("__"):
        raise ValueError(
            f"@slot decorator could be applied to public methods only, got '{name}': "
            "rename the method or call it from a public slot"
        )
    declaration = SlotDeclaration(method)
    # The slot's objects share this attribute dict (bind, __hooks__, the user's own attributes).
    if type(getattr(declaration.function, "__dict__", None)) is not dict:
        raise TypeError(
            f"@slot cannot mark {method!r}: it has no attribute dict; wrap it in a plain function"
        )
    declaration.function.__hooks__ = declaration  # type: ignore[attr-defined]
    return method


def declaration_of(value: Any) -> SlotDeclaration | None:
    """The slot declaration marking ``value`` (a function, classmethod, staticmethod or dispatcher),
    registered or not; None for anything else."""
    target = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
    try:
        declaration = getattr(target, "__hooks__", None)
    except Exception:  # exotic objects whose __getattr__ raises anything
        return None
    return declaration if type(declaration) is SlotDeclaration else None
