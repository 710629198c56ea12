"""Shared fixtures: every test that depends on the dispatch backend runs once per backend.

A test depends on the backend if it registers a class with ``@support_hooks`` or calls a slot; it
uses the ``backend`` fixture, as a whole module (``pytestmark = pytest.mark.usefixtures("backend")``)
or per test. The fixture makes the classes a test defines use that backend
(``hookfast._dispatch.using``); classes are defined inside tests, so each test builds its slots with
the backend of its parameter. Tests that involve no backend (``@slot``/``@hook`` on their own, the
public names, plugins, ...) do not use it and run once. With ``HOOKFAST_REQUIRE_EXTENSION`` set, a
missing compiled backend fails instead of skipping.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

import hookfast
from hookfast import _dispatch, _registry

BACKENDS = ("cython", "python")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name of the dispatch backend this test runs against."""
    name = request.param
    if name not in _dispatch.available():
        if os.environ.get("HOOKFAST_REQUIRE_EXTENSION"):
            pytest.fail("HOOKFAST_REQUIRE_EXTENSION is set but the compiled backend is not importable")
        pytest.skip("the compiled backend is not built (pure-Python install)")
    with _dispatch.using(name):
        yield name


@pytest.fixture(autouse=True)
def _no_global_state_leak() -> Iterator[None]:
    """Fail a test that leaves hooks globally stopped; restore the switch for the next test."""
    assert _registry.is_globally_enabled(), "a previous test left hooks globally stopped"
    yield
    leaked = not _registry.is_globally_enabled()
    if leaked:
        hookfast.resume_all_hooks()
    assert not leaked, "this test left hooks globally stopped"


@pytest.fixture
def notice_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """caplog capturing hookfast's NOTICE-level tracing."""
    caplog.set_level(hookfast.NOTICE, logger="hookfast")
    return caplog


@pytest.fixture(autouse=True)
def _reset_hookfast_log_level() -> Iterator[None]:
    yield
    logging.getLogger("hookfast").setLevel(logging.NOTSET)
