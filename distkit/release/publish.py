"""Publish a package: preflight checks, upload with twine, verify by installing it back.

`publish(...)` runs the steps in their order: it builds afresh from the tested source into a
folder of its own and uploads exactly the files it built (a `dist/` folder is never read), and
verify installs only files whose sha256 is one of those. The command only parses and prints.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from distkit.errors import (
    AlreadyPublished,
    ConfirmationNeeded,
    DistkitError,
    PlaceholderMetadata,
    PublishError,
    TargetConflict,
    TestsFailed,
    ToolError,
    UsageError,
)
from distkit.release import build, checks, installed, simple_api, targets
from distkit.release.checks import Report, Status
from distkit.release.redact import redact, secret_forms
from distkit.release.targets import Credentials, Target
from distkit.release.tool import run_tool
from distkit.release.tox import Progress

__all__ = ["Report", "Status", "preflight", "publish", "upload", "verify"]


@dataclass(frozen=True)
class Request:
    """What to publish, where to, and how (one target at most)."""

    path: Path
    test: bool = False
    local: bool = False
    repository: str | None = None
    repository_url: str | None = None
    config_file: Path | None = None
    dry_run: bool = False
    skip_existing: bool = False
    yes: bool = False
    run_tests: bool = True
    allow_insecure_http: bool = False


@dataclass(frozen=True)
class Console:
    """How publish talks to the user. `ask_token` and `confirm` are None where no one can
    answer (no terminal)."""

    report: Report
    echo: Callable[[str], None]
    progress: Progress | None = None
    ask_token: Callable[[str], str] | None = None
    confirm: Callable[[str], bool] | None = None


@dataclass
class Outcome:
    """What a publish did: the files it built and uploaded, and where the package now lives."""

    project: build.Project
    target: Target
    built: list[str]
    uploaded: list[str] = field(default_factory=list)
    loaded: str = ""
    page: str = ""
    dry_run: bool = False


def publish(request: Request, console: Console) -> Outcome:
    """Preflight, (ask for a token,) confirm, upload and verify, in that order."""
    named = (request.test, request.local, request.repository, request.repository_url)
    if sum(map(bool, named)) > 1:
        raise TargetConflict("name one target only")
    project = build.read_project(request.path)
    target, credentials = _target_and_credentials(request)
    targets.check_transport(target, request.allow_insecure_http)
    interactive = console.confirm is not None
    if target.is_public and not (request.yes or request.dry_run or interactive):
        raise ConfirmationNeeded(
            f"an upload to {target.name} cannot be undone, and there is no terminal to confirm it"
        )
    ask_later = credentials is None and console.ask_token is not None and not request.dry_run
    if credentials is None and not (ask_later or request.dry_run):
        raise targets.missing_credentials(target)
    where = target.name
    if target.name != target.upload_url:
        where += f" ({target.upload_url})"
    console.echo(f"Publishing {project.name} {project.version} to {where}")
    with tempfile.TemporaryDirectory(prefix="distkit-publish-") as workdir:
        files = preflight(
            project,
            target,
            credentials,
            console.report,
            workdir=Path(workdir),
            run_tests=request.run_tests,
            skip_existing=request.skip_existing,
            dry_run=request.dry_run,
            ask_later=ask_later,
            yes=request.yes,
            progress=console.progress,
        )
        built = build.dist_files(project, Path(workdir))
        outcome = Outcome(project, target, [file.name for file in built], dry_run=request.dry_run)
        outcome.uploaded = [file.name for file in files]
        if request.dry_run:
            return outcome
        if credentials is None:
            assert console.ask_token is not None
            username = target.username or os.environ.get("TWINE_USERNAME") or "__token__"
            credentials = Credentials(username, console.ask_token(target.name), "prompt")
        if files and target.is_public and not request.yes:
            assert console.confirm is not None
            if not console.confirm(f"Upload {project.name} {project.version} to {target.name}?"):
                raise UsageError("nothing uploaded: the upload was not confirmed")
        if files:
            upload(files, target, credentials, console.echo, project)
        outcome.loaded = verify(project, target, built, files, console.report)
    outcome.page = project_page(project, target)
    return outcome


def _target_and_credentials(request: Request) -> tuple[Target, Credentials | None]:
    if request.local:
        from distkit.release import local_index

        server = local_index.start()
        username, password = local_index.credentials()
        target = Target("local index", server.url, username, password, "local index")
        return target, Credentials(username, password, "local index")
    target = targets.resolve_target(
        test=request.test,
        repository=request.repository,
        repository_url=request.repository_url,
        config_file=request.config_file,
    )
    return target, targets.find_credentials(target)


def project_page(project: build.Project, target: Target) -> str:
    """Where the published version can be seen: its PyPI page, or its Simple API page."""
    name = simple_api.normalize(project.name)
    if target.is_public:
        base = target.simple_url.rsplit("/simple/", 1)[0]
        return f"{base}/project/{name}/{project.version}/"
    return f"{target.simple_url}{name}/"


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
    workdir: Path,
    run_tests: bool = True,
    skip_existing: bool = False,
    dry_run: bool = False,
    ask_later: bool = False,
    yes: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Check everything an upload needs, reporting each check; build into `workdir` and
    return the files to upload.

    A dry run reports a failed check and goes on, then fails at the end.
    """
    tally = _Tally(report)
    _check_name(project, tally)
    _check_metadata(project, target, tally, dry_run=dry_run, accepted=yes)
    _check_credentials(target, credentials, tally, ask_later)
    tally("ok", f"upload endpoint {target.upload_url}")
    if run_tests:
        _check_tests(project, tally, progress)
    files = build.build_dists(project, workdir)
    _check_pair(files)
    tally("ok", f"built {len(files)} files for version {project.version} in a fresh folder")
    build.check(files)
    tally("ok", "twine check --strict passed")
    if dry_run and not target.is_loopback:
        tally("ok", f"version check on {target.simple_url} skipped (dry run sends nothing)")
    else:
        files = checks.new_files(project, target, files, tally, skip_existing)
    if tally.failed:
        checks_ = "check" if tally.failed == 1 else "checks"
        raise PublishError(f"{tally.failed} {checks_} failed (marked FAIL above)")
    return files


def _check_name(project: build.Project, report: Report) -> None:
    clash = checks.stdlib_clash(project.name)
    if clash:
        raise UsageError(f"{project.name} would shadow the standard library module {clash!r}")
    report("ok", f"name {project.name} does not shadow a standard library module")


def _check_metadata(
    project: build.Project, target: Target, report: Report, *, dry_run: bool, accepted: bool
) -> None:
    found = checks.placeholders(build.project_table(project.path))
    if not found:
        report("ok", "author, email and URLs are not placeholders")
        return
    message = f"placeholder metadata in pyproject.toml: {'; '.join(found)}"
    if target.is_public and not accepted:
        if not dry_run:
            raise PlaceholderMetadata(f"{message}; {target.name} would show it to everyone")
        report("fail", message)
    else:
        report("warn", message)


def _check_credentials(
    target: Target, credentials: Credentials | None, report: Report, ask_later: bool
) -> None:
    if credentials is None and ask_later:
        report("ok", f"credentials for {target.name}: asked for after these checks")
    elif credentials is None:
        report("fail", str(targets.missing_credentials(target)))
    elif credentials.source == "local index":
        report(
            "ok",
            "credentials: the local index's own upload password (made by distkit, readable "
            "by this user only)",
        )
    else:
        report("ok", f"credentials from {credentials.source} (user {credentials.username})")


def _check_pair(files: list[Path]) -> None:
    if not any(f.name.endswith(".tar.gz") for f in files) or not any(
        f.suffix == ".whl" for f in files
    ):
        names = ", ".join(f.name for f in files) or "nothing"
        raise PublishError(f"the build made {names}, not an sdist and a wheel")


def _check_tests(project: build.Project, report: Report, progress: Progress | None) -> None:
    from distkit.release import tox

    result = tox.run_tox(project.path, progress=progress)
    try:
        result.raise_for_failure()
    except TestsFailed as error:
        raise TestsFailed(
            f"{error}; run `distkit test {shlex.quote(str(project.path))}` to see why"
        ) from None
    report("ok", f"tests passed ({len(result.envs)} envs, {result.seconds:.1f} s)")


def upload(
    files: list[Path],
    target: Target,
    credentials: Credentials,
    echo: Callable[[str], None],
    project: build.Project | None = None,
) -> None:
    """Upload with twine, streaming its output with every form of the secret masked."""
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
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env=env,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        clean = redact(line.rstrip("\n"), hidden)
        lines.append(clean)
        echo(clean)
    if process.wait() != 0:
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


def verify(
    project: build.Project,
    target: Target,
    built: list[Path],
    uploaded: list[Path],
    report: Report,
) -> str:
    """Check the index lists the uploaded files with their sha256, install this version back
    into a fresh venv accepting only files built here, and load its `distkit` entry points;
    return what was loaded.

    The venv sees this Python's site-packages, so dependencies come from there and the index is
    asked only for the package itself (a private index need not mirror numpy).
    """
    digests = {file.name: installed.sha256(file) for file in built}
    _check_listing(project, target, digests, {file.name for file in uploaded}, report)
    from packaging.version import Version
    from uv import find_uv_bin

    uv = find_uv_bin()
    with tempfile.TemporaryDirectory(prefix="distkit-verify-") as tmp:
        venv = Path(tmp) / "venv"
        _run(
            [uv, "venv", "--quiet", "--system-site-packages", "--python", sys.executable, str(venv)]
        )
        python = venv / "bin" / "python"
        requirements = Path(tmp) / "requirements.txt"
        pins = " ".join(f"--hash=sha256:{digest}" for digest in sorted(digests.values()))
        requirements.write_text(f"{project.name}=={project.version} {pins}\n", encoding="utf-8")
        install = [uv, "pip", "install", "--quiet", "--python", str(python), "--no-cache"]
        install += ["--index-url", target.simple_url, "--no-deps", "--require-hashes"]
        try:
            _run([*install, "-r", str(requirements)])
        except ToolError as error:
            raise PublishError(
                f"{project.name} {project.version} on {target.name} did not install as the files "
                f"built here (sha256 checked): {error}"
            ) from None
        version, entry_points = installed.metadata(venv, project.name)
        if Version(version) != Version(project.version):
            raise PublishError(f"installed {version}, expected {project.version}")
        if not entry_points:
            raise PublishError(f"installed {project.name} has no `distkit` entry point")
        installed.load_entry_points(python, project.name)
    report("ok", f"installed {project.name}=={project.version} back; sha256 matches this build")
    return ", ".join(entry_points)


def _check_listing(
    project: build.Project,
    target: Target,
    digests: dict[str, str],
    uploaded: set[str],
    report: Report,
) -> None:
    listing = simple_api.project_files(target.simple_url, project.name) or {}
    for name, digest in sorted(digests.items()):
        listed = listing.get(name)
        if listed is None and name in uploaded:
            raise PublishError(f"{target.name} does not list {name} after the upload")
        if listed and listed != digest:
            if name in uploaded:
                raise PublishError(
                    f"{target.name} lists {name} with another sha256 than the file uploaded"
                )
            report(
                "warn",
                f"{name} on {target.name} is not the file built here (its sha256 differs): "
                "it came from another build",
            )


def _run(command: list[str]) -> str:
    return run_tool(command, what="verify", keep=2, env=dict(os.environ))
