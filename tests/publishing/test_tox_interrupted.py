"""`distkit test` stopped by Ctrl-C or SIGTERM stops tox and what tox runs, and leaves no
folder behind: nothing runs on alone, nothing writes into a folder distkit removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from distkit.release.tox import stop_tox

pytestmark = pytest.mark.slow

SLEEPER = """
import signal, sys, time
if sys.argv[1] == "deaf":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize(
    ("kind", "ends"), [("plain", {1, -signal.SIGINT}), ("deaf", {-signal.SIGTERM})]
)
def test_stop_tox_escalates_until_the_process_has_ended(kind: str, ends: set[int]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SLEEPER, kind], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    stop_tox(process, patience=1.0)
    assert process.returncode in ends  # Python ends on SIGINT with exit 1 (KeyboardInterrupt)


def _running(marker: str) -> list[str]:
    """The processes whose command line holds `marker`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in line:
            found.append(f"{pid}: {line}")
    return found


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_distkit_test_stops_tox_and_leaves_no_folder(
    tmp_path: Path, signum: signal.Signals
) -> None:
    marker = f"distkit-sleeper-{uuid.uuid4().hex}"
    package = tmp_path / "package"
    package.mkdir()
    (package / "tox.ini").write_text(
        "[tox]\nskipsdist = true\nenv_list = slow\n\n[testenv:slow]\nskip_install = true\n"
        f"commands = python -c \"import time; print('{marker}', flush=True); time.sleep(120)\" "
        f"{marker}\n"
    )
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "test", str(package), "--", "-e", "slow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while not any("time.sleep" in line for line in _running(marker)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the tox environment never started"
        time.sleep(0.2)
    process.send_signal(signum)  # to distkit alone, as `kill` would: tox does not hear it
    _, stderr = process.communicate(timeout=90)
    assert "Traceback" not in stderr
    assert process.returncode != 0
    deadline = time.monotonic() + 10
    while _running(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _running(marker) == []
    assert not [p for p in scratch.iterdir() if p.name.startswith("distkit-tox-")]
