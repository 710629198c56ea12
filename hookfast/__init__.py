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
from hookfast.introspection import HookPlan, PlannedHook, check_hooks, hooks_for
from hookfast.logs import NOTICE
from hookfast.plugins import auto_import_plugins, import_plugins
from hookfast.slot import slot
from hookfast.support_hooks import support_hooks
from hookfast.tracing import TracedCall, TracedHook, trace

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
