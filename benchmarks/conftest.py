"""Shared by the pytest-benchmark suites: build, check and time one scenario x implementation case."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from hookfast.bench import scenarios

RunCase = Callable[[str, str], None]


@pytest.fixture
def run_case(benchmark: Any) -> RunCase:
    """Build a case, check it outside the timed part, time it in the scenario's group, check again.

    The check: the right result, and exactly the hook code the scenario expects ran (every enabled
    or overriding hook once, no disabled hook, no default where hookfast leaves them out).
    """

    def run(scenario: str, implementation: str) -> None:
        try:
            case = scenarios.build(scenario, implementation)
        except scenarios.Unavailable as reason:
            pytest.skip(str(reason))
        case.check()
        benchmark.group = scenario
        benchmark.extra_info["implementation"] = implementation
        result = benchmark(case.func)
        assert result == case.expected

    return run
