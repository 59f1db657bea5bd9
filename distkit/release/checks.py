"""Checks on a package's metadata, its name and what an index holds, and twine's failures in a
sentence. Pure functions of what they are given: the network and git are read by the callers
(release.preflight, release.upload)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any, Literal

from distkit.release import simple_api
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


def foreign_versions(version: str, held: list[str], tags: list[str]) -> list[str]:
    """Versions of the index's files `held` that are higher than `version` and not among the
    git `tags` (a leading "v" dropped).

    Those are the sign of someone else's project under this name (or of publishing out of
    order); lower versions are this package's own earlier releases.
    """
    from packaging.version import InvalidVersion, Version

    def parse(text: str) -> Version | None:
        try:
            return Version(text)
        except InvalidVersion:
            return None

    current = parse(version)
    if current is None:
        return []
    ours = {parse(tag.removeprefix("v")) for tag in tags}
    held_versions = {parse(v) for v in map(simple_api.file_version, held) if v is not None}
    foreign = (v for v in held_versions if v is not None and v > current and v not in ours)
    return [str(v) for v in sorted(foreign)]


def ultranormalize(name: str) -> str:
    """The form in which PyPI compares names for being "too similar" (pypi/warehouse#11139):
    PEP 503 normalised, then ".", "-" and "_" removed, "l" and "i" read as "1", "o" as "0"."""
    folded = simple_api.normalize(name)
    return re.sub(r"[-_.]+", "", folded).translate(str.maketrans("lio", "110"))


def similar_names(name: str, listed: list[str]) -> list[str]:
    """The names in `listed` that PyPI would take for `name` but that are not `name` itself
    (PEP 503): each is someone else's project the upload would collide with."""
    mine, folded = simple_api.normalize(name), ultranormalize(name)
    return sorted(
        other
        for other in set(listed)
        if simple_api.normalize(other) != mine and ultranormalize(other) == folded
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
