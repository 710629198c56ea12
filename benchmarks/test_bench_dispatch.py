"""pytest-benchmark suite: every dispatch scenario x implementation, grouped by scenario.

Skipped by default (``--benchmark-skip`` in pyproject's addopts); run with
``pytest benchmarks --benchmark-only``. Each group compares one scenario across ``plain``, ``hand``
(hand-written equivalent), hookfast's ``python`` and ``cython`` backends, ``onetl`` 0.17 and
``pluggy``; implementations not installed, or without an equivalent of the scenario, are skipped.
pytest-benchmark times a Python function wrapping the call, which adds the same ~20-30 ns to every
implementation; ``python -m hookfast.bench`` times the statements inline and is the reference report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hookfast.bench import scenarios

if TYPE_CHECKING:
    from conftest import RunCase

implementations = pytest.mark.parametrize("implementation", scenarios.IMPLEMENTATIONS)


@implementations
def test_no_hooks(run_case: RunCase, implementation: str) -> None:
    """A slot no hook was ever bound to (target: ≤ 1.02x the plain method)."""
    run_case("no_hooks", implementation)


@implementations
def test_disabled(run_case: RunCase, implementation: str) -> None:
    """A slot whose 2 bound hooks are both disabled (target: ≤ 1.02x the plain method)."""
    run_case("disabled", implementation)


@implementations
def test_suspended(run_case: RunCase, implementation: str) -> None:
    """A slot with 2 enabled hooks, suspended at slot level (target: ≤ 1.02x the plain method)."""
    run_case("suspended", implementation)


@implementations
def test_one_hook(run_case: RunCase, implementation: str) -> None:
    """One function hook returning None (target: ≤ 1.5x the hand-written calls)."""
    run_case("one_hook", implementation)


@implementations
def test_five_hooks(run_case: RunCase, implementation: str) -> None:
    """3 function hooks, 1 generator, 1 context-manager class (target: ≤ 1.3x hand-written, ≥ 5x pluggy)."""
    run_case("five_hooks", implementation)


@implementations
def test_classmethod_one_hook(run_case: RunCase, implementation: str) -> None:
    """``@slot @classmethod`` called on the class with one function hook (target: ≤ 1.5x hand-written)."""
    run_case("classmethod_one_hook", implementation)


@implementations
def test_deep_one_hook(run_case: RunCase, implementation: str) -> None:
    """Base/Mid/Leaf, the leaf redeclares the slot and calls super(); one hook bound per level."""
    run_case("deep_one_hook", implementation)


@implementations
def test_held_one_hook(run_case: RunCase, implementation: str) -> None:
    """One function hook, called through a bound method taken before the hook was bound (no target)."""
    run_case("held_one_hook", implementation)
