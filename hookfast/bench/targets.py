"""The project's performance targets: one table, read by ``hookfast-bench`` and shown in the docs.

:data:`TARGETS` is the only definition of a target. ``hookfast-bench`` checks each one against the
figures it measured (:func:`hookfast.bench.compare.evaluate_targets`), per Python version;
:func:`render_markdown` renders the table for ``docs/performance.md`` (a test checks that the page
holds exactly that rendering) and for ``hookfast-bench --targets``.

A target's ``figure`` names the ratio it limits, ``"A/B"``: the time of implementation ``A``
divided by the time of ``B``, both measured in the same run (see :mod:`hookfast.bench.compare` for
how the two sides stay in one process). Implementations: ``cython`` (hookfast's compiled backend,
"hookfast" in the tables), ``python`` (its pure-Python backend), ``plain`` (the method alone),
``hand`` (hand-written code making the hooks' calls), ``naive`` (mmcv's ``call_hook`` loop),
``onetl`` (onETL 0.17) and ``pluggy``. ``import_ms`` is the one figure that is not a ratio: the
milliseconds ``import hookfast`` takes beyond the standard modules it needs.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "EVERY_SCENARIO",
    "FOR_THE_RECORD",
    "IMPORT",
    "IMPORT_STDLIB",
    "TARGETS",
    "Limit",
    "Target",
    "describe_figure",
    "describe_limit",
    "render_markdown",
]

#: ``Target.scenarios`` of a target that applies to every scenario measured.
EVERY_SCENARIO: tuple[str, ...] = ()

#: The ``scenarios`` of the import target, and the scenario its checks are reported under.
IMPORT = "import"

#: The standard modules ``import hookfast`` needs; the import target counts only what comes on top.
IMPORT_STDLIB = ("logging", "contextlib", "threading")


@dataclass(frozen=True)
class Limit:
    """The bound of a target on the Python versions from ``oldest`` to ``newest`` (None: no end)."""

    value: float
    oldest: tuple[int, int] | None = None
    newest: tuple[int, int] | None = None

    def applies_to(self, python: tuple[int, int]) -> bool:
        """Whether this bound is the one for CPython ``python`` (major, minor)."""
        return (self.oldest is None or python >= self.oldest) and (
            self.newest is None or python <= self.newest
        )


@dataclass(frozen=True)
class Target:
    """One row of the targets table.

    Attributes:
        key: a stable name, used in the JSON and in ``--scenarios`` listings.
        what: what the target promises, in a few words.
        scenarios: the scenarios it is checked on (:data:`EVERY_SCENARIO`: all that were measured).
        figure: ``"A/B"``, the ratio of two implementations' times (see the module docstring), or
            ``"import_ms"``.
        at_most: True if the figure must be at most the limit, False if at least.
        limits: the bound per Python version; the first that applies wins.
        accept: the value still passing when one run's noise is allowed for (None: the limit).
    """

    key: str
    what: str
    scenarios: tuple[str, ...]
    figure: str
    at_most: bool
    limits: tuple[Limit, ...]
    accept: float | None = None

    def limit_for(self, python: tuple[int, int]) -> float | None:
        """The bound on CPython ``python`` (major, minor); None if no limit covers that version."""
        return next((limit.value for limit in self.limits if limit.applies_to(python)), None)

    def passes(self, value: float, python: tuple[int, int]) -> bool | None:
        """Whether ``value`` meets the target on ``python`` (with ``accept``); None: no limit there."""
        limit = self.limit_for(python)
        if limit is None:
            return None
        bound = limit if self.accept is None else self.accept
        return value <= bound if self.at_most else value >= bound

    def as_json(self) -> dict[str, Any]:
        """The row as JSON-able data (stored with every report)."""
        return {
            "key": self.key,
            "what": self.what,
            "scenarios": list(self.scenarios) or "every scenario",
            "figure": self.figure,
            "at_most": self.at_most,
            "limits": [
                {"value": limit.value, "oldest": limit.oldest, "newest": limit.newest}
                for limit in self.limits
            ],
            "accept": self.accept,
        }


_EVERY_VERSION = (Limit(1.05),)

#: The project's performance targets, in report order. The compiled backend is measured unless
#: ``figure`` names another implementation.
TARGETS: tuple[Target, ...] = (
    Target(
        "no_hook",
        "A slot with no hook that can run costs a plain method call, whatever happened before",
        ("no_hooks", "unbound", "disabled", "suspended"),
        "cython/plain",
        at_most=True,
        limits=_EVERY_VERSION,
    ),
    Target(
        "one_hook",
        "One function hook costs little more than calling it by hand",
        ("one_hook", "classmethod_one_hook"),
        "cython/hand",
        at_most=True,
        limits=(Limit(1.4, newest=(3, 11)), Limit(1.6, oldest=(3, 12))),
    ),
    Target(
        "held_one_hook",
        "A reference taken before the bind runs the hook too, one hook",
        ("held_one_hook",),
        "cython/hand",
        at_most=True,
        limits=(Limit(1.7),),
    ),
    Target(
        "five_hooks",
        "Five hooks (3 functions, a generator, a context-manager class)",
        ("five_hooks",),
        "cython/hand",
        at_most=True,
        limits=(Limit(1.4),),
    ),
    Target(
        "pluggy",
        "pluggy calling 5 hookimpls (one a wrapper) is slower",
        ("five_hooks",),
        "pluggy/cython",
        at_most=False,
        limits=(Limit(5.0),),
    ),
    Target(
        "onetl",
        "Slots with 0\N{EN DASH}1 hooks that can run are faster than onETL 0.17",
        ("no_hooks", "unbound", "disabled", "suspended", "one_hook", "classmethod_one_hook", "held_one_hook"),
        "onetl/cython",
        at_most=False,
        limits=(Limit(200.0),),
    ),
    Target(
        "async_no_hook",
        "An async slot with no hook costs a plain async method",
        ("async_no_hooks",),
        "cython/plain",
        at_most=True,
        limits=_EVERY_VERSION,
    ),
    Target(
        "async_one_hook",
        "An async slot with one sync hook, or one async def hook",
        ("async_one_hook", "async_one_async_hook"),
        "cython/hand",
        at_most=True,
        limits=(Limit(1.3),),
    ),
    Target(
        "async_five_hooks",
        "An async slot with five mixed hooks (sync, async def, async generator, async context manager)",
        ("async_five_mixed",),
        "cython/hand",
        at_most=True,
        limits=(Limit(1.6),),
    ),
    Target(
        "compiled_not_slower",
        "The compiled backend is never slower than the pure-Python one",
        EVERY_SCENARIO,
        "python/cython",
        at_most=False,
        limits=(Limit(1.0),),
        accept=0.95,
    ),
    Target(
        "runner_3_of_10",
        "Runner: 10 hooks registered, 3 override the point called",
        ("runner_3_of_10",),
        "naive/cython",
        at_most=False,
        limits=(Limit(5.0),),
    ),
    Target(
        "runner_none_of_10",
        "Runner: the same 10 hooks, a point none of them overrides",
        ("runner_none_of_10",),
        "naive/cython",
        at_most=False,
        limits=(Limit(15.0),),
    ),
    Target(
        "import",
        f"`import hookfast` beyond the standard modules it needs ({', '.join(IMPORT_STDLIB)})",
        (IMPORT,),
        "import_ms",
        at_most=True,
        limits=(Limit(3.0),),
    ),
)

#: Scenarios measured for the record, with no target of their own (the compiled-vs-pure-Python
#: target still applies), and why.
FOR_THE_RECORD = {
    "deep_one_hook": "Base/Mid/Leaf, Leaf redeclares the slot and calls super(), one hook per level",
    "runner_1_of_1": "one runner hook overriding the point, against calling its method directly",
}

#: How the implementations are called in the rendered table.
_NAMES = {
    "cython": "hookfast",
    "python": "hookfast (pure Python)",
    "plain": "plain method",
    "hand": "hand-written",
    "naive": "mmcv's loop",
    "onetl": "onETL 0.17",
    "pluggy": "pluggy",
}


def _version(python: tuple[int, int]) -> str:
    return f"{python[0]}.{python[1]}"


def _number(value: float) -> str:
    return "1.0" if value == 1 else f"{value:g}"  # "1.0" reads as a ratio, "1" less so


def describe_figure(figure: str) -> str:
    """``"cython/hand"`` -> ``"hookfast ÷ hand-written"``; ``import_ms`` -> ``"milliseconds"``."""
    if figure == "import_ms":
        return "milliseconds"
    numerator, denominator = figure.split("/")
    return f"{_NAMES[numerator]} ÷ {_NAMES[denominator]}"


def describe_limit(target: Target) -> str:
    """The bound(s) as the table shows them, e.g. ``≤ 1.4x on 3.11 and older, ≤ 1.6x on 3.12 and later``."""
    sign = "≤" if target.at_most else "≥"
    unit = " ms" if target.figure == "import_ms" else "\N{MULTIPLICATION SIGN}"
    parts = []
    for limit in target.limits:
        text = f"{sign} {_number(limit.value)}{unit}"
        if limit.oldest and limit.newest:
            text += f" on {_version(limit.oldest)}\N{EN DASH}{_version(limit.newest)}"
        elif limit.newest:
            text += f" on {_version(limit.newest)} and older"
        elif limit.oldest:
            text += f" on {_version(limit.oldest)} and later"
        parts.append(text)
    text = ", ".join(parts)
    if target.accept is not None:
        text += f" ({_number(target.accept)}{unit} accepted: the noise of one run)"
    return text


def _scenarios(target: Target) -> str:
    if target.scenarios == EVERY_SCENARIO:
        return "every scenario"
    if target.scenarios == (IMPORT,):
        return "\N{EN DASH}"
    return ", ".join(f"`{name}`" for name in target.scenarios)


def render_markdown() -> str:
    """The targets table in Markdown, with the notes that go with it (``docs/performance.md`` holds it)."""
    lines = [
        "| # | target | scenarios | figure | limit |",
        "| ---: | --- | --- | --- | --- |",
    ]
    for number, target in enumerate(TARGETS, 1):
        lines.append(
            f"| {number} | {target.what} | {_scenarios(target)} | {describe_figure(target.figure)} "
            f"| {describe_limit(target)} |"
        )
    notes = (
        '"hookfast" is the compiled backend. Each ratio divides two times measured in the same run: '
        "hookfast and the plain method, hand-written code or mmcv's loop in the same process, as the "
        "median over the sample rounds of the ratio of two samples taken back to back; two "
        "implementations in different processes each divided by their own process's baseline first. "
        "Versions are CPython's. Measured for the record, with no target of their own: "
        + "; ".join(f"`{name}` ({why})" for name, why in FOR_THE_RECORD.items())
        + "."
    )
    return "\n".join([*lines, "", textwrap.fill(notes, width=100, break_on_hyphens=False)])
