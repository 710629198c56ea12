"""Plugin discovery through ``importlib.metadata`` entry points.

This is the hookfast counterpart of onETL's ``onetl.plugins.import_plugins`` and of the
``plugins_auto_import()`` function that ``import onetl`` runs. hookfast itself never imports plugins
on its own: a host library that wants onETL's automatic behaviour calls :func:`auto_import_plugins`
(typically from its package ``__init__``) with its own entry-point group and environment prefix::

    from hookfast.plugins import auto_import_plugins

    auto_import_plugins("mylib.plugins", env_prefix="MYLIB")

A plugin is any installed distribution declaring an entry point in that group, e.g. in its
``pyproject.toml``::

    [project.entry-points."mylib.plugins"]
    my-plugin = "my_plugin_package.hooks"
"""

from __future__ import annotations

import logging
import os
import sys
import textwrap
from collections.abc import Iterable, Sequence

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway

if TYPE_CHECKING:
    from importlib.metadata import Distribution, EntryPoint

__all__ = ["auto_import_plugins", "import_plugins"]

log = logging.getLogger("hookfast.plugins")


def _select_entry_points(group: str) -> Sequence[EntryPoint]:
    """Return the entry points registered for ``group``, in distribution discovery order.

    Args:
        group: Entry-point group name, e.g. ``"mylib.plugins"``.

    Returns:
        The entry points of the group (possibly empty).
    """
    if sys.version_info >= (3, 10):
        from importlib.metadata import entry_points  # imported here: it alone costs ~15 ms at import

        return tuple(entry_points(group=group))
    # Python 3.9: entry_points() takes no arguments and returns a dict {group: tuple[EntryPoint, ...]}.
    from importlib.metadata import entry_points

    return tuple(entry_points().get(group, ()))


def _find_distribution(entry_point: EntryPoint) -> Distribution | None:
    """Return the distribution that declares ``entry_point``, if it can be determined.

    Python 3.10+ exposes it as ``EntryPoint.dist``. On Python 3.9 ``EntryPoint`` is a plain named
    tuple without it, so the installed distributions are scanned for one declaring an equal entry
    point. This is only done for DEBUG logging and for error messages, never on the normal path.

    Args:
        entry_point: The entry point to look up.

    Returns:
        The declaring distribution, or ``None`` if unknown.
    """
    dist = getattr(entry_point, "dist", None)
    if dist is not None or sys.version_info >= (3, 10):
        return dist
    from importlib.metadata import distributions

    for candidate in distributions():  # pragma: no cover - Python 3.9 only
        try:
            if entry_point in candidate.entry_points:
                return candidate
        except Exception:  # a broken metadata file must not hide the real error
            continue
    return None  # pragma: no cover - Python 3.9 only


def _dist_name_and_version(entry_point: EntryPoint) -> tuple[str, str]:
    """Return ``(distribution name, version)`` of the entry point, ``"unknown"`` where not known.

    Args:
        entry_point: The entry point to describe.

    Returns:
        A ``(name, version)`` pair of strings.
    """
    try:
        dist = _find_distribution(entry_point)
        if dist is None:
            return "unknown", "unknown"
        name = dist.metadata["Name"]
        version = dist.version
    except Exception:  # diagnostics must never raise by themselves
        return "unknown", "unknown"
    return (name or "unknown"), (version or "unknown")


def _hookfast_version() -> str:
    """Return hookfast's version, imported lazily to avoid an import cycle with the package root.

    Returns:
        ``hookfast._version.__version__``, or ``"unknown"`` if it cannot be imported.
    """
    try:
        from hookfast._version import __version__
    except Exception:  # only used to build a diagnostic message; must never raise by itself
        return "unknown"
    return str(__version__)


def _prepare_error_msg(
    plugin_name: str,
    package_name: str,
    package_version: str,
    package_value: str,
    env_prefix: str | None,
) -> str:
    """Build the diagnostic text of the ``ImportError`` raised for a failing plugin.

    Args:
        plugin_name: Entry-point name.
        package_name: Name of the distribution declaring the entry point, or ``"unknown"``.
        package_version: Version of that distribution, or ``"unknown"``.
        package_value: Entry-point value, ``"module"`` or ``"module:attr"``.
        env_prefix: Environment-variable prefix when called through :func:`auto_import_plugins`,
            ``None`` when :func:`import_plugins` was called directly.

    Returns:
        A dedented, stripped multi-line message.
    """
    module, sep, attr = package_value.partition(":")
    module = module.strip()
    attr = attr.strip()
    import_statement = f"from {module} import {attr}" if sep and attr else f"import {module}"

    if env_prefix is not None:
        blacklist_hint = (
            "You can disable loading this plugin by setting environment variable:\n"
            f"            {env_prefix}_PLUGINS_BLACKLIST='{plugin_name}'"
        )
        whitelist_hint = (
            "You can also define a whitelist of plugins which can be loaded:\n"
            f"            {env_prefix}_PLUGINS_WHITELIST='not-failing-plugin1,not-failing-plugin2'"
        )
    else:
        blacklist_hint = (
            "You can disable loading this plugin if you pass "
            f"blacklist={[plugin_name]!r} to import_plugins()."
        )
        whitelist_hint = (
            "You can also define a whitelist of plugins which can be loaded if you pass\n"
            "            whitelist=['not-failing-plugin1', 'not-failing-plugin2'] to import_plugins()."
        )

    return textwrap.dedent(
        f"""
        Error while importing plugin {plugin_name!r} from package {package_name!r} v{package_version}.

        Statement:
            {import_statement}

        Check if plugin is compatible with current hookfast version {_hookfast_version()}.

        {blacklist_hint}

        {whitelist_hint}

        Please take into account that plugin name may differ from package or module name.
        See package metadata for more details.
        """,
    ).strip()


def _import_plugin(entry_point: EntryPoint, env_prefix: str | None) -> None:
    """Load one entry point, wrapping any failure into a descriptive ``ImportError``.

    Args:
        entry_point: The entry point to load.
        env_prefix: Passed through to the error message, see :func:`_prepare_error_msg`.

    Raises:
        ImportError: ``entry_point.load()`` raised any ``Exception``; the original exception is
            chained as ``__cause__``.
    """
    try:
        # Unlike onETL, the loaded object is not passed to inspect.getfile(): that call raises
        # TypeError for entry points naming an instance (or any object without a source file), which
        # onETL then wrongly reports as a failing import of a perfectly working plugin.
        entry_point.load()
    except Exception as e:
        package_name, package_version = _dist_name_and_version(entry_point)
        error_msg = _prepare_error_msg(
            plugin_name=entry_point.name,
            package_name=package_name,
            package_version=package_version,
            package_value=entry_point.value,
            env_prefix=env_prefix,
        )
        raise ImportError(error_msg) from e
    log.debug("|Plugins| Successfully loaded plugin %r", entry_point.name)


def _import_plugins(
    group: str,
    whitelist: Iterable[str] | None,
    blacklist: Iterable[str] | None,
    env_prefix: str | None,
) -> list[str]:
    """Implement :func:`import_plugins`; ``env_prefix`` only changes the hint of error messages.

    Args:
        group: Entry-point group name.
        whitelist: If non-empty, only plugins with these names are loaded.
        blacklist: Plugins with these names are never loaded.
        env_prefix: Environment-variable prefix used by :func:`auto_import_plugins`, or ``None``.

    Returns:
        Names of the loaded plugins, in load order.

    Raises:
        ImportError: A plugin failed to import.
    """
    allowed = tuple(whitelist) if whitelist is not None else ()
    denied = tuple(blacklist) if blacklist is not None else ()

    log.debug("|Plugins| Searching for plugins with group %r", group)
    found = _select_entry_points(group)
    plugins_count = len(found)
    if not plugins_count:
        log.debug("|Plugins| No plugins registered")
        return []

    debug = log.isEnabledFor(logging.DEBUG)
    if debug:
        log.debug("|Plugins| Found %d plugins", plugins_count)
        log.debug("|Plugins| Plugin load options:")
        log.debug("|Plugins|     whitelist = %r", list(allowed))
        log.debug("|Plugins|     blacklist = %r", list(denied))

    loaded: list[str] = []
    for i, entry_point in enumerate(found):
        name = entry_point.name
        if allowed and name not in allowed:
            log.info("|Plugins| Skipping plugin %r because it is not in whitelist", name)
            continue
        if name in denied:
            log.info("|Plugins| Skipping plugin %r because it is in a blacklist", name)
            continue

        if debug:
            package_name, package_version = _dist_name_and_version(entry_point)
            log.debug("|Plugins| Loading plugin %r (%d of %d)", name, i + 1, plugins_count)
            log.debug("|Plugins|     package = %r", package_name)
            log.debug("|Plugins|     version = %r", package_version)
            log.debug("|Plugins|     value = %r", entry_point.value)

        _import_plugin(entry_point, env_prefix)
        loaded.append(name)
    return loaded


def import_plugins(
    group: str,
    whitelist: Iterable[str] | None = None,
    blacklist: Iterable[str] | None = None,
) -> list[str]:
    """Import every plugin registered as an entry point of ``group``.

    Entry points are loaded in distribution discovery order (the order of ``sys.path``). A plugin is
    skipped if ``whitelist`` is non-empty and does not contain its name, or if ``blacklist`` contains
    its name; the blacklist wins when a name is in both. Skips are logged at INFO, loads at DEBUG.

    Args:
        group: Entry-point group name, e.g. ``"mylib.plugins"``.
        whitelist: Names of the only plugins that may be loaded. ``None`` or empty allows all.
        blacklist: Names of plugins that must not be loaded.

    Returns:
        Names of the plugins that were loaded, in load order.

    Raises:
        ImportError: Importing a plugin raised any ``Exception``. The message names the plugin, its
            distribution and version, the failing import statement and how to blacklist the plugin;
            the original exception is available as ``__cause__``.

    Examples:
        With no distribution declaring an entry point in the group, nothing is loaded:

        >>> import_plugins("mylib.plugins", blacklist=["broken-plugin"])
        []
    """
    return _import_plugins(group, whitelist, blacklist, env_prefix=None)


def _env_list(name: str) -> list[str]:
    """Read a comma-separated list from an environment variable.

    Empty items are dropped, but items are deliberately not stripped of whitespace, exactly like
    onETL's ``ONETL_PLUGINS_WHITELIST`` / ``ONETL_PLUGINS_BLACKLIST`` parsing.

    Args:
        name: Environment-variable name.

    Returns:
        The non-empty items, in order.
    """
    return [item for item in os.environ.get(name, "").split(",") if item]


def auto_import_plugins(group: str, env_prefix: str) -> list[str]:
    """Import plugins of ``group`` the way ``import onetl`` does, configured by environment variables.

    The variables are read on every call:

    * ``<PREFIX>_PLUGINS_ENABLED``: plugins are disabled only if it equals ``false`` (any case);
      other values such as ``0`` or ``no`` leave them enabled.
    * ``<PREFIX>_PLUGINS_WHITELIST``: comma-separated plugin names, see :func:`import_plugins`.
    * ``<PREFIX>_PLUGINS_BLACKLIST``: comma-separated plugin names, see :func:`import_plugins`.

    Empty list items are dropped; items are not stripped of whitespace (onETL compatibility).

    Args:
        group: Entry-point group name, e.g. ``"mylib.plugins"``.
        env_prefix: Environment-variable prefix without the trailing underscore, e.g. ``"MYLIB"``.

    Returns:
        Names of the plugins that were loaded, in load order; ``[]`` if plugins are disabled.

    Raises:
        ImportError: Importing a plugin failed; the message suggests
            ``<PREFIX>_PLUGINS_BLACKLIST='<name>'`` to skip it.
    """
    if os.environ.get(f"{env_prefix}_PLUGINS_ENABLED", "true").lower() == "false":
        log.debug("|Plugins| Plugins are disabled by %s_PLUGINS_ENABLED", env_prefix)
        return []

    whitelist = _env_list(f"{env_prefix}_PLUGINS_WHITELIST")
    blacklist = _env_list(f"{env_prefix}_PLUGINS_BLACKLIST")
    return _import_plugins(group, whitelist, blacklist, env_prefix=env_prefix)
