"""Run a wrapped tool (build, twine, uv, pip), capture its output, and turn a failure into a
ToolError that carries the command line and the lines of output that say what went wrong."""

from __future__ import annotations

import os
import re
import subprocess

from distkit.errors import ToolError

# pypa/build's own closing lines: a tip on debugging, and that the backend exited.
FRONTEND_NOISE = re.compile(r"^(TIP |ERROR Backend subprocess exited)")


def run_tool(
    command: list[str],
    *,
    what: str,
    hint: str = "",
    env: dict[str, str] | None = None,
    error: type[ToolError] = ToolError,
    keep: int = 3,
) -> str:
    """Run `command`; return its stdout, or raise `error` saying "`what` failed: <reason>"."""
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=env or quiet_env(), check=False
        )
    except OSError as exc:
        raise error(f"{what} failed: cannot run {command[0]}: {exc}", command=command) from exc
    if result.returncode != 0:
        reason = trim_error(result.stdout + result.stderr, keep=keep)
        raise error(f"{what} failed: {reason}", command=command, hint=hint)
    return result.stdout


def quiet_env() -> dict[str, str]:
    """This process's environment with colours off and output unbuffered."""
    return {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}


def trim_error(output: str, keep: int = 3) -> str:
    """The lines of a tool's output that say what went wrong, joined into one line."""
    lines = [line.strip() for line in _without_tracebacks(_strip_ansi(output).splitlines())]
    lines = [line for line in lines if line and not line.startswith(("*", "File "))]
    lines = [line for line in lines if not FRONTEND_NOISE.match(line)] or lines
    marked = [
        line for line in lines if re.search(r"error|fail|invalid|warning|missing", line, re.I)
    ]
    chosen = list(dict.fromkeys((marked or lines)[-keep:]))
    return " | ".join(chosen) if chosen else "no output"


def _without_tracebacks(lines: list[str]) -> list[str]:
    """`lines` less each traceback's header and indented frames (its last line stays)."""
    kept: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("Traceback"):
            inside = True
        elif not (inside and line[:1].isspace()):
            inside = False
            kept.append(line)
    return kept


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
