"""Tests of ``hookfast.plugins`` against real entry points of throw-away installed distributions.

Every test builds its own tiny "site-packages" directory in ``tmp_path`` (``*.dist-info`` metadata plus
plugin modules), prepends it to ``sys.path`` and uses an entry-point group and module names unique to
the test, so nothing leaks between tests. Plugin modules record their import in a recorder module.
"""

from __future__ import annotations

import importlib
import logging
import sys
import textwrap
import types
import uuid
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import hookfast.plugins as plugins_module
from hookfast.plugins import auto_import_plugins, import_plugins

LOGGER_NAME = "hookfast.plugins"


class FakeSite:
    """Factory of installed distributions declaring entry points in a test-unique group."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.uid = uuid.uuid4().hex[:12]
        self.prefix = f"hookfast_plugtest_{self.uid}_"
        self.group = f"hookfast_tests.plugins_{self.uid}"
        self._tmp_path = tmp_path
        self._monkeypatch = monkeypatch
        self._sites: dict[str, Path] = {}
        self.recorder = types.ModuleType(f"{self.prefix}recorder")
        self.recorder.LOADED = []  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, self.recorder.__name__, self.recorder)

    @property
    def loaded(self) -> list[str]:
        """Module names (short form) imported so far, in import order."""
        return [name[len(self.prefix) :] for name in self.recorder.LOADED]  # type: ignore[attr-defined]

    def mod(self, short: str) -> str:
        """Return the real (unique) module name for a short name such as ``"a"`` or ``"pkg.sub"``."""
        return self.prefix + short

    def dist(self, short: str) -> str:
        """Return the real (unique) distribution name for a short name."""
        return f"hookfast-plugtest-{short}-{self.uid}"

    def _site_dir(self, site: str) -> Path:
        if site not in self._sites:
            path = self._tmp_path / site
            path.mkdir()
            self._monkeypatch.syspath_prepend(str(path))
            self._sites[site] = path
        return self._sites[site]

    def add_distribution(
        self,
        short: str,
        entry_points: dict[str, str],
        modules: dict[str, str],
        version: str = "1.2.3",
        site: str = "site",
    ) -> None:
        """Install a distribution.

        Args:
            short: Short distribution name, expanded by :meth:`dist`.
            entry_points: ``{entry point name: value}``; ``{m:name}`` in a value is replaced by the real
                module name of short module ``name``.
            modules: ``{short module name: extra source}``; every module records its import first.
            version: Distribution version.
            site: Name of the site directory (each is prepended to ``sys.path`` when first used).
        """
        root = self._site_dir(site)
        for short_module, body in modules.items():
            parts = self.mod(short_module).split(".")
            directory = root
            for package in parts[:-1]:
                directory = directory / package
                if not directory.exists():
                    directory.mkdir()
                    (directory / "__init__.py").write_text(self._source(""))
            (directory / f"{parts[-1]}.py").write_text(self._source(body))

        dist_name = self.dist(short)
        dist_info = root / f"{dist_name.replace('-', '_')}-{version}.dist-info"
        dist_info.mkdir()
        (dist_info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n",
        )
        lines = [f"[{self.group}]"]
        for name, value in entry_points.items():
            real_value = value
            for short_module in modules:
                real_value = real_value.replace(f"{{m:{short_module}}}", self.mod(short_module))
            lines.append(f"{name} = {real_value}")
        (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n")
        importlib.invalidate_caches()

    def _source(self, body: str) -> str:
        header = f"import {self.recorder.__name__} as _rec\n_rec.LOADED.append(__name__)\n"
        return header + textwrap.dedent(body)

    def cleanup(self) -> None:
        """Forget every module imported from this site."""
        for name in list(sys.modules):
            if name.startswith(self.prefix):
                del sys.modules[name]
        importlib.invalidate_caches()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSite]:
    fake = FakeSite(tmp_path, monkeypatch)
    for suffix in ("ENABLED", "WHITELIST", "BLACKLIST"):
        monkeypatch.delenv(f"MYLIB_PLUGINS_{suffix}", raising=False)
    yield fake
    fake.cleanup()


@pytest.fixture
def fake_version(monkeypatch: pytest.MonkeyPatch) -> str:
    """Provide ``hookfast._version`` with a recognisable version, independent of the real file."""
    module = types.ModuleType("hookfast._version")
    module.__version__ = "9.8.7-test"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hookfast._version", module)
    return "9.8.7-test"


def three_plugins(site: FakeSite) -> None:
    site.add_distribution(
        "three",
        {"plug-a": "{m:a}", "plug-b": "{m:b}", "plug-c": "{m:c}"},
        {"a": "", "b": "", "c": ""},
    )


def messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME and r.levelno == level]


# --------------------------------------------------------------------------------------------------
# import_plugins: success paths
# --------------------------------------------------------------------------------------------------


def test_success_imports_modules_and_returns_names(site: FakeSite, caplog: pytest.LogCaptureFixture) -> None:
    site.add_distribution("ok", {"plug-a": "{m:a}", "plug-b": "{m:b}"}, {"a": "", "b": ""})
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)

    assert import_plugins(site.group) == ["plug-a", "plug-b"]

    assert site.loaded == ["a", "b"]
    assert site.mod("a") in sys.modules
    debug = messages(caplog, logging.DEBUG)
    assert f"|Plugins| Searching for plugins with group {site.group!r}" in debug
    assert "|Plugins| Found 2 plugins" in debug
    assert "|Plugins| Loading plugin 'plug-a' (1 of 2)" in debug
    assert "|Plugins| Loading plugin 'plug-b' (2 of 2)" in debug
    assert any(m.startswith("|Plugins|") and repr(site.dist("ok")) in m and "package" in m for m in debug)
    assert any("version" in m and "'1.2.3'" in m for m in debug)
    assert any("value" in m and repr(site.mod("a")) in m for m in debug)
    assert "|Plugins| Successfully loaded plugin 'plug-a'" in debug
    assert "|Plugins| Successfully loaded plugin 'plug-b'" in debug
    # the "Loading" line precedes the success line of the same plugin
    assert debug.index("|Plugins| Loading plugin 'plug-a' (1 of 2)") < debug.index(
        "|Plugins| Successfully loaded plugin 'plug-a'",
    )
    assert not messages(caplog, logging.INFO)


def test_module_attr_form_loads_attribute_even_if_it_is_an_instance(site: FakeSite) -> None:
    # onETL fails here: inspect.getfile() on an instance raises TypeError, wrapped as ImportError.
    site.add_distribution(
        "attr",
        {"instance": "{m:a}:INSTANCE", "nested": "{m:b}:Holder.inner"},
        {"a": "INSTANCE = object()\n", "b": "class Holder:\n    inner = 42\n"},
    )

    assert import_plugins(site.group) == ["instance", "nested"]
    assert site.loaded == ["a", "b"]


def test_plain_module_and_submodule_forms(site: FakeSite) -> None:
    site.add_distribution("plain", {"top": "{m:a}", "sub": "{m:pkg.sub}"}, {"a": "", "pkg.sub": ""})

    assert import_plugins(site.group) == ["top", "sub"]
    assert site.loaded == ["a", "pkg", "pkg.sub"]
    assert site.mod("pkg.sub") in sys.modules


def test_discovery_order_follows_sys_path(site: FakeSite) -> None:
    # "second" is added first, "first" later: syspath_prepend puts the later site in front.
    site.add_distribution("two", {"from-second-site": "{m:b}"}, {"b": ""}, site="site_second")
    site.add_distribution("one", {"from-first-site": "{m:a}"}, {"a": ""}, site="site_first")

    assert import_plugins(site.group) == ["from-first-site", "from-second-site"]
    assert site.loaded == ["a", "b"]


def test_no_plugins_in_group_returns_empty_list(site: FakeSite, caplog: pytest.LogCaptureFixture) -> None:
    site.add_distribution("other", {"plug-a": "{m:a}"}, {"a": ""})
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)

    assert import_plugins(site.group + "_empty") == []
    assert site.loaded == []
    assert "|Plugins| No plugins registered" in messages(caplog, logging.DEBUG)


def test_without_debug_logging_nothing_is_logged_but_plugins_load(
    site: FakeSite,
    caplog: pytest.LogCaptureFixture,
) -> None:
    three_plugins(site)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    assert import_plugins(site.group) == ["plug-a", "plug-b", "plug-c"]
    assert site.loaded == ["a", "b", "c"]
    assert [r for r in caplog.records if r.name == LOGGER_NAME] == []


# --------------------------------------------------------------------------------------------------
# import_plugins: whitelist / blacklist
# --------------------------------------------------------------------------------------------------


def test_whitelist_loads_only_listed(site: FakeSite, caplog: pytest.LogCaptureFixture) -> None:
    three_plugins(site)
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)

    assert import_plugins(site.group, whitelist=["plug-c", "plug-a"]) == ["plug-a", "plug-c"]

    assert site.loaded == ["a", "c"]
    assert site.mod("b") not in sys.modules
    assert messages(caplog, logging.INFO) == [
        "|Plugins| Skipping plugin 'plug-b' because it is not in whitelist",
    ]
    # the position counts every discovered plugin, skipped ones included
    assert "|Plugins| Loading plugin 'plug-c' (3 of 3)" in messages(caplog, logging.DEBUG)


def test_empty_whitelist_allows_everything(site: FakeSite) -> None:
    three_plugins(site)

    assert import_plugins(site.group, whitelist=[]) == ["plug-a", "plug-b", "plug-c"]
    assert site.loaded == ["a", "b", "c"]


def test_whitelist_and_blacklist_accept_one_shot_iterables(site: FakeSite) -> None:
    three_plugins(site)

    loaded = import_plugins(
        site.group,
        whitelist=(name for name in ["plug-c", "plug-b", "plug-a"]),
        blacklist=iter(["plug-b"]),
    )

    assert loaded == ["plug-a", "plug-c"]
    assert site.loaded == ["a", "c"]


def test_blacklist_skips_listed(site: FakeSite, caplog: pytest.LogCaptureFixture) -> None:
    three_plugins(site)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    assert import_plugins(site.group, blacklist=["plug-b"]) == ["plug-a", "plug-c"]

    assert site.loaded == ["a", "c"]
    assert messages(caplog, logging.INFO) == [
        "|Plugins| Skipping plugin 'plug-b' because it is in a blacklist",
    ]


def test_blacklist_wins_over_whitelist(site: FakeSite, caplog: pytest.LogCaptureFixture) -> None:
    three_plugins(site)
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    assert import_plugins(site.group, whitelist=["plug-a", "plug-b"], blacklist=["plug-a"]) == ["plug-b"]

    assert site.loaded == ["b"]
    assert messages(caplog, logging.INFO) == [
        "|Plugins| Skipping plugin 'plug-a' because it is in a blacklist",
        "|Plugins| Skipping plugin 'plug-c' because it is not in whitelist",
    ]


def test_blacklisted_failing_plugin_is_not_imported(site: FakeSite) -> None:
    site.add_distribution(
        "mixed",
        {"good": "{m:a}", "bad": "{m:bad}"},
        {"a": "", "bad": "raise RuntimeError('must not run')\n"},
    )

    assert import_plugins(site.group, blacklist=["bad"]) == ["good"]
    assert site.loaded == ["a"]


# --------------------------------------------------------------------------------------------------
# import_plugins: failures
# --------------------------------------------------------------------------------------------------


def test_failing_plugin_raises_descriptive_import_error(site: FakeSite, fake_version: str) -> None:
    site.add_distribution(
        "broken",
        {"good": "{m:a}", "bad-plugin": "{m:bad}:hook", "after": "{m:c}"},
        {"a": "", "bad": "raise RuntimeError('boom at import')\n", "c": ""},
        version="4.5.6",
    )

    with pytest.raises(ImportError) as exc_info:
        import_plugins(site.group)

    message = str(exc_info.value)
    assert message.startswith("Error while importing plugin 'bad-plugin'")
    assert message == message.strip()
    assert repr(site.dist("broken")) in message
    assert "v4.5.6" in message
    assert f"from {site.mod('bad')} import hook" in message
    assert f"Check if plugin is compatible with current hookfast version {fake_version}" in message
    assert "pass blacklist=['bad-plugin'] to import_plugins()" in message
    assert "_PLUGINS_BLACKLIST" not in message
    # lines are dedented: no line starts with the template's 8-space indentation
    assert not any(line.startswith("        ") for line in message.splitlines())

    cause = exc_info.value.__cause__
    assert isinstance(cause, RuntimeError)
    assert str(cause) == "boom at import"
    # plugins before the failing one are loaded, later ones are not
    assert site.loaded == ["a", "bad"]


def test_plain_module_failure_shows_import_statement(site: FakeSite) -> None:
    site.add_distribution(
        "missingdep",
        {"needs-dep": "{m:a}"},
        {"a": "import hookfast_no_such_module_for_tests\n"},
    )

    with pytest.raises(ImportError) as exc_info:
        import_plugins(site.group)

    message = str(exc_info.value)
    assert f"\n    import {site.mod('a')}\n" in message
    assert "'needs-dep'" in message
    assert type(exc_info.value) is ImportError
    assert isinstance(exc_info.value.__cause__, ModuleNotFoundError)


def test_missing_attribute_is_wrapped(site: FakeSite) -> None:
    site.add_distribution("noattr", {"no-attr": "{m:a}:missing"}, {"a": ""})

    with pytest.raises(ImportError) as exc_info:
        import_plugins(site.group)

    assert f"from {site.mod('a')} import missing" in str(exc_info.value)
    assert isinstance(exc_info.value.__cause__, AttributeError)
    assert site.loaded == ["a"]


def test_base_exception_is_not_wrapped(site: FakeSite) -> None:
    site.add_distribution("exits", {"exits": "{m:a}"}, {"a": "raise SystemExit(3)\n"})

    with pytest.raises(SystemExit) as exc_info:
        import_plugins(site.group)

    assert exc_info.value.code == 3


def test_unknown_distribution_is_reported_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    orphan = EntryPoint(name="orphan", value="hookfast_no_such_module_for_tests:thing", group="g")
    monkeypatch.setattr(plugins_module, "_select_entry_points", lambda group: (orphan,))

    with pytest.raises(ImportError) as exc_info:
        import_plugins("g")

    message = str(exc_info.value)
    assert "plugin 'orphan' from package 'unknown' vunknown" in message
    assert "from hookfast_no_such_module_for_tests import thing" in message


# --------------------------------------------------------------------------------------------------
# auto_import_plugins
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["false", "FALSE", "False"])
def test_auto_import_disabled_only_by_false(
    site: FakeSite,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_ENABLED", value)

    assert auto_import_plugins(site.group, "MYLIB") == []
    assert site.loaded == []


@pytest.mark.parametrize("value", ["0", "no", "off", "", "true", " false"])
def test_auto_import_other_enabled_values_keep_plugins_on(
    site: FakeSite,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_ENABLED", value)

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-b", "plug-c"]
    assert site.loaded == ["a", "b", "c"]


def test_auto_import_enabled_by_default(site: FakeSite) -> None:
    three_plugins(site)

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-b", "plug-c"]
    assert site.loaded == ["a", "b", "c"]


def test_auto_import_whitelist_drops_empty_items(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_WHITELIST", ",plug-a,,plug-c,")

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-c"]
    assert site.loaded == ["a", "c"]


def test_auto_import_blacklist_drops_empty_items(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", "plug-b,,")

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-c"]
    assert site.loaded == ["a", "c"]


def test_auto_import_only_commas_means_no_list(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_WHITELIST", ",,")
    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", ",")

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-b", "plug-c"]


def test_auto_import_items_are_not_stripped(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # onETL compatibility: " plug-b" does not match "plug-b".
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_WHITELIST", "plug-a, plug-b")
    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", "plug-a ")

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a"]
    assert site.loaded == ["a"]


def test_auto_import_blacklist_wins(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    three_plugins(site)
    monkeypatch.setenv("MYLIB_PLUGINS_WHITELIST", "plug-a,plug-b")
    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", "plug-b")

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a"]


def test_auto_import_reads_environment_at_call_time(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    three_plugins(site)

    monkeypatch.setenv("MYLIB_PLUGINS_ENABLED", "false")
    assert auto_import_plugins(site.group, "MYLIB") == []

    monkeypatch.setenv("MYLIB_PLUGINS_ENABLED", "true")
    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", "plug-a,plug-c")
    assert auto_import_plugins(site.group, "MYLIB") == ["plug-b"]

    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", "plug-b")
    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-c"]

    monkeypatch.delenv("MYLIB_PLUGINS_BLACKLIST")
    monkeypatch.setenv("MYLIB_PLUGINS_WHITELIST", "plug-c")
    assert auto_import_plugins(site.group, "MYLIB") == ["plug-c"]
    assert site.loaded == ["b", "a", "c"]


def test_auto_import_uses_its_own_prefix_only(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    three_plugins(site)
    monkeypatch.setenv("OTHERLIB_PLUGINS_ENABLED", "false")
    monkeypatch.setenv("OTHERLIB_PLUGINS_BLACKLIST", "plug-a")

    assert auto_import_plugins(site.group, "MYLIB") == ["plug-a", "plug-b", "plug-c"]
    assert auto_import_plugins(site.group, "OTHERLIB") == []


def test_auto_import_failure_suggests_env_blacklist(
    site: FakeSite,
    monkeypatch: pytest.MonkeyPatch,
    fake_version: str,
) -> None:
    site.add_distribution("autobroken", {"bad-plugin": "{m:bad}"}, {"bad": "raise ValueError('nope')\n"})

    with pytest.raises(ImportError) as exc_info:
        auto_import_plugins(site.group, "MYLIB")

    message = str(exc_info.value)
    assert "MYLIB_PLUGINS_BLACKLIST='bad-plugin'" in message
    assert "to import_plugins()" not in message
    assert repr(site.dist("autobroken")) in message
    assert "v1.2.3" in message
    assert f"import {site.mod('bad')}" in message
    assert f"current hookfast version {fake_version}" in message
    assert isinstance(exc_info.value.__cause__, ValueError)

    # following the hint really skips the plugin
    monkeypatch.setenv("MYLIB_PLUGINS_BLACKLIST", "bad-plugin")
    assert auto_import_plugins(site.group, "MYLIB") == []


def test_public_names() -> None:
    assert sorted(plugins_module.__all__) == ["auto_import_plugins", "import_plugins"]
    assert plugins_module.log.name == LOGGER_NAME
