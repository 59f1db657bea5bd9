"""A dry run to TestPyPI sends nothing, in distkit's process and in every process it starts.

It runs in a network namespace of its own (`unshare -n`: no route anywhere, so nothing can
leave even from uv, which Python cannot watch), with an audit hook in every Python process
(through sitecustomize) that logs each connect; build dependencies come from a uv cache that a
build outside the namespace filled first."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.publishing.commands import run

pytestmark = pytest.mark.slow

AUDIT = """\
import os, sys

def _log(line):
    with open(os.environ["DISTKIT_CONNECT_LOG"], "a") as log:
        log.write(f"{os.getpid()} {line}\\n")

def _hook(event, args):
    if event == "socket.connect":
        _log(f"connect {args[1]!r}")

if os.environ.get("DISTKIT_CONNECT_LOG"):
    _log("start " + " ".join(sys.orig_argv)[:300])
    sys.addaudithook(_hook)
"""


def can_unshare() -> bool:
    return bool(shutil.which("unshare")) and (
        subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    )


@pytest.mark.skipif(not can_unshare(), reason="needs `unshare -n` (root or user namespaces)")
def test_a_dry_run_to_testpypi_opens_no_socket_in_any_process(
    package: Path, tmp_path: Path, secret_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(AUDIT)
    log = tmp_path / "connects.log"
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    warm = run("build", str(package))  # fills uv's cache with the build dependencies
    assert warm.returncode == 0, warm.stderr
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("DISTKIT_CONNECT_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", str(hooks))
    result = run(
        "publish", str(package), "--test", "--dry-run", "--no-tests", prefix=("unshare", "-n")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "https://test.pypi.org/legacy/" in result.stdout
    assert "sent nothing" in result.stdout
    lines = log.read_text().splitlines()
    started = [line for line in lines if " start " in line]
    assert any("distkit" in line for line in started)
    assert any("twine check" in line for line in started), "the hook missed the subprocesses"
    assert [line for line in lines if " connect " in line and "('" in line] == []
