"""SIGTERM (and SIGHUP) in the middle of `distkit publish` leave no staging or temporary folder
behind (issue 25, item 8): not publish's own work folder, not what build or uv made in it, not
verify's venv. Real processes against a real pypiserver on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.publishing.commands import PRINTED, ROOT
from tests.publishing.conftest import Index


def wait_for(found: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 240
    while not found():
        assert process.poll() is None, f"publish ended before {what}: {process.communicate()}"
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.01)


def in_build(tmp: Path) -> bool:
    """Whether a tool publish runs has made something in the work folder's own TMPDIR."""
    return any(any(scratch.iterdir()) for scratch in tmp.glob("distkit-publish-*/tmp"))


MOMENTS = {
    "as the work folder appears": lambda tmp: any(tmp.glob("distkit-publish-*")),
    "while build runs": in_build,
    "while verify installs": lambda tmp: any(tmp.glob("distkit-verify-*")),
}


@pytest.mark.slow
@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.usefixtures("secret_env")
def test_a_signal_leaves_no_folder_behind(
    package: Path, pypiserver: Index, moment: str, signum: int
) -> None:
    tmp = Path(os.environ["TMPDIR"])
    assert list(tmp.iterdir()) == []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "distkit", "publish", str(package)]
    command += ["--repository-url", pypiserver.url, "--no-tests"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        wait_for(lambda: MOMENTS[moment](tmp), process, moment)
        process.send_signal(signum)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    PRINTED.extend([out, err])
    assert process.returncode == -signum, err
    assert "Traceback" not in err
    left = sorted(path.name for path in tmp.iterdir())
    assert left == [], f"left behind in TMPDIR: {left}"
    assert not (package / "dist").exists()
