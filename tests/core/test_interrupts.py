"""A signal that arrives as a temporary folder is made leaves no folder behind."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

SIGNAL_AS_THE_FOLDER_IS_MADE = """\
import os, signal, sys, tempfile
from distkit import interrupts

made = tempfile.mkdtemp

def mkdtemp(*args, **kwds):
    path = made(*args, **kwds)
    os.kill(os.getpid(), signal.SIGTERM)  # after the folder exists, before the `with` has it
    return path

tempfile.mkdtemp = mkdtemp
with interrupts.unwinding():
    with {maker}(prefix="distkit-x-", dir=sys.argv[1]) as folder:
        print("inside", flush=True)
"""


def run(tmp_path: Path, maker: str) -> subprocess.CompletedProcess[str]:
    script = SIGNAL_AS_THE_FOLDER_IS_MADE.format(maker=maker)
    return subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60
    )


def test_a_signal_as_the_folder_is_made_ends_the_process_and_removes_it(tmp_path: Path) -> None:
    result = run(tmp_path, "interrupts.temporary_folder")
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_plain_temporary_directory_leaves_it_behind(tmp_path: Path) -> None:
    """The harness does reach the moment: Python's own `with TemporaryDirectory()` loses it."""
    result = run(tmp_path, "tempfile.TemporaryDirectory")
    assert result.returncode == -signal.SIGTERM, result.stderr
    assert [path.name[:10] for path in tmp_path.iterdir()] == ["distkit-x-"]
