"""Run distkit commands in-process for the publishing tests, and read their one error line."""

from __future__ import annotations

from click.testing import CliRunner

from distkit.cli import cli


def invoke(*args: str) -> tuple[int, str]:
    """`distkit ARGS` through click's runner: the exit code and everything printed."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def error_line(out: str) -> str:
    """The single `Error: ...` line of `out`; fails the test if there is not exactly one."""
    lines = [line for line in out.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, out
    assert "Traceback" not in out
    return lines[0]
