"""Publish a package: choose the target, preflight, (ask for a token,) confirm, upload, verify.

`publish(...)` runs the steps in their order: it builds afresh from the tested source into a
folder of its own and uploads exactly the files it built (a `dist/` folder is never read), and
verify installs only files whose sha256 is one of those. The command only parses and prints.
SIGTERM and SIGHUP unwind like Ctrl-C: no staging or temporary folder is left behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from distkit import interrupts
from distkit.errors import ConfirmationNeeded, TargetConflict, UsageError
from distkit.release import build, targets
from distkit.release.checks import Report, Status
from distkit.release.preflight import Options, preflight
from distkit.release.targets import Credentials, Target
from distkit.release.tox import Progress
from distkit.release.upload import upload
from distkit.release.verify import verify

if TYPE_CHECKING:
    from distkit.release.local_index import Server

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
    project = build.read_project(request.path)
    target, credentials, server = _target_and_credentials(request)
    ask_later = _check_consent(request, target, credentials, console)
    console.echo(f"Publishing {project.name} {project.version} to {_where(target)}")
    options = Options(
        request.run_tests, request.skip_existing, request.dry_run, ask_later, request.yes
    )
    with interrupts.unwinding(), _workdir() as workdir:
        files = preflight(
            project,
            target,
            credentials,
            console.report,
            workdir=workdir,
            options=options,
            progress=console.progress,
        )
        built = build.dist_files(project, workdir)
        outcome = Outcome(project, target, [file.name for file in built], dry_run=request.dry_run)
        outcome.uploaded = [file.name for file in files]
        if request.dry_run:
            return outcome
        credentials = credentials or _ask_token(target, console)
        if files:
            _confirm_upload(request, project, target, console)
            if server is not None:
                from distkit.release import local_index

                local_index.confirm(server)  # the password goes to the server started, or none
            upload(files, target, credentials, console.echo, project)
        outcome.loaded = verify(project, target, built, files, console.report)
    outcome.page = project_page(project, target)
    return outcome


def _target_and_credentials(request: Request) -> tuple[Target, Credentials | None, Server | None]:
    named = (request.test, request.local, request.repository, request.repository_url)
    if sum(map(bool, named)) > 1:
        raise TargetConflict("name one target only")
    if request.local:
        from distkit.release import local_index

        server = local_index.start()
        username, password = local_index.credentials()
        target = Target("local index", server.url, username, password, "local index")
        return target, Credentials(username, password, "local index"), server
    target = targets.resolve_target(
        test=request.test,
        repository=request.repository,
        repository_url=request.repository_url,
        config_file=request.config_file,
    )
    targets.check_transport(target, request.allow_insecure_http)
    return target, targets.find_credentials(target), None


def _check_consent(
    request: Request, target: Target, credentials: Credentials | None, console: Console
) -> bool:
    """Refuse what no one could confirm or authorise; True when the token is to be asked for
    after preflight."""
    if target.is_public and not (request.yes or request.dry_run or console.confirm):
        raise ConfirmationNeeded(
            f"an upload to {target.name} cannot be undone, and there is no terminal to confirm it"
        )
    ask_later = credentials is None and console.ask_token is not None and not request.dry_run
    if credentials is None and not (ask_later or request.dry_run):
        raise targets.missing_credentials(target)
    return ask_later


def _ask_token(target: Target, console: Console) -> Credentials:
    assert console.ask_token is not None  # _check_consent made sure
    username = target.username or os.environ.get("TWINE_USERNAME") or "__token__"
    return Credentials(username, console.ask_token(target.name), "prompt")


def _confirm_upload(
    request: Request, project: build.Project, target: Target, console: Console
) -> None:
    if target.is_public and not request.yes:
        assert console.confirm is not None  # _check_consent made sure
        if not console.confirm(f"Upload {project.name} {project.version} to {target.name}?"):
            raise UsageError("nothing uploaded: the upload was not confirmed")


def _where(target: Target) -> str:
    if target.name == target.upload_url:
        return target.name
    return f"{target.name} ({target.upload_url})"


@contextmanager
def _workdir() -> Iterator[Path]:
    """A fresh folder for the build and, as TMPDIR, for the tools publish runs: whatever a tool
    killed on the way out leaves there goes with the folder."""
    with interrupts.temporary_folder(prefix="distkit-publish-") as folder:
        scratch = Path(folder) / "tmp"
        scratch.mkdir()
        before = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = str(scratch)
        try:
            yield Path(folder)
        finally:
            if before is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = before


def project_page(project: build.Project, target: Target) -> str:
    """Where the published version can be seen: its PyPI page, or its Simple API page."""
    from distkit.release import simple_api

    name = simple_api.normalize(project.name)
    if target.is_public:
        base = target.simple_url.rsplit("/simple/", 1)[0]
        return f"{base}/project/{name}/{project.version}/"
    return f"{target.simple_url}{name}/"
