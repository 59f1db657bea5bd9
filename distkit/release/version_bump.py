"""`distkit release`: the next version, the pyproject line and CHANGELOG section it changes, and
the commit and tag that record it.

A bump names the part that grows (major, minor, patch) and gives the smallest final release
above the current version whose lower parts are zero: 0.1.0 -> patch 0.1.1; a pre-release
0.2.0rc1 -> patch, minor 0.2.0 (its final release), major 1.0.0. Any PEP 440 version above the
current one may be given instead (0.2.0rc1, 1.0.0.post1).
"""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from distkit import git
from distkit.errors import ReleaseError, UsageError

PARTS = ("major", "minor", "patch")
CHANGELOG = "CHANGELOG.md"
PYPROJECT = "pyproject.toml"
_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_VERSION_LINE = re.compile(r"""^(\s*version\s*=\s*)(["'])([^"']*)\2(.*)$""")
_UNRELEASED = re.compile(r"^(#{2,3})[ \t]*\[?unreleased\]?[ \t]*$", re.IGNORECASE | re.MULTILINE)


def next_version(current: str, spec: str) -> str:
    """The version after `current` for `spec`: a part name or an explicit PEP 440 version."""
    try:
        now = Version(current)
    except InvalidVersion:
        raise ReleaseError(f"the current version {current!r} is not a PEP 440 version") from None
    if spec in PARTS:
        return _bump(now, PARTS.index(spec))
    try:
        wanted = Version(spec)
    except InvalidVersion:
        raise UsageError(f"{spec!r} is neither major, minor, patch nor a PEP 440 version") from None
    if wanted.local is not None:
        raise UsageError(f"{spec} has a local part (+...), which an index refuses")
    if wanted <= now:
        raise UsageError(f"{wanted} is not above the current version {now}")
    return str(wanted)


def _bump(now: Version, level: int) -> str:
    release = [*now.release, 0, 0][:3]
    below_zero = all(part == 0 for part in now.release[level + 1 :])
    if not (now.is_prerelease and below_zero):
        release[level] += 1
        release[level + 1 :] = [0] * (2 - level)
    epoch = f"{now.epoch}!" if now.epoch else ""
    return epoch + ".".join(map(str, release))


def project_version(pyproject: str) -> str:
    """The static `version` of the `[project]` table in a pyproject.toml's text."""
    return _version_line(pyproject)[1]


def set_project_version(pyproject: str, version: str) -> str:
    """`pyproject` with the `[project]` version set to `version`; every other byte kept."""
    lines = pyproject.splitlines(keepends=True)
    index, _ = _version_line(pyproject)
    match = _VERSION_LINE.match(lines[index].rstrip("\r\n"))
    assert match is not None
    ending = lines[index][len(lines[index].rstrip("\r\n")) :]
    quote = match.group(2)
    lines[index] = f"{match.group(1)}{quote}{version}{quote}{match.group(4)}{ending}"
    return "".join(lines)


def _version_line(pyproject: str) -> tuple[int, str]:
    table = None
    for index, line in enumerate(pyproject.splitlines()):
        header = _TABLE.match(line)
        if header:
            table = header.group(1).strip()
            continue
        if table == "project":
            match = _VERSION_LINE.match(line)
            if match:
                return index, match.group(3)
    raise ReleaseError(f'{PYPROJECT} has no static version = "..." in its [project] table to bump')


def date_changelog(changelog: str, version: str, day: datetime.date) -> str:
    """`changelog` with its Unreleased section's entries moved under "VERSION - DAY", and an
    empty Unreleased section kept above it for the next release."""
    match = _UNRELEASED.search(changelog)
    if match is None:
        raise ReleaseError(f"{CHANGELOG} has no '## Unreleased' section to date")
    level = match.group(1)
    heading = f"{level} Unreleased\n\n{level} {version} - {day.isoformat()}"
    return changelog[: match.start()] + heading + changelog[match.end() :]


@dataclass(frozen=True)
class Release:
    """What `release` did: the versions, the commit and the tag."""

    previous: str
    version: str
    tag: str
    commit: str


def release(package: Path, spec: str, *, day: datetime.date | None = None) -> Release:
    """Bump the version of the package at `package`, date its CHANGELOG, commit and tag.

    Refuses a work tree with uncommitted changes, and a tag that exists; on any failure the
    two files are put back as they were.
    """
    root = git.require_repo(package)
    git.require_clean(root, "release")
    pyproject_path, changelog_path = package / PYPROJECT, package / CHANGELOG
    pyproject, changelog = _read(pyproject_path), _read(changelog_path)
    previous = project_version(pyproject)
    version = next_version(previous, spec)
    tag = f"v{version}"
    if git.tag_exists(root, tag):
        raise ReleaseError(f"the tag {tag} exists already")
    new_pyproject = set_project_version(pyproject, version)
    new_changelog = date_changelog(changelog, version, day or datetime.date.today())
    options = git.identity(root, *_author(package))
    try:
        _write(pyproject_path, new_pyproject)
        _write(changelog_path, new_changelog)
        git.run(root, "add", "--", str(pyproject_path), str(changelog_path))
        git.run(root, *options, "commit", "--quiet", "-m", f"Release {version}")
    except BaseException:
        _write(pyproject_path, pyproject)
        _write(changelog_path, changelog)
        files = [str(pyproject_path), str(changelog_path)]
        git.run(root, "reset", "--quiet", "--", *files, check=False)
        raise
    commit = git.head(root)
    git.run(root, *options, "tag", "--annotate", tag, "-m", f"Release {version}")
    return Release(previous, version, tag, commit)


def _author(package: Path) -> tuple[str, str]:
    from distkit.scaffold.answers import read_answers

    try:
        context = read_answers(package).context
    except UsageError:
        context = {}
    return context.get("full_name", "distkit"), context.get("email", "distkit@localhost")


def _read(path: Path) -> str:
    from distkit.files.reading import MiB, read_regular

    try:
        return read_regular(path, max_bytes=4 * MiB, what=path.name).decode("utf-8")
    except UnicodeDecodeError:
        raise ReleaseError(f"{path} is not UTF-8 text") from None


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
