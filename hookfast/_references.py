"""Weak references that code constants hold, and that survive being pickled by value.

Generated code and trampolines reach the objects of their slot through a weak reference held as a
code constant: code objects are invisible to the garbage collector, so a strong one would keep a
class with hooks alive for ever. ``cloudpickle`` (Spark, Ray, dask, joblib) pickles a function
defined in ``__main__`` by value, its code constants included, and cannot pickle a plain weak
reference. :class:`Reference` pickles as a strong reference to what it refers to: in the process
that unpickles it, nothing else would keep that object alive. Cold path only.
"""

from __future__ import annotations

import weakref

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Reference", "StrongReference"]


class Reference(weakref.ref):  # type: ignore[type-arg]
    """A weak reference that pickles as a :class:`StrongReference` to its referent."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (StrongReference, (self(),))


class StrongReference:
    """Called, returns its target: stands for a :class:`Reference` in an unpickled code object."""

    __slots__ = ("target",)

    def __init__(self, target: Any) -> None:
        self.target = target

    def __call__(self) -> Any:
        return self.target

    def __reduce__(self) -> tuple[Any, ...]:
        return (StrongReference, (self.target,))
