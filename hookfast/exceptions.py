"""Exceptions raised by hookfast, and the diagnosis of a hook that cannot take a slot's arguments."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["SignatureError"]


class SignatureError(TypeError):
    """A hook's callback cannot accept the arguments its slot was called with.

    Raised when the slot is called, not when the hook is bound, exactly as onETL does. The message
    names the slot and the hook, where each is defined, and both signatures.
    """


def _source(obj: Any) -> str:
    import inspect

    try:
        path = inspect.getsourcefile(obj)
    except TypeError:  # builtins and other objects without Python source
        return "<unknown>:0"
    try:
        line = inspect.getsourcelines(obj)[1]
    except (OSError, TypeError):
        line = 0
    return f"{path}:{line}"


def _signature(obj: Any) -> str:
    import inspect

    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(<signature unavailable>)"


def diagnose_hook_call(
    function: Callable[..., Any],
    callback: Callable[..., Any],
    method_name: str | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> SignatureError | None:
    """Explain a ``TypeError`` raised by calling ``callback(*args, **kwargs)``.

    Returns a :class:`SignatureError` (its ``__cause__`` set to the binding error) if the arguments
    cannot be bound to the callback's signature, or ``None`` if they can, meaning that the
    ``TypeError`` came from inside the callback's body. Cold path: runs only after a hook failed.
    """
    import inspect

    try:
        signature = inspect.signature(callback)
    except (TypeError, ValueError):
        return None  # nothing to diagnose with: the original TypeError stands
    try:
        if method_name is None:
            signature.bind(*args, **kwargs)
        elif "method_name" in kwargs:
            # said explicitly: CPython < 3.12 may report this duplicate as KeyError inside a handler
            raise TypeError("got multiple values for keyword argument 'method_name'")
        else:
            signature.bind(*args, method_name=method_name, **kwargs)
    except TypeError as bind_error:
        return signature_error(function, callback, bind_error)
    return None


def signature_error(
    function: Callable[..., Any], callback: Callable[..., Any], bind_error: TypeError
) -> SignatureError:
    """The :class:`SignatureError` for ``callback`` bound to the slot ``function``, caused by ``bind_error``.

    The message names both, where each is defined, and both signatures.
    """
    import inspect
    import textwrap

    try:
        hook_signature: object = inspect.signature(callback)
    except (TypeError, ValueError):
        hook_signature = "(<signature unavailable>)"
    hook_name = f"{getattr(callback, '__module__', None)}.{getattr(callback, '__qualname__', callback)}"
    error = SignatureError(
        textwrap.dedent(
            f"""
            Error while passing method arguments to a hook.

            Method name: '{function.__module__}.{function.__qualname__}'
            Method source: '{_source(function)}'
            Method signature:
                {_signature(function)}

            Hook name: '{hook_name}'
            Hook source: '{_source(callback)}'
            Hook signature:
                {hook_signature}
            """,
        ),
    )
    error.__cause__ = bind_error
    return error
