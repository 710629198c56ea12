"""hookfast: a Cython-accelerated, drop-in replacement for onETL's method hooks.

Change ``from onetl.hooks import ...`` to ``from hookfast import ...``: the API and the behaviour are
onETL's, except the deliberate differences that docs/migrating-from-onetl.md lists (most of them
onETL bugs fixed), only faster. ``hookfast.BACKEND`` says which dispatch backend is active
(``"cython"`` or ``"python"``).
"""

from __future__ import annotations

from hookfast._dispatch import BACKEND
from hookfast._version import __version__
from hookfast.exceptions import SignatureError
from hookfast.hook import Hook, HookPriority, hook
from hookfast.hooks_state import resume_all_hooks, skip_all_hooks, stop_all_hooks
from hookfast.logs import NOTICE
from hookfast.slot import slot
from hookfast.support_hooks import support_hooks

TYPE_CHECKING = False  # typing costs ~3 ms at import
if TYPE_CHECKING:
    from hookfast.introspection import HookPlan, PlannedHook, check_hooks, hooks_for
    from hookfast.plugins import auto_import_plugins, import_plugins
    from hookfast.tracing import TracedCall, TracedHook, trace

#: Public names whose module is imported when the name is first used: most programs never plan,
#: trace or load plugins, and these modules are a tenth of ``import hookfast``.
_ON_FIRST_USE = {
    "HookPlan": "hookfast.introspection",
    "PlannedHook": "hookfast.introspection",
    "check_hooks": "hookfast.introspection",
    "hooks_for": "hookfast.introspection",
    "auto_import_plugins": "hookfast.plugins",
    "import_plugins": "hookfast.plugins",
    "TracedCall": "hookfast.tracing",
    "TracedHook": "hookfast.tracing",
    "trace": "hookfast.tracing",
}

if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute

    def __getattr__(name: str) -> object:
        module_name = _ON_FIRST_USE.get(name)
        if module_name is None:
            raise AttributeError(f"module 'hookfast' has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module_name), name)
        globals()[name] = value  # later look-ups are plain module attributes
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_ON_FIRST_USE})


__all__ = [
    "BACKEND",
    "NOTICE",
    "Hook",
    "HookPlan",
    "HookPriority",
    "PlannedHook",
    "SignatureError",
    "TracedCall",
    "TracedHook",
    "__version__",
    "auto_import_plugins",
    "check_hooks",
    "hook",
    "hooks_for",
    "import_plugins",
    "resume_all_hooks",
    "skip_all_hooks",
    "slot",
    "stop_all_hooks",
    "support_hooks",
    "trace",
]
