"""An interrupted `distkit release` is all or nothing (issue 25, item 6): SIGTERM to distkit,
or Ctrl-C to the whole process group as a terminal sends it, while git runs the commit's
pre-commit or post-commit hook, leaves the files, the index, HEAD and the tags as they were,
and no temporary file. Real processes; the hook holds git at the worst moment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from distkit.scaffold import create
from distkit.scaffold.update import start_history
from tests.lifecycle.conftest import git

ROOT = Path(__file__).resolve().parents[2]
# The hook says it runs, then holds git until the test lets it go.
HOOK = """#!/bin/sh
touch "{reached}"
while [ ! -e "{go}" ]; do sleep 0.02; done
exit 0
"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    target = create("poisson", tmp_path)
    start_history(target)
    changelog = target / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace("## Unreleased\n", "## Unreleased\n\n- Faster pdf.\n")
    )
    git(target, "commit", "--quiet", "-am", "note a change")
    return target


def state(package: Path) -> tuple[bytes, bytes, str, str, str, list[str]]:
    return (
        (package / "pyproject.toml").read_bytes(),
        (package / "CHANGELOG.md").read_bytes(),
        git(package, "rev-parse", "HEAD"),
        git(package, "tag", "--list"),
        git(package, "status", "--porcelain", "--ignored"),
        sorted(path.name for path in package.iterdir()),
    )


@pytest.mark.parametrize("hook", ["pre-commit", "post-commit"])
@pytest.mark.parametrize("how", ["SIGTERM to distkit", "Ctrl-C to the group"])
def test_a_signal_during_the_commit_leaves_everything_as_it_was(
    package: Path, tmp_path: Path, hook: str, how: str
) -> None:
    reached, go = tmp_path / "reached", tmp_path / "go"
    script = package / ".git" / "hooks" / hook
    script.write_text(HOOK.format(reached=reached, go=go))
    script.chmod(0o755)
    before = state(package)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "release", "patch", str(package)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not reached.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the hook never ran"
            time.sleep(0.02)
        if how == "SIGTERM to distkit":
            process.send_signal(signal.SIGTERM)
            time.sleep(0.3)  # let the signal land while git still waits in the hook
            go.touch()
        else:
            os.killpg(process.pid, signal.SIGINT)
            go.touch()
        out, err = process.communicate(timeout=60)
    finally:
        go.touch()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode != 0, out
    assert "Traceback" not in err
    assert "Released" not in out
    assert state(package) == before
    assert not [*package.glob(".CHANGELOG.md-*"), *package.glob(".pyproject.toml-*")]
    script.unlink()
    # and the next run releases the very next version, as if nothing had happened
    rerun = subprocess.run(
        [sys.executable, "-m", "distkit", "release", "patch", str(package)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert "Released 0.1.1 (was 0.1.0)" in rerun.stdout
