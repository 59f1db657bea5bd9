"""A Ctrl-C that lands after a command's work is done, while the interpreter shuts down (it
joins the threads that are left), ends the process quietly: no traceback from
`threading._shutdown`. CI once saw one, 40 ms into `distkit new --force` after its lock."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

LATE_SIGNAL = """
import os, signal, sys, threading, time
from distkit import cli

def late():
    time.sleep(0.3)  # main() has returned by then: the interpreter waits for this thread
    os.kill(os.getpid(), signal.{name})

threading.Thread(target=late).start()
sys.argv = ["distkit", "--version"]
cli.main()
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_during_the_interpreters_shutdown_prints_no_traceback(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LATE_SIGNAL.format(name=name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr
    assert "KeyboardInterrupt" not in done.stderr
    assert done.returncode == -getattr(signal, name)
    assert done.stdout.startswith("distkit")
