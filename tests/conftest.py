"""Shared fixtures: every behavioural test runs once per dispatch backend.

Behavioural test modules declare ``pytestmark = pytest.mark.usefixtures("backend")``. The
``backend`` fixture makes the classes a test defines use that backend (``hookfast._dispatch.use``);
classes are defined inside tests, so each test builds its slots with the backend of its parameter.
With ``HOOKFAST_REQUIRE_EXTENSION`` set, a missing compiled backend fails instead of skipping.
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
    previous = _dispatch.use(name)
    try:
        yield name
    finally:
        _dispatch.current = previous


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
