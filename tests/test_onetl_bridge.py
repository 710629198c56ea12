"""``hookfast.onetl``: hookfast as the engine of onETL's own classes, tested against onetl 0.17 itself.

Each test runs a fresh interpreter (``import hookfast.onetl`` must come before ``onetl``), once per
backend. The end-to-end test uses onETL's real ``FTP`` connection and ``FileDownloader`` (no Spark)
against a pyftpdlib server it starts on 127.0.0.1: a hook on ``FTP.download_file`` must run for every
file downloaded by 6 worker threads (onETL's own engine runs it for 1 of 24 here, its super()
counter being process-wide), and a generator hook on ``FileDownloader.run`` must see the result.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hookfast import _dispatch

if sys.version_info < (3, 10):
    pytest.skip("onETL 0.17 needs Python 3.10+", allow_module_level=True)

pytestmark = pytest.mark.usefixtures("backend")

_MISSING = [name for name in ("onetl", "pyftpdlib") if importlib.util.find_spec(name) is None]


@pytest.fixture
def run_script(backend: str, tmp_path: Path) -> Any:
    """Run Python source in a fresh interpreter with ``backend`` selected; returns its completed process."""
    if _MISSING:
        pytest.fail(f"{', '.join(_MISSING)} not installed: install the test extra (pip install '.[test]')")

    def run(source: str, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        script = tmp_path / "script.py"
        script.write_text(textwrap.dedent(source))
        environment = dict(os.environ, ONETL_PLUGINS_ENABLED="false")
        environment.pop("HOOKFAST_NO_EXTENSIONS", None)
        if backend == "python":
            environment.pop("HOOKFAST_REQUIRE_EXTENSION", None)
            environment["HOOKFAST_NO_EXTENSIONS"] = "1"
        assert backend in _dispatch.available()
        completed = subprocess.run(
            [sys.executable, str(script), *arguments],
            cwd=tmp_path,  # not the project root: import the installed hookfast
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and completed.returncode != 0:
            pytest.fail(f"script failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
        return completed

    return run


DOWNLOAD = """
    import json, logging, os, sys, threading

    import hookfast.onetl  # first: before anything imports onetl
    import hookfast
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    root, target = sys.argv[1], sys.argv[2]
    expected = []
    for number in range(24):
        relative = f"source/{'nested/' if number % 3 == 0 else ''}file_{number:02d}.txt"
        os.makedirs(os.path.dirname(os.path.join(root, relative)), exist_ok=True)
        with open(os.path.join(root, relative), "w") as stream:
            stream.write(f"content {number}\\n")
        expected.append("/" + relative)
    authorizer = DummyAuthorizer()
    authorizer.add_user("user", "secret", root, perm="elradfmwMT")
    logging.basicConfig(level=logging.WARNING)
    server = ThreadedFTPServer(("127.0.0.1", 0), type("Handler", (FTPHandler,), {"authorizer": authorizer}))
    threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.05}, daemon=True).start()

    import onetl.exception
    import onetl.hooks
    from onetl.connection import FTP
    from onetl.file import FileDownloader
    from onetl.hooks import hook

    lock = threading.Lock()
    downloaded, runs = [], []

    @FTP.download_file.bind
    @hook
    def on_download(connection, remote_file_path, local_file_path, **options):
        with lock:
            downloaded.append((str(remote_file_path), threading.get_ident()))

    @FileDownloader.run.bind
    @hook
    def on_run(downloader, files=None):
        runs.append("before")
        result = yield
        runs.append(len(result.successful))

    connection = FTP(host="127.0.0.1", port=server.address[1], user="user", password="secret")
    downloader = FileDownloader(
        connection=connection,
        source_path="/source",
        local_path=target,
        options=FileDownloader.Options(workers=6),
    )
    result = downloader.run()
    server.close_all()
    print(json.dumps({
        "backend": hookfast.BACKEND,
        "engine": onetl.hooks.slot is hookfast.slot and onetl.hooks.support_hooks is hookfast.support_hooks,
        "signature_error": onetl.exception.SignatureError is hookfast.SignatureError,
        "successful": len(result.successful),
        "failed": len(result.failed),
        "downloaded": sorted(path for path, _ in downloaded),
        "threads": len({thread for _, thread in downloaded}),
        "expected": sorted(expected),
        "runs": runs,
    }))
"""


def test_file_downloader_with_workers_runs_every_download_hook(
    run_script: Any, backend: str, tmp_path: Path
) -> None:
    (tmp_path / "server").mkdir()
    (tmp_path / "local").mkdir()
    completed = run_script(DOWNLOAD, str(tmp_path / "server"), str(tmp_path / "local"))
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["backend"] == backend
    assert report["engine"] is True
    assert report["signature_error"] is True
    assert report["successful"] == 24 and report["failed"] == 0
    assert report["downloaded"] == report["expected"]  # each file's hook ran, exactly once
    assert report["threads"] > 1  # the downloads really ran in worker threads
    assert report["runs"] == ["before", 24]


def test_onetl_hooks_modules_are_hookfasts(run_script: Any) -> None:
    completed = run_script(
        """
        import hookfast.onetl
        import hookfast, hookfast.hook, hookfast.hooks_state

        import onetl.hooks
        import onetl.hooks.slot as slot_name  # as in onETL: the package's function shadows the module
        from onetl.exception import SignatureError
        from onetl.hooks import HookPriority, hook, slot, support_hooks
        from onetl.hooks.hook import Hook
        from onetl.hooks.hook_collection import HookCollection  # onETL's own, still importable
        from onetl.hooks.hooks_state import skip_all_hooks
        from onetl.hooks.support_hooks import suspend_hooks

        assert onetl.hooks.__all__ == [
            "HookPriority", "hook", "resume_all_hooks", "skip_all_hooks",
            "slot", "stop_all_hooks", "support_hooks",
        ]
        assert slot_name is hookfast.slot and slot is hookfast.slot and hook is hookfast.hook
        assert Hook is hookfast.Hook and HookPriority is hookfast.HookPriority
        assert onetl.hooks.hooks_state is hookfast.hooks_state and skip_all_hooks is hookfast.skip_all_hooks
        assert suspend_hooks is hookfast.support_hooks.__globals__["suspend_hooks"]
        assert SignatureError is hookfast.SignatureError

        @support_hooks
        class Service:
            @slot
            def run(self, x):
                return x

        @Service.run.bind
        @hook
        def needs_more(self, x, y):
            pass

        try:
            Service().run(1)
        except SignatureError as error:  # onETL's name catches hookfast's error
            assert "Error while passing method arguments to a hook." in str(error)
        else:
            raise AssertionError("no SignatureError")
        print("ok")
        """
    )
    assert completed.stdout.strip() == "ok"


def test_import_after_onetl_is_a_clear_error(run_script: Any) -> None:
    completed = run_script(
        """
        import onetl
        import hookfast.onetl
        """,
        check=False,
    )
    assert completed.returncode == 1
    assert "ImportError: hookfast.onetl must be imported before onetl: onetl" in completed.stderr
    assert "Put `import hookfast.onetl` first" in completed.stderr


def test_install_is_idempotent_and_reports_itself(run_script: Any) -> None:
    completed = run_script(
        """
        import sys
        import hookfast.onetl
        from hookfast.onetl import install, installed

        finders = len(sys.meta_path)
        install()
        assert installed() and len(sys.meta_path) == finders
        import onetl.hooks
        install()  # after onetl: a no-op once installed, not an error
        print("ok")
        """
    )
    assert completed.stdout.strip() == "ok"
