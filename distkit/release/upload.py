"""Upload built files with twine, its output streamed with every form of the secret masked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from distkit.errors import AlreadyPublished, DistkitError, ToolError
from distkit.release import build, checks, simple_api
from distkit.release.redact import redact, secret_forms
from distkit.release.targets import Credentials, Target


def upload(
    files: list[Path],
    target: Target,
    credentials: Credentials,
    echo: Callable[[str], None],
    project: build.Project | None = None,
) -> None:
    """Upload `files` to `target` with twine; ToolError (or AlreadyPublished, when another
    upload got there first) in one sentence when it fails."""
    command = [sys.executable, "-m", "twine", "upload", "--non-interactive"]
    command += ["--disable-progress-bar", "--repository-url", target.upload_url]
    command += [*map(str, files)]
    env = {
        **os.environ,
        "TWINE_USERNAME": credentials.username,
        "TWINE_PASSWORD": credentials.password,
        "NO_COLOR": "1",
        "PYTHONUNBUFFERED": "1",
    }
    hidden = secret_forms(credentials.username, credentials.password)
    lines = []
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env=env,
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                clean = redact(line.rstrip("\n"), hidden)
                lines.append(clean)
                echo(clean)
            returncode = process.wait()
        except BaseException:
            process.kill()
            raise
    if returncode != 0:
        output = "\n".join(lines)
        if project and _now_held(project, target, files, output):
            raise AlreadyPublished(
                f"{project.name} {project.version} is already on {target.name}: another upload "
                "got there first"
            )
        reason = checks.explain_upload_error(output, target, credentials)
        raise ToolError(reason, command=command)


def _now_held(project: build.Project, target: Target, files: list[Path], output: str) -> bool:
    """Whether a refused upload (HTTP 400/409) met files that the index took meanwhile."""
    if not re.search(r"\b(400|409)\b", output):
        return False
    try:
        listing = simple_api.project_files(target.simple_url, project.name) or {}
    except DistkitError:
        return False
    return any(file.name in listing for file in files)
