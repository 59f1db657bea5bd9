"""Run distkit commands for the publishing tests, keep everything they print, and read their
one error line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from distkit.cli import cli

ROOT = Path(__file__).resolve().parents[2]
# Everything distkit printed in the running test; the secret guard (conftest) greps it.
PRINTED: list[str] = []


def invoke(*args: str) -> tuple[int, str]:
    """`distkit ARGS` through click's runner: the exit code and everything printed."""
    result = CliRunner().invoke(cli, list(args))
    PRINTED.append(result.output)
    return result.exit_code, result.output


def run(
    *args: str, prefix: tuple[str, ...] = (), **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """`distkit ARGS` as a real process (stdout and stderr apart), after `prefix` if given."""
    command = [*prefix, sys.executable, "-m", "distkit", *args]
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, str(ROOT)])}
    result = subprocess.run(command, capture_output=True, text=True, env=env, **kwargs)  # type: ignore[call-overload]
    PRINTED.extend([result.stdout, result.stderr])
    return result  # type: ignore[no-any-return]


def error_line(out: str) -> str:
    """The single `Error: ...` line of `out`; fails the test if there is not exactly one."""
    lines = [line for line in out.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, out
    assert "Traceback" not in out
    return lines[0]
