"""What is measured: :class:`Scenario` records, and a :class:`Case` to time.

A :class:`Case` is one scenario x implementation as a statement to time, with its correctness check.

A case is a statement (``case.stmt``, assigning ``result``) and the namespace it runs in, so the
report can time it inline with :mod:`timeit` (no extra Python call per iteration), plus
``case.func``, the same statement as a zero-argument function, for pytest-benchmark. ``case.check()``
runs it once under :func:`sys.setprofile` and asserts the result and which hook code ran how often:
the hooks stay empty (``return None``), so counting them costs nothing while they are measured.
"""

from __future__ import annotations

import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field

from hookfast._splice import original_of

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from types import CodeType, FrameType
    from typing import Any, Callable

__all__ = ["Case", "Scenario", "Unavailable"]


class Unavailable(Exception):
    """This implementation cannot run this scenario here (not installed, or not applicable)."""


@dataclass
class Case:
    """One scenario x implementation, ready to time.

    Attributes:
        scenario: the scenario name.
        implementation: the implementation name.
        stmt: Python statement(s) assigning ``result``; timed inline with ``namespace`` as globals.
        namespace: the globals ``stmt`` runs in.
        expected: what ``result`` must be.
        must_run: label -> (code object, exact number of 'call' profile events in one call).
        must_not_run: label -> code object that must not run (disabled hooks).
        func: ``stmt`` as a zero-argument function returning ``result`` (built from the above).
    """

    scenario: str
    implementation: str
    stmt: str
    namespace: dict[str, Any]
    expected: Any
    must_run: dict[str, tuple[CodeType, int]] = field(default_factory=dict)
    must_not_run: dict[str, CodeType] = field(default_factory=dict)
    func: Callable[[], Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Compiled with the namespace as its globals, like timeit runs ``stmt``: both see the same names.
        source = "def _case():\n" + textwrap.indent(self.stmt, "    ") + "\n    return result\n"
        exec(compile(source, f"<{self.scenario}/{self.implementation}>", "exec"), self.namespace)
        self.func = self.namespace.pop("_case")

    def check(self) -> dict[str, int]:
        """Call once, counting hook code runs with a profiler; assert result and counts.

        Returns:
            label -> number of 'call' events seen, for every watched code object.

        Raises:
            AssertionError: wrong result, a hook that did not run (or ran too often), or a disabled
                hook that ran.
        """
        watched = {code: label for label, (code, _) in self.must_run.items()}
        watched.update({code: label for label, code in self.must_not_run.items()})
        counts: Counter[str] = Counter()

        def profiler(frame: FrameType, event: str, arg: Any) -> None:
            # a method body run inline with its hooks runs as a spliced copy of its code
            code = original_of(frame.f_code)
            if event == "call" and code in watched:
                counts[watched[code]] += 1

        previous = sys.getprofile()
        sys.setprofile(profiler)
        try:
            result = self.func()
        finally:
            sys.setprofile(previous)
        where = f"{self.scenario}/{self.implementation}"
        assert result == self.expected, f"{where}: returned {result!r}, expected {self.expected!r}"
        for label, (_, times) in self.must_run.items():
            assert counts[label] == times, f"{where}: {label} ran {counts[label]} times, expected {times}"
        for label in self.must_not_run:
            assert counts[label] == 0, f"{where}: {label} ran {counts[label]} times, expected 0"
        return {label: counts[label] for label in watched.values()}


@dataclass(frozen=True)
class Scenario:
    """One benchmark scenario: a slot scenario, or a runner scenario (receiver ``runner``).

    Its targets are in :data:`hookfast.bench.targets.TARGETS`, which names the scenarios.

    Attributes:
        name: the name the report, the JSON and ``--scenarios`` use.
        receiver: the receiver's shape, a key of :data:`hookfast.bench.receivers.SHAPES`, or
            ``runner``: an mmcv-style runner (built in :mod:`hookfast.bench.runner_cases`).
        hooks: the kinds of the hooks bound (``function``, ``generator``, ``context``), in order;
            for a runner, the point each registered hook overrides, in registration order.
        state: ``never bound``, ``enabled``, ``disabled`` (every hook), ``suspended`` (the slot) or
            ``unbound`` (every hook bound, then unbound); ``registered`` for a runner.
        description: one line saying what the scenario measures.
        point: for a runner, the point ``call_hook`` calls; None for a slot.
    """

    name: str
    receiver: str
    hooks: tuple[str, ...]
    state: str
    description: str
    point: str | None = None

    @property
    def runner(self) -> bool:
        """Whether this is a runner scenario (``call_hook``), not a slot one."""
        return self.point is not None

    @property
    def hooked(self) -> bool:
        """Whether hooks actually run in this scenario."""
        if self.point is not None:
            return self.point in self.hooks
        return self.state == "enabled"
