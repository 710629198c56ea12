"""Type stub of the compiled runner twin; it mirrors ``hookfast._runner_py`` name for name.

Checked against the built module by ``mypy.stubtest`` in CI (``.ci/run``), and against
``hookfast._interfaces.RunnerBackend`` by ``mypy --strict``.
"""

from typing import Any, Callable, final

BACKEND: str

@final
class CallHook:
    @property
    def build(self) -> Callable[[Any, str], tuple[Callable[..., Any], ...]]: ...
    def __init__(self, build: Callable[[Any, str], tuple[Callable[..., Any], ...]]) -> None: ...
    @property
    def callable(self) -> CallHook: ...
    def __call__(self, runner: Any, fn_name: str, /, *args: Any, **kwargs: Any) -> None: ...
    def __get__(self, instance: object, owner: type | None = None, /) -> Any: ...
