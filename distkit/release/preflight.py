"""Everything an upload needs, checked before anything is sent: the name (no clash with the
standard library, not too similar to a project the index holds), the metadata, credentials,
tests, a fresh build that `twine check` passes, and the versions the index already holds.

Each check reports one line; a dry run reports a failed check and goes on, then fails at the end.
"""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from distkit.errors import (
    AlreadyPublished,
    PlaceholderMetadata,
    PublishError,
    SimilarName,
    TestsFailed,
    UsageError,
)
from distkit.release import build, checks, simple_api, targets
from distkit.release.checks import Report, Status
from distkit.release.targets import Credentials, Target
from distkit.release.tox import Progress


@dataclass(frozen=True)
class Options:
    """How far preflight goes, and what it may accept."""

    run_tests: bool = True
    skip_existing: bool = False
    dry_run: bool = False
    ask_later: bool = False
    yes: bool = False


def preflight(
    project: build.Project,
    target: Target,
    credentials: Credentials | None,
    report: Report,
    *,
    workdir: Path,
    options: Options,
    progress: Progress | None = None,
) -> list[Path]:
    """Check everything an upload needs, reporting each check; build into `workdir` and
    return the files to upload."""
    tally = _Tally(report)
    sends = not options.dry_run or target.is_loopback  # a dry run sends nothing elsewhere
    _check_name(project, tally)
    _check_metadata(project, target, tally, dry_run=options.dry_run, accepted=options.yes)
    _check_credentials(target, credentials, tally, options.ask_later)
    tally("ok", f"upload endpoint {target.upload_url}")
    if sends:
        _check_similar_names(project, target, tally)
    if options.run_tests:
        _check_tests(project, tally, progress)
    files = build.build_dists(project, workdir)
    _check_pair(files)
    tally("ok", f"built {len(files)} files for version {project.version} in a fresh folder")
    build.check(files)
    tally("ok", "twine check --strict passed")
    if sends:
        files = new_files(project, target, files, tally, options.skip_existing)
    else:
        tally(
            "ok", f"name and version checks on {target.simple_url} skipped (dry run sends nothing)"
        )
    if tally.failed:
        checks_ = "check" if tally.failed == 1 else "checks"
        raise PublishError(f"{tally.failed} {checks_} failed (marked FAIL above)")
    return files


@dataclass
class _Tally:
    """Passes each check's line on to the report, counting the failed ones."""

    report: Report
    failed: int = 0

    def __call__(self, status: Status, message: str) -> None:
        self.failed += status == "fail"
        self.report(status, message)


def _check_name(project: build.Project, report: Report) -> None:
    clash = checks.stdlib_clash(project.name)
    if clash:
        raise UsageError(f"{project.name} would shadow the standard library module {clash!r}")
    report("ok", f"name {project.name} does not shadow a standard library module")


def _check_similar_names(project: build.Project, target: Target, report: Report) -> None:
    """Refuse a name the index would take for one of its projects (PyPI refuses those)."""
    similar = checks.similar_names(project.name, simple_api.project_names(target.simple_url))
    if similar:
        shown = ", ".join(similar[:5])
        raise SimilarName(
            f"{project.name} is too similar to {shown} on {target.name} (they read the same "
            f"as {checks.ultranormalize(project.name)!r} once '.', '-', '_' are dropped and "
            "l/i/o read as 1/1/0); the index would refuse the upload",
            existing=similar,
        )
    report("ok", f"name {project.name} is not too similar to a project on {target.name}")


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


def new_files(
    project: build.Project, target: Target, files: list[Path], report: Report, skip: bool
) -> list[Path]:
    """The files of `files` to upload, after comparing them with what the index holds."""
    listing = simple_api.project_files(target.simple_url, project.name)
    if listing is None:
        report("ok", f"{project.name} is new on {target.name}")
        return files
    foreign = checks.foreign_versions(project.version, list(listing), git_tags(project.path))
    if foreign:
        report(
            "warn",
            f"{project.name} on {target.name} has higher versions that are not this package's "
            f"git tags ({', '.join(foreign[:5])}): the name is probably someone else's and the "
            "upload will be refused (pick a unique name), or this version is out of order",
        )
    present = [file for file in files if file.name in listing]
    if not present:
        report("ok", f"{project.name} {project.version} is not on {target.name} yet")
        return files
    if not skip:
        report("fail", f"{project.name} {project.version} is already on {target.name}")
        raise AlreadyPublished(
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


def git_tags(path: Path) -> list[str]:
    """The project's git tags, or none outside a git work tree."""
    try:
        result = subprocess.run(
            ["git", "-C", str(path), "tag", "--list"], capture_output=True, text=True, check=False
        )
    except OSError:
        return []
    return result.stdout.split() if result.returncode == 0 else []
