"""Type stub of the compiled dispatch backend; it mirrors ``hookfast._dispatch_py`` name for name."""

from typing import Any, Callable

BACKEND: str
KIND_METHOD: str
KIND_CLASSMETHOD: str
KIND_STATICMETHOD: str

def result_kind(result: object) -> int: ...

class HookCall:
    hook: Any
    callback: Callable[..., Any]
    method_name: str | None
    def __init__(self, hook: Any, callback: Callable[..., Any], method_name: str | None) -> None: ...

class GeneratorContext:
    generator: Any
    first_value: Any
    def __init__(self, generator: Any) -> None: ...

def unwind(contexts: list[tuple[Any, Any]], exc: BaseException | None) -> bool: ...

class Dispatcher:
    slot: Any
    function: Callable[..., Any]
    name: str
    hooks: tuple[HookCall, ...]
    original_value: Any
    active_value: Any
    def __init__(self, slot: Any) -> None: ...
    @property
    def callable(self) -> Dispatcher: ...
    def is_delegated(self, receiver: object) -> bool: ...
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
    def __get__(self, instance: object, owner: type | None = None) -> Any: ...
    def __getattr__(self, name: str) -> Any: ...

def collect(entries: list[tuple[int, int, int, HookCall]]) -> tuple[HookCall, ...]: ...
