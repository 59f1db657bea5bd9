"""`distkit release`: plan the next version's changes, then record them in git, all or nothing.

`plan` reads the package and says what would change (the pyproject line, the CHANGELOG
section, the commit, the tag) and touches nothing: that is all a dry run does. `release`
writes, commits and tags with SIGINT, SIGTERM and SIGHUP deferred; a failure or a signal on
the way undoes every step (files, index, commit, tag). A "Release X" commit left untagged (the
process was killed outright) is finished by the next run: it is tagged, nothing is bumped.
"""

from __future__ import annotations

import datetime
import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from distkit import git, interrupts
from distkit.errors import ReleaseError, UsageError
from distkit.release.version_bump import (
    CHANGELOG,
    PYPROJECT,
    date_changelog,
    next_version,
    project_version,
    released_section,
    set_project_version,
)


@dataclass(frozen=True)
class Plan:
    """A release to record: the versions, the tag, and each file's text before and after
    (none when an untagged release commit is only to be tagged)."""

    root: Path
    package: Path
    previous: str
    version: str
    tag: str
    files: dict[Path, tuple[str, str]] = field(default_factory=dict)
    notes: str = ""

    @property
    def finishing(self) -> bool:
        """Whether this only tags a "Release X" commit an interrupted run left untagged."""
        return not self.files

    def diff(self) -> str:
        """Every change to the files, as a unified diff (paths from the repository root)."""
        chunks: list[str] = []
        for path, (before, after) in self.files.items():
            name = path.relative_to(self.root).as_posix()
            chunks += difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
            )
        return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


@dataclass(frozen=True)
class Release:
    """What `release` did (or, in a dry run, would do): the versions, the commit and the tag,
    the changes as a diff, and the release notes and where they went."""

    previous: str
    version: str
    tag: str
    commit: str = ""
    finished: bool = False
    dry_run: bool = False
    diff: str = ""
    notes: str = ""
    notes_file: Path | None = None


def release(
    package: Path,
    spec: str | None,
    *,
    pre: str | None = None,
    dry_run: bool = False,
    notes_file: Path | None = None,
    day: datetime.date | None = None,
) -> Release:
    """Release the package at `package`: bump its version (`spec`, `pre`: see version_bump),
    date its CHANGELOG, commit and tag, all or nothing; write the released section to
    `notes_file` (a new file) if given. A dry run only says what would change."""
    if notes_file is not None and os.path.lexists(notes_file):
        raise UsageError(f"{notes_file} exists; give a new file for the release notes")
    planned = plan(package, spec, pre=pre, day=day)
    notes = release_notes(planned) if notes_file is not None else ""
    if dry_run:
        return Release(
            planned.previous,
            planned.version,
            planned.tag,
            finished=planned.finishing,
            dry_run=True,
            diff=planned.diff(),
            notes=notes,
            notes_file=notes_file,
        )
    done = record(planned)
    if notes_file is not None:
        _write_new(notes_file, notes)
    return Release(
        done.previous,
        done.version,
        done.tag,
        done.commit,
        finished=done.finished,
        diff=planned.diff(),
        notes=notes,
        notes_file=notes_file,
    )


@dataclass(frozen=True)
class Recorded:
    """A release recorded in git."""

    previous: str
    version: str
    tag: str
    commit: str
    finished: bool = False


def plan(
    package: Path, spec: str | None, *, pre: str | None = None, day: datetime.date | None = None
) -> Plan:
    """What releasing the package at `package` would change; touches nothing.

    Refuses a work tree with uncommitted changes and a tag that exists.
    """
    package = package.resolve()
    root = git.require_repo(package).resolve()
    git.require_clean(root, "release")
    pyproject_path, changelog_path = package / PYPROJECT, package / CHANGELOG
    pyproject, changelog = _read(pyproject_path), _read(changelog_path)
    current = project_version(pyproject)
    untagged = _untagged_release(root, pyproject_path, current)
    if untagged is not None:
        return Plan(root, package, untagged, current, f"v{current}", notes=changelog)
    version = next_version(current, spec, pre)
    tag = f"v{version}"
    if git.tag_exists(root, tag):
        raise ReleaseError(f"the tag {tag} exists already")
    new_changelog = date_changelog(changelog, version, day or datetime.date.today())
    files = {
        pyproject_path: (pyproject, set_project_version(pyproject, version)),
        changelog_path: (changelog, new_changelog),
    }
    return Plan(root, package, current, version, tag, files, notes=new_changelog)


def release_notes(plan: Plan) -> str:
    """The released CHANGELOG section of `plan`'s version (for a GitHub Release)."""
    return released_section(plan.notes, plan.version)


def record(plan: Plan) -> Recorded:
    """Record `plan`: write the files, commit "Release X" and tag vX, all or nothing."""
    root = plan.root
    options = git.identity(root, *_author(plan.package))
    message = f"Release {plan.version}"
    if plan.finishing:
        git.run(root, *options, "tag", "--annotate", plan.tag, "-m", message)
        return Recorded(plan.previous, plan.version, plan.tag, git.head(root), finished=True)
    paths = [path.relative_to(root).as_posix() for path in plan.files]
    with interrupts.Deferred() as signals:
        head = git.head(root)
        try:
            for path, (_, after) in plan.files.items():
                _write(path, after)
            signals.checkpoint()
            git.run(root, "add", "--", *paths)
            signals.checkpoint()
            git.run(root, *options, "commit", "--quiet", "-m", message, "--", *paths)
            signals.checkpoint()
            git.run(root, *options, "tag", "--annotate", plan.tag, "-m", message)
            commit = git.head(root)
        except BaseException:
            _undo(plan, head, paths)
            raise
    return Recorded(plan.previous, plan.version, plan.tag, commit)


def _undo(plan: Plan, head: str, paths: list[str]) -> None:
    """Put the repository back as it was at `head`: no tag, no commit, files as before."""
    root = plan.root
    if git.tag_exists(root, plan.tag):
        git.run(root, "tag", "--delete", plan.tag, check=False)
    if git.run(root, "rev-parse", "HEAD", check=False).stdout.strip() != head:
        git.run(root, "reset", "--soft", "--quiet", head, check=False)
    for path, (before, _) in plan.files.items():
        _write(path, before)
    git.run(root, "reset", "--quiet", "--", *paths, check=False)


def _untagged_release(root: Path, pyproject: Path, current: str) -> str | None:
    """When HEAD is "Release CURRENT" and vCURRENT is not tagged: the version before it."""
    subject = git.run(root, "log", "-1", "--format=%s", check=False).stdout.strip()
    if subject != f"Release {current}" or git.tag_exists(root, f"v{current}"):
        return None
    before = git.show(root, "HEAD~1", pyproject.relative_to(root).as_posix())
    try:
        return project_version(before) if before is not None else "?"
    except ReleaseError:
        return "?"


def _author(package: Path) -> tuple[str, str]:
    """The name and email the package was made with, for a git without an identity."""
    from distkit.files.json_input import read_json
    from distkit.scaffold.answers import ANSWERS_FILE

    name, email = "distkit", "distkit@localhost"
    try:
        data = read_json(package / ANSWERS_FILE, what="answers file", max_bytes=1 << 20)
    except UsageError:
        return name, email  # a missing or unreadable record: the defaults do
    context = data.get("context") if isinstance(data, dict) else None
    if isinstance(context, dict):
        found_name, found_email = context.get("full_name"), context.get("email")
        name = found_name if isinstance(found_name, str) and found_name.strip() else name
        email = found_email if isinstance(found_email, str) and found_email.strip() else email
    return name, email


def _read(path: Path, limit: int = 4 << 20) -> str:
    from distkit.files.reading import read_regular

    try:
        return read_regular(path, max_bytes=limit, what=path.name).decode("utf-8")
    except UnicodeDecodeError:
        raise ReleaseError(f"{path} is not UTF-8 text") from None


def _write_new(path: Path, text: str) -> None:
    """Write `path`, which must not exist yet."""
    try:
        with open(path, "x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise UsageError(
            f"{path} exists; the release is done, but its notes were not written"
        ) from None
    except OSError as error:
        raise ReleaseError(
            f"the release is done, but its notes could not be written to {path}: {error.strerror}"
        ) from None


def _write(path: Path, text: str) -> None:
    """Replace `path` whole (a temporary file renamed over it), so Ctrl-C never leaves half."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
