"""pytest-benchmark suite: async slots, and the cost of a scoped skip, grouped by scenario.

Skipped by default (``--benchmark-skip`` in pyproject's addopts); run with
``pytest benchmarks --benchmark-only``. The async groups compare ``await obj.m(1)`` (a coroutine
driven to its end with ``send(None)``, no event loop) across ``plain``, ``hand`` (a hand-written
``async def`` making the hooks' calls around ``await obj.m(x)``) and hookfast's ``python`` and
``cython`` backends. The skip groups compare a scoped skip (``local=True``) with the process-wide
one, per block and for calls made inside one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import hookfast
from hookfast import _dispatch
from hookfast.bench import async_cases, scenarios

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import RunCase

implementations = pytest.mark.parametrize("implementation", async_cases.IMPLEMENTATIONS)


@implementations
def test_async_no_hooks(run_case: RunCase, implementation: str) -> None:
    """An async slot no hook was bound to (target: <= 1.10x the plain async method)."""
    run_case("async_no_hooks", implementation)


@implementations
def test_async_one_hook(run_case: RunCase, implementation: str) -> None:
    """1 sync function hook (target: <= 1.5x hand-written)."""
    run_case("async_one_hook", implementation)


@implementations
def test_async_one_async_hook(run_case: RunCase, implementation: str) -> None:
    """1 ``async def`` hook (target: <= 1.5x hand-written)."""
    run_case("async_one_async_hook", implementation)


@implementations
def test_async_five_mixed(run_case: RunCase, implementation: str) -> None:
    """2 sync functions, 1 async def, 1 async generator, 1 async context manager (target: <= 2.0x hand)."""
    run_case("async_five_mixed", implementation)


@pytest.fixture(params=scenarios.HOOKFAST_BACKENDS)
def service(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A slot with one hook, declared with each hookfast backend that is built."""
    if request.param not in _dispatch.available():
        pytest.skip(f"the {request.param} backend is not built")
    with _dispatch.using(request.param):

        @hookfast.support_hooks
        class Service:
            @hookfast.slot
            def m(self, x: int) -> int:
                return x

    Service.m.bind(hookfast.hook(lambda self, x: None))
    yield Service
    Service.m.__hooks__.hooks.clear()


@pytest.mark.parametrize("local", [False, True], ids=["process-wide", "local"])
def test_skip_block(benchmark: Any, service: Any, local: bool) -> None:
    """A ``with Cls.m.skip_hooks(local=...)`` block around one call (target: local <= 1.2x process-wide)."""
    obj = service()
    skip_hooks = service.m.skip_hooks

    def block() -> int:
        with skip_hooks(local=local):
            return obj.m(1)  # type: ignore[no-any-return]

    benchmark.group = "skip block"
    assert benchmark(block) == 1


@pytest.mark.parametrize("local", [False, True], ids=["process-wide", "local"])
def test_calls_inside_a_skip(benchmark: Any, service: Any, local: bool) -> None:
    """A call made while the slot's hooks are skipped, process-wide or in this thread only."""
    obj = service()
    benchmark.group = "call inside a skip"
    with service.m.skip_hooks(local=local):
        assert benchmark(obj.m, 1) == 1
