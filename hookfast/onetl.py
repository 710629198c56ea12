"""hookfast as onETL's own hook engine: ``import hookfast.onetl`` before anything imports ``onetl``.

onETL's classes (``DBReader``, ``FileDownloader``, the connections, ...) declare their slots with
``from onetl.hooks import slot, support_hooks``; their users cannot change those imports. After
:func:`install` (which importing this module calls), ``onetl.hooks`` and its submodules ``hook``,
``slot``, ``support_hooks`` and ``hooks_state`` are hookfast's, and ``onetl.exception.SignatureError``
is :class:`hookfast.SignatureError`, so every slot onETL declares dispatches through hookfast, and
code catching either name catches both::

    import hookfast.onetl  # first: before onetl, or anything that imports it, is imported

    from onetl.connection import FTP
    from onetl.hooks import hook

    @FTP.download_file.bind
    @hook
    def audit(connection, remote_file_path, local_file_path, **options): ...

Imported after ``onetl``, it raises :class:`ImportError`: onETL's classes would already hold
onETL's own slot wrappers, and only some of them would change engine. The logs are hookfast's
(loggers ``hookfast.*``, not ``onetl.hooks.*``); docs/migrating-from-onetl.md lists the other
differences.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

import hookfast

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["install", "installed"]

#: ``onetl.hooks`` submodules served by hookfast's modules of the same role (imported by name:
#: ``hookfast.hook`` the attribute is the function, as ``onetl.hooks.hook`` is in onETL).
SUBMODULES: dict[str, ModuleType] = {
    f"onetl.hooks.{name}": importlib.import_module(f"hookfast.{name}")
    for name in ("hook", "slot", "support_hooks", "hooks_state")
}
#: ``onetl.hooks.__all__`` in onETL 0.17, exactly.
PACKAGE_NAMES = (
    "HookPriority",
    "hook",
    "resume_all_hooks",
    "skip_all_hooks",
    "slot",
    "stop_all_hooks",
    "support_hooks",
)


class _HooksPackageLoader(importlib.abc.Loader):
    """Makes ``onetl.hooks`` a package of hookfast's names and registers the submodules."""

    def __init__(self, search_locations: list[str]) -> None:
        self.search_locations = search_locations

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        # onETL's own modules that hookfast does not replace (hook_collection, ...) still import
        module.__path__ = self.search_locations
        module.__doc__ = f"onETL's hooks, served by hookfast {hookfast.__version__} (hookfast.onetl)."
        for name in PACKAGE_NAMES:
            setattr(module, name, getattr(hookfast, name))
        module.__all__ = list(PACKAGE_NAMES)  # type: ignore[attr-defined]
        for fullname, submodule in SUBMODULES.items():
            sys.modules[fullname] = submodule
        # as in onETL, `onetl.hooks.hook`, `.slot` and `.support_hooks` are the functions (the
        # package's names shadow those submodules); `onetl.hooks.hooks_state` is the module
        module.hooks_state = SUBMODULES["onetl.hooks.hooks_state"]  # type: ignore[attr-defined]


class _ExceptionModuleLoader(importlib.abc.Loader):
    """Loads onETL's real ``onetl.exception``, then makes its ``SignatureError`` hookfast's."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        module.SignatureError = hookfast.SignatureError  # type: ignore[attr-defined]


class _OnetlFinder(importlib.abc.MetaPathFinder):
    """Serves ``onetl.hooks`` and wraps ``onetl.exception``; every other module imports as usual."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in ("onetl.hooks", "onetl.exception"):
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path)
        if real is None or real.loader is None:
            return None  # not onETL as installed: leave the error to the normal import
        if fullname == "onetl.exception":
            return importlib.machinery.ModuleSpec(
                fullname, _ExceptionModuleLoader(real.loader), origin=real.origin
            )
        spec = importlib.machinery.ModuleSpec(
            fullname, _HooksPackageLoader(list(real.submodule_search_locations or [])), is_package=True
        )
        spec.submodule_search_locations = list(real.submodule_search_locations or [])
        return spec


_finder: _OnetlFinder | None = None


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _finder is not None


def install() -> None:
    """Make hookfast the engine of ``onetl.hooks`` for this process (idempotent).

    Raises:
        ImportError: ``onetl`` is imported already: its classes hold onETL's own slots.
    """
    global _finder
    if _finder is not None:
        return
    imported = sorted(name for name in sys.modules if name == "onetl" or name.startswith("onetl."))
    if imported:
        raise ImportError(
            "hookfast.onetl must be imported before onetl: "
            f"{', '.join(imported[:5])}{' ...' if len(imported) > 5 else ''} "
            "already imported, and onETL's classes declared their slots with onETL's own engine then. "
            "Put `import hookfast.onetl` first, for example at the top of your entry point or in a "
            "`conftest.py`."
        )
    _finder = _OnetlFinder()
    sys.meta_path.insert(0, _finder)


install()
