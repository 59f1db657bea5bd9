"""The version and CHANGELOG text `distkit release` writes: pure functions of strings.

A bump names the part that grows (major, minor, patch) and gives the smallest final release
above the current version whose lower parts are zero: 0.1.0 -> patch 0.1.1; a pre-release
0.2.0rc1 -> patch, minor 0.2.0 (its final release), major 1.0.0. With `pre` ("a", "b", "rc")
the bumped version starts a pre-release instead: 0.1.0 -> minor, pre rc: 0.2.0rc1.

A pre-release kind alone moves a pre-release on: 0.2.0rc1 -> rc 0.2.0rc2, 0.2.0a3 -> rc
0.2.0rc1. "post" gives the next post-release of a final release (0.1.0 -> 0.1.0.post1),
"dev" the next development release (0.1.0 -> 0.1.1.dev1, 0.1.1.dev1 -> 0.1.1.dev2), and no
spec at all takes a pre-release or development release to its final (0.2.0rc2 -> 0.2.0).
Any PEP 440 version above the current one may be given instead (0.2.0rc1, 1.0.0.post1).
"""

from __future__ import annotations

import datetime
import re

from packaging.version import InvalidVersion, Version

from distkit.errors import ReleaseError, UsageError

PARTS = ("major", "minor", "patch")
# The pre-release kinds, in PEP 440's order, and the names they may be given by.
PRE_KINDS = ("a", "b", "rc")
PRE_NAMES = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "rc": "rc", "c": "rc"}
SPECS = (*PARTS, "a", "alpha", "b", "beta", "rc", "post", "dev")
CHANGELOG = "CHANGELOG.md"
PYPROJECT = "pyproject.toml"
_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_VERSION_LINE = re.compile(r"""^(\s*version\s*=\s*)(["'])([^"']*)\2(.*)$""")
_UNRELEASED = re.compile(
    r"^(#{2,3})[ \t]*\[?unreleased\]?[ \t]*(\r?)$", re.IGNORECASE | re.MULTILINE
)


def next_version(current: str, spec: str | None, pre: str | None = None) -> str:
    """The version after `current` for `spec` (a part, a pre-release kind, "post", "dev", an
    explicit PEP 440 version, or None for a pre-release's final), `pre` starting a
    pre-release of a bumped part."""
    try:
        now = Version(current)
    except InvalidVersion:
        raise ReleaseError(f"the current version {current!r} is not a PEP 440 version") from None
    if pre is not None and spec not in PARTS:
        raise UsageError("--pre starts a pre-release of a part: give major, minor or patch")
    named = _named(now, spec, pre)
    if named is None:
        return _explicit(now, str(spec))
    if Version(named) <= now:
        raise UsageError(f"{spec or 'final'} would give {named}, not above {now}")
    return named


def _named(now: Version, spec: str | None, pre: str | None) -> str | None:
    """The version a named step gives (None: `spec` is no name, maybe a version)."""
    if spec is None:
        return _final(now)
    if spec in PARTS:
        return _bump(now, PARTS.index(spec), pre)
    if spec in PRE_NAMES:
        return _next_pre(now, PRE_NAMES[spec])
    if spec == "post":
        return _next_post(now)
    if spec == "dev":
        return _next_dev(now)
    return None


def _explicit(now: Version, spec: str) -> str:
    try:
        wanted = Version(spec)
    except InvalidVersion:
        raise UsageError(f"{spec!r} is neither {', '.join(SPECS)} nor a PEP 440 version") from None
    if wanted.local is not None:
        raise UsageError(f"{spec} has a local part (+...), which an index refuses")
    if wanted <= now:
        raise UsageError(f"{wanted} is not above the current version {now}")
    return str(wanted)


def _bump(now: Version, level: int, pre: str | None = None) -> str:
    release = [*now.release, 0, 0][:3]
    below_zero = all(part == 0 for part in now.release[level + 1 :])
    if pre is not None or not ((now.is_prerelease or now.is_devrelease) and below_zero):
        release[level] += 1
        release[level + 1 :] = [0] * (2 - level)
    epoch = f"{now.epoch}!" if now.epoch else ""
    bumped = epoch + ".".join(map(str, release))
    if pre is None:
        return bumped
    if pre not in PRE_NAMES:
        raise UsageError(f"--pre {pre!r}: give a, b or rc")
    return f"{bumped}{PRE_NAMES[pre]}1"


def _final(now: Version) -> str:
    if not (now.is_prerelease or now.is_devrelease):
        raise UsageError(
            f"{now} is a final release: say what to bump (major, minor, patch, post, or a "
            "part with --pre rc)"
        )
    return now.base_version


def _next_pre(now: Version, kind: str) -> str:
    if now.pre is None:
        raise UsageError(
            f"{now} is not a pre-release: start one with `release minor --pre {kind}` "
            "(or major, patch)"
        )
    current_kind, number = now.pre
    if PRE_KINDS.index(kind) < PRE_KINDS.index(current_kind):
        raise UsageError(f"{now} is past the {kind} stage; {kind} would go back")
    number = number + 1 if kind == current_kind and now.dev is None else 1
    if kind == current_kind and now.dev is not None:  # 0.2.0rc2.dev1 -> rc: 0.2.0rc2
        number = now.pre[1]
    epoch = f"{now.epoch}!" if now.epoch else ""
    return f"{epoch}{'.'.join(map(str, now.release))}{kind}{number}"


def _next_post(now: Version) -> str:
    if now.is_prerelease or now.is_devrelease:
        raise UsageError(f"{now} is not a final release; a post-release follows a final one")
    base = now.public.split(".post")[0]
    return f"{base}.post{(now.post or 0) + 1}"


def _next_dev(now: Version) -> str:
    if now.dev is not None:
        return f"{now.public.rsplit('.dev', 1)[0]}.dev{now.dev + 1}"
    if now.is_prerelease:
        raise UsageError(f"{now} is a pre-release; a development release comes before one")
    return f"{_bump(now, PARTS.index('patch'))}.dev1"


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
    level, carriage = match.group(1), match.group(2)  # carriage: "\r" in a CRLF file
    newline = carriage + "\n"
    heading = f"{level} Unreleased{newline}{newline}{level} {version} - {day.isoformat()}{carriage}"
    return changelog[: match.start()] + heading + changelog[match.end() :]


def released_section(changelog: str, version: str) -> str:
    """The entries under `version`'s heading (up to the next heading of its level or above),
    as a GitHub Release's notes; ReleaseError when there is no such heading.

    A final release's notes also hold the entries of its own pre-releases and development
    releases (0.2.0 gathers 0.2.0rc2, 0.2.0rc1, ...), each under its version in bold, so the
    notes say everything since the last final release.
    """
    sections = _sections(changelog)
    if version not in sections:
        raise ReleaseError(f"{CHANGELOG} has no section for {version}")
    parts = [sections[version]] if sections[version] else []
    if not Version(version).is_prerelease:
        for earlier, body in sections.items():
            if body and earlier != version and _is_step_towards(earlier, version):
                parts.append(f"**{earlier}**\n\n{body}")
    return "\n\n".join(parts) + "\n" if parts else "No changes were noted for this release.\n"


_HEADING = re.compile(r"^(#{2,3})[ \t]*\[?([^\]\s]+)\]?(?:[ \t]+-[^\n]*)?\r?$", re.MULTILINE)


def _sections(changelog: str) -> dict[str, str]:
    """Each version heading's entries (CRLF read as LF, blank lines at the ends dropped), in
    the CHANGELOG's order (newest first)."""
    text = changelog.replace("\r\n", "\n")
    headings = list(_HEADING.finditer(text))
    found: dict[str, str] = {}
    for index, match in enumerate(headings):
        level = len(match.group(1))
        end = len(text)
        for later in headings[index + 1 :]:
            if len(later.group(1)) <= level:
                end = later.start()
                break
        found.setdefault(match.group(2), text[match.end() : end].strip("\n"))
    return found


def _is_step_towards(earlier: str, final: str) -> bool:
    """Whether `earlier` is a pre-release or development release of the final `final`."""
    try:
        candidate = Version(earlier)
    except InvalidVersion:
        return False
    return candidate.is_prerelease and candidate.base_version == Version(final).base_version
