"""Checks on a package's metadata and on what an index already holds, and twine's failures in
a sentence. Pure functions: they read, they never upload."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from distkit.errors import AlreadyPublished
from distkit.release import simple_api
from distkit.release.build import Project
from distkit.release.targets import Credentials, Target
from distkit.release.tool import trim_error

Status = Literal["ok", "warn", "fail"]
Report = Callable[[Status, str], None]
PLACEHOLDER_NAMES = {"your name", "your-name", "author", "author name", "firstname lastname"}
PLACEHOLDER_HOSTS = re.compile(
    r"(^|\.)(example\.(com|org|net)|localhost)$|^(www\.)?(github|gitlab)\.com/(you|your-?\w*|username|user)\b",
    re.I,
)


def stdlib_clash(name: str) -> str | None:
    """The stdlib module a project's import name would shadow, if any."""
    module = simple_api.normalize(name).replace("-", "_")
    return module if module in sys.stdlib_module_names else None


def placeholders(table: dict[str, Any]) -> list[str]:
    """The placeholder values among `[project]`'s authors, maintainers and URLs, as
    `field = value` strings (e.g. `authors email = you@example.com`)."""
    found = []
    for role in ("authors", "maintainers"):
        people = table.get(role)
        for person in people if isinstance(people, list) else []:
            if not isinstance(person, dict):
                continue
            name, email = str(person.get("name", "")), str(person.get("email", ""))
            if name.strip().lower() in PLACEHOLDER_NAMES:
                found.append(f"{role} name = {name}")
            if email and _placeholder_address(email.rpartition("@")[2]):
                found.append(f"{role} email = {email}")
    urls = table.get("urls")
    for label, url in urls.items() if isinstance(urls, dict) else []:
        address = re.sub(r"^[a-z]+://", "", str(url), flags=re.I)
        if _placeholder_address(address):
            found.append(f"urls {label} = {url}")
    return found


def _placeholder_address(address: str) -> bool:
    host, _, path = address.partition("/")
    return bool(
        PLACEHOLDER_HOSTS.search(host.lower()) or PLACEHOLDER_HOSTS.search(f"{host}/{path}".lower())
    )


def foreign_versions(project: Project, held: list[str]) -> list[str]:
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


def new_files(
    project: Project, target: Target, files: list[Path], report: Report, skip: bool
) -> list[Path]:
    """The files of `files` to upload, after comparing them with what the index holds."""
    listing = simple_api.project_files(target.simple_url, project.name)
    if listing is None:
        report("ok", f"{project.name} is new on {target.name}")
        return files
    foreign = foreign_versions(project, list(listing))
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
