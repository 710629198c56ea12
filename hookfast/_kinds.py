"""The kinds that the thin layer, both dispatch backends and the logs agree on, defined once.

Plain module constants with no imports: the compiled backend copies the integers into C variables
at import, so comparing them on the call path costs what a C ``enum`` would.
"""

from __future__ import annotations

__all__ = [
    "POSITION_DELEGATED",
    "POSITION_MOST_DERIVED",
    "POSITION_REACHED",
    "RESULT_ASYNC_CONTEXT",
    "RESULT_ASYNC_GENERATOR",
    "RESULT_AWAITABLE",
    "RESULT_CONTEXT",
    "RESULT_GENERATOR",
    "RESULT_NONE",
    "RESULT_VALUE",
    "SLOT_CLASSMETHOD",
    "SLOT_METHOD",
    "SLOT_STATICMETHOD",
]

# How the class holds a slot (``SlotDeclaration.kind``): decides the receiver of a call and how
# the dispatcher is wrapped when the registry installs it.
SLOT_METHOD = "method"
SLOT_CLASSMETHOD = "classmethod"
SLOT_STATICMETHOD = "staticmethod"

# What a hook returned, by type: decides whether it is ignored, replaces the result, or is entered.
RESULT_NONE = 0
RESULT_VALUE = 1
RESULT_GENERATOR = 2
RESULT_CONTEXT = 3
# Only on async slots: awaited first (an ``async def`` hook), or entered with ``await``.
RESULT_AWAITABLE = 4
RESULT_ASYNC_GENERATOR = 5
RESULT_ASYNC_CONTEXT = 6

# Where a call of a slot that has other declarations of its name in a class hierarchy stands.
POSITION_MOST_DERIVED = 0  # the receiver's class resolves the name to this slot: run its hooks
POSITION_DELEGATED = 1  # super() from a declaration below, in progress or resolved: no hooks
POSITION_REACHED = 2  # reached from below (a plain override's super(), a diamond's sibling): hooks
