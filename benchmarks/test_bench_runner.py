"""pytest-benchmark suite: the runner scenarios (``hookfast.runner``) x implementation, grouped by scenario.

Skipped by default (``--benchmark-skip`` in pyproject's addopts); run with
``pytest benchmarks --benchmark-only``. Each group compares ``runner.call_hook(point)`` across the
mmcv's own ``naive`` loop (``for hook in self._hooks: getattr(hook, fn_name)(self)``), ``hand`` (the
overriding hooks' methods called directly), and hookfast's ``python`` and ``cython`` backends;
a backend that is not built is skipped. As in ``test_bench_dispatch.py``, pytest-benchmark adds the
same ~20-30 ns of Python call to every implementation; ``hookfast-bench`` is the reference report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hookfast.bench import runner_cases, scenarios

if TYPE_CHECKING:
    from conftest import RunCase

implementations = pytest.mark.parametrize("implementation", runner_cases.IMPLEMENTATIONS)


@implementations
def test_runner_3_of_10(run_case: RunCase, implementation: str) -> None:
    """``call_hook('after_train_iter')``, 10 hooks, 3 override it (target: cython >= 5x faster than naive)."""
    run_case("runner_3_of_10", implementation)


@implementations
def test_runner_none_of_10(run_case: RunCase, implementation: str) -> None:
    """``call_hook('before_val_epoch')``, the same 10 hooks, none overrides it (target: >= 15x naive)."""
    run_case("runner_none_of_10", implementation)


@implementations
def test_runner_1_of_1(run_case: RunCase, implementation: str) -> None:
    """``call_hook('after_train_iter')``, 1 hook overriding it (target: cython <= 1.3x hand)."""
    run_case("runner_1_of_1", implementation)


@pytest.mark.parametrize("implementation", ["plain", "onetl", "pluggy"])
def test_runner_scenarios_have_no_slot_equivalent(implementation: str) -> None:
    """plain, onETL and pluggy are n/a for the runner scenarios; naive is n/a for the slot ones."""
    with pytest.raises(scenarios.Unavailable):
        scenarios.build("runner_3_of_10", implementation)
    with pytest.raises(scenarios.Unavailable):
        scenarios.build("one_hook", "naive")
