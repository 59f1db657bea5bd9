"""Publish a package: preflight checks, upload with twine, verify by installing it back."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from distkit.errors import PublishError, TestsFailed, ToolError, UsageError
from distkit.release import build, simple_api
from distkit.release.targets import Credentials, Target
from distkit.release.tool import run_tool, trim_error

Status = Literal["ok", "warn", "fail"]
Report = Callable[[Status, str], None]


def stdlib_clash(name: str) -> str | None:
    """The stdlib module a project's import name would shadow, if any."""
    module = re.sub(r"[-.]+", "_", name).lower()
    return module if module in sys.stdlib_module_names else None


@dataclass
class _Tally:
    """Passes each check's line on to the report, counting the failed ones."""

    report: Report
    failed: int = 0

    def __call__(self, status: Status, message: str) -> None:
        self.failed += status == "fail"
        self.report(status, message)


def preflight(
    project: build.Project,
    target: Target,
    credentials: Credentials | None,
    report: Report,
    *,
    run_tests: bool = True,
    skip_existing: bool = False,
    dry_run: bool = False,
) -> list[Path]:
    """Check everything an upload needs, reporting each check; return the files to upload.

    A dry run reports missing credentials as a failed check and goes on, then fails at the end.
    """
    tally = _Tally(report)
    _check_name(project, tally)
    _check_credentials(target, credentials, tally, dry_run)
    files = _built_and_checked(project, tally)
    tally("ok", f"upload endpoint {target.upload_url}")
    if dry_run and not target.is_loopback:
        tally("ok", f"version check on {target.simple_url} skipped (dry run sends nothing)")
    else:
        files = _new_files(project, target, files, tally, skip_existing)
    if run_tests:
        _check_tests(project, tally)
    if tally.failed:
        checks = "check" if tally.failed == 1 else "checks"
        raise PublishError(f"{tally.failed} {checks} failed (marked FAIL above)")
    return files


def _check_name(project: build.Project, report: Report) -> None:
    clash = stdlib_clash(project.name)
    if clash:
        raise UsageError(f"{project.name} would shadow the standard library module {clash!r}")
    report("ok", f"name {project.name} does not shadow a standard library module")


def _check_credentials(
    target: Target, credentials: Credentials | None, report: Report, dry_run: bool
) -> None:
    if credentials is None:
        message = (
            f"no credentials for {target.name}: set TWINE_USERNAME and TWINE_PASSWORD "
            "(or TWINE_PASSWORD alone with a token), or add them to ~/.pypirc"
        )
        if not dry_run:
            raise UsageError(message)
        report("fail", message)
    elif not target.auth:
        report(
            "ok",
            f"no credentials needed: the {target.name} takes uploads without authentication "
            "(it listens on 127.0.0.1 only)",
        )
    else:
        report("ok", f"credentials from {credentials.source} (user {credentials.username})")


def _built_and_checked(project: build.Project, report: Report) -> list[Path]:
    files = build.dist_files(project)
    if files:
        report("ok", f"dist/ holds {len(files)} files for version {project.version}")
    else:
        files = build.build_dists(project)
        report("ok", f"built {len(files)} files for version {project.version}")
    build.check(files)
    report("ok", "twine check --strict passed")
    return files


def _check_tests(project: build.Project, report: Report) -> None:
    from distkit.release import tox

    result = tox.run_tox(project.path)
    try:
        result.raise_for_failure()
    except TestsFailed as error:
        raise TestsFailed(
            f"{error}; run `distkit test {shlex.quote(str(project.path))}` to see why, "
            "or pass --no-tests"
        ) from None
    report("ok", f"tests passed ({len(result.envs)} envs, {result.seconds:.1f} s)")


def _new_files(
    project: build.Project, target: Target, files: list[Path], report: Report, skip: bool
) -> list[Path]:
    held = simple_api.project_files(target.simple_url, project.name)
    if held is None:
        report("ok", f"{project.name} is new on {target.name}")
        return files
    foreign = foreign_versions(project, held)
    if foreign:
        report(
            "warn",
            f"{project.name} on {target.name} has higher versions that are not this package's "
            f"git tags ({', '.join(foreign[:5])}): the name is probably someone else's and the "
            "upload will be refused (pick a unique name), or this version is out of order",
        )
    present = [file for file in files if file.name in held]
    if not present:
        report("ok", f"{project.name} {project.version} is not on {target.name} yet")
        return files
    if not skip:
        report("fail", f"{project.name} {project.version} is already on {target.name}")
        raise PublishError(
            f"{project.name} {project.version} is already on {target.name}; "
            "bump the version in pyproject.toml"
        )
    if len(present) == len(files):
        report(
            "ok",
            f"all {len(files)} files of {project.name} {project.version} are already on "
            f"{target.name}; nothing to upload",
        )
        return []
    report("ok", f"skipping {len(present)} files already on {target.name}")
    return [file for file in files if file not in present]


def foreign_versions(project: build.Project, held: list[str]) -> list[str]:
    """Versions of the index's files that are higher than this package's and not its git tags.

    Those are the sign of someone else's project under this name (or of publishing out of
    order); lower versions are this package's own earlier releases.
    """
    from packaging.version import InvalidVersion, Version

    def parse(text: str) -> Version | None:
        try:
            return Version(text)
        except InvalidVersion:
            return None

    current = parse(project.version)
    if current is None:
        return []
    tags = {parse(tag) for tag in _git_tags(project.path)}
    held_versions = {parse(v) for v in map(simple_api.file_version, held) if v is not None}
    foreign = (v for v in held_versions if v is not None and v > current and v not in tags)
    return [str(v) for v in sorted(foreign)]


def _git_tags(path: Path) -> list[str]:
    """The project's git tags (a leading "v" dropped), or none outside a git work tree."""
    try:
        result = subprocess.run(
            ["git", "-C", str(path), "tag", "--list"], capture_output=True, text=True, check=False
        )
    except OSError:
        return []
    return (
        [tag.removeprefix("v") for tag in result.stdout.split()] if result.returncode == 0 else []
    )


def upload(
    files: list[Path], target: Target, credentials: Credentials, echo: Callable[[str], None]
) -> None:
    """Upload with twine, streaming its output with the secret scrubbed."""
    command = [
        sys.executable,
        "-m",
        "twine",
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
    ]
    command += ["--repository-url", target.upload_url, *map(str, files)]
    env = {
        **os.environ,
        "TWINE_USERNAME": credentials.username,
        "TWINE_PASSWORD": credentials.password,
    }
    env.update(NO_COLOR="1", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        clean = scrub(line.rstrip("\n"), credentials.password)
        lines.append(clean)
        echo(clean)
    if process.wait() != 0:
        raise ToolError(
            explain_upload_error("\n".join(lines), target, credentials), command=command
        )


def scrub(text: str, secret: str) -> str:
    """`text` with every occurrence of `secret` replaced."""
    return text.replace(secret, "********") if secret else text


def explain_upload_error(output: str, target: Target, credentials: Credentials) -> str:
    """One sentence for a failed upload, from twine's output."""
    url = target.upload_url
    if re.search(r"Connection ?refused|Max retries|NewConnectionError|ConnectionError", output):
        return f"cannot connect to {url} (is the index running?)"
    if re.search(r"timed out|Timeout", output):
        return f"{url} did not answer in time"
    status = re.search(r"\b(400|401|403|404|405|409|413)\b", output)
    code = status.group(1) if status else ""
    if code in ("401", "403"):
        return f"{target.name} refused the credentials from {credentials.source} (HTTP {code})"
    if code in ("400", "409") and re.search(r"exist", output, re.I):
        return f"a file of this version is already on {target.name} (HTTP {code})"
    if code == "413":
        return f"a file is larger than {target.name} accepts (HTTP 413)"
    if code in ("404", "405"):
        return f"{url} is not an upload endpoint (HTTP {code})"
    return f"upload to {url} failed: {trim_error(output, keep=2)}"


def verify(project: build.Project, target: Target) -> str:
    """Install exactly this version from the target into a fresh venv, import it, load its
    `distkit` entry points; return what was loaded.

    The venv sees this Python's site-packages, so dependencies come from there and the index is
    asked only for the package itself (a private index need not mirror numpy).
    """
    from uv import find_uv_bin

    uv = find_uv_bin()
    with tempfile.TemporaryDirectory(prefix="distkit-verify-") as tmp:
        venv = Path(tmp) / "venv"
        _run(
            [uv, "venv", "--quiet", "--system-site-packages", "--python", sys.executable, str(venv)]
        )
        python = venv / "bin" / "python"
        spec = f"{project.name}=={project.version}"
        install = [uv, "pip", "install", "--quiet", "--python", str(python), "--no-cache"]
        _run([*install, "--index-url", target.simple_url, "--no-deps", spec])
        code = (
            "import importlib.metadata as m, sys\n"
            f"d = m.distribution({project.name!r})\n"
            "eps = [e for e in d.entry_points if e.group == 'distkit']\n"
            "assert eps, 'no distkit entry point'\n"
            "for e in eps: e.load()\n"
            "print(d.version, ', '.join(e.name + ' = ' + e.value for e in eps))\n"
        )
        out = _run([str(python), "-c", code])
    version, _, loaded = out.strip().partition(" ")
    if version != project.version:
        raise PublishError(f"installed {version}, expected {project.version}")
    return loaded


def _run(command: list[str]) -> str:
    return run_tool(command, what="verify", keep=2, env=dict(os.environ))
