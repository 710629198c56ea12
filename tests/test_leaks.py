"""No leaks: hooked calls must not grow memory or change any reference count, on both backends.

The scenarios and the measurement live in ``scripts/leak_check.py`` (which runs 10**6 calls per
scenario); here each scenario gets ~1,000 warm-up calls, then 20,000 measured calls:

- memory: ``tracemalloc`` is started after the warm-up, so what it reports after the measured
  calls (``gc.collect()`` before both readings) is exactly the memory allocated during them and
  still alive. The bound is 64 KiB: a leak of even the smallest object per call (a 16-byte
  reference slot in a growing list, a 32-byte int) costs 320-640 KiB over 20,000 calls, a leaked
  frame or exception far more; while one-off growth that is not a leak (a dict resize in a cache,
  a free list, logging's caches) stays within a few KiB (measured: 0 bytes for every call path,
  about 100 bytes for the state-toggling scenario, a tenth of the 64-KiB bound or less). Leaks
  slower than one object every ~5 calls are left to the 10**6-call script.
- reference counts: the argument, the result, the receiver and its class, the hooks and their
  callbacks and the slot's function(s) must have exactly the same ``sys.getrefcount`` before and
  after (a leaked reference per call would show as +20,000); ``None``/``True``/``False``, which
  other code also touches, within ``SINGLETON_TOLERANCE``.

Exceptions raised by calls are caught and dropped in each iteration, so no traceback keeps the
tracked objects alive. To keep this file under ~20 s, the scenarios that are slow by design get
fewer calls (``SLOW``: SignatureError diagnosis runs ``inspect`` on every call, ~0.2 ms; a
hook's ``skip()`` per call re-installs the slot twice) and a proportionally smaller memory bound,
at least 8 KiB; their reference-count checks stay exact.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "leak_check.py"
_spec = importlib.util.spec_from_file_location("hookfast_leak_check", _SCRIPT)
assert _spec is not None and _spec.loader is not None
leak_check = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = leak_check  # dataclasses look their module up while the class is created
_spec.loader.exec_module(leak_check)

WARMUP = 1_000
CALLS = 20_000
#: scenarios whose calls are slow by design, with the number of measured calls they get
SLOW = {"SignatureError": 500, "hook skip() per call": 10_000, "scoped skip and trace()": 10_000}
MAX_GROWTH = 64 * 1024
#: floor of the (proportionally scaled) bound for scenarios with fewer calls: room for one-off growth
MIN_GROWTH_BOUND = 8 * 1024


@pytest.mark.parametrize("scenario", list(leak_check.SCENARIOS))
def test_no_memory_or_refcount_growth(backend: str, scenario: str) -> None:
    calls = SLOW.get(scenario, CALLS)
    bound = max(MIN_GROWTH_BOUND, MAX_GROWTH * calls // CALLS)
    result = leak_check.measure(scenario, backend, calls, warmup=min(WARMUP, calls // 5), timing_calls=0)
    assert result.failures(bound) == [], (
        f"{scenario} [{backend}]: growth {result.memory_growth} B, refcount deltas {result.refcount_deltas}, "
        f"singletons {result.singleton_deltas}"
    )


def test_measurement_detects_a_leak(backend: str) -> None:
    """The harness itself: a hook that keeps every argument fails both the memory and the refcount check."""
    kept: list[object] = []

    def build() -> object:
        scenario = leak_check.scenario_function_hooks()
        inner, argument = scenario.call, scenario.tracked["argument"]

        def call() -> object:
            kept.append(argument)
            return inner()

        scenario.call = call
        return scenario

    leak_check.SCENARIOS["leaking (self-test)"] = build
    try:
        result = leak_check.measure("leaking (self-test)", backend, 5_000, warmup=100, timing_calls=0)
    finally:
        del leak_check.SCENARIOS["leaking (self-test)"]
    problems = result.failures(16 * 1024)
    assert any("traced memory grew" in problem for problem in problems), problems
    assert result.refcount_deltas["argument"] == 5_000


def test_decorated_classes_are_collected(backend: str) -> None:
    """Dropped ``@support_hooks`` classes (hooked, called) are freed, and the registry forgets them.

    Regressions: the registry's WeakKeyDictionary once held values referencing their key (the
    class); a long-lived hook kept a dead reference per class it had been bound to (~95 B), and
    every slot name an empty set (~1.1 KB). 2,000 classes make the smaller of those ~190 KB.
    """
    result = leak_check.measure_class_collection(backend, classes=2_000)
    limit = MAX_GROWTH
    if result.failures(limit):
        # CPython's own tables that churn with classes resize in steps: after the rest of the
        # suite, 2,000 classes read up to +72 KB on 3.10 and 3.13 (CI), and readings of 2,000,
        # 4,000 and 8,000 classes ranged from -75 KB to +97 KB, with no leak. A leak grows in
        # proportion to the classes instead: measure 8,000 and allow 24 B a class (192 KB), a
        # quarter of the smallest regression guarded here.
        result = leak_check.measure_class_collection(backend, classes=8_000)
        limit = 8_000 * 24
    assert result.failures(limit) == [], (result.memory_growth, result.refcount_deltas)


@pytest.mark.parametrize("disabled", ["_sweep_names", "_prune_dead"])
def test_class_measurement_detects_registry_growth(
    backend: str, disabled: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness itself: without the registry's pruning, 2,000 dropped classes grow memory."""
    from hookfast import _registry

    monkeypatch.setattr(_registry, disabled, lambda *args: None)
    result = leak_check.measure_class_collection(backend, classes=2_000)
    assert result.memory_growth > MAX_GROWTH, result.memory_growth
