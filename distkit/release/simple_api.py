"""A small client for the Simple Repository API (PEP 691 JSON, PEP 503 HTML)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

from distkit.errors import DistkitError

ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


def normalize(name: str) -> str:
    """The PEP 503 normalized form of a project name."""
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))


def simple_url_for(upload_url: str) -> str:
    """The Simple API root that belongs to an upload endpoint."""
    host = urlsplit(upload_url).hostname or ""
    if host == "upload.pypi.org":
        return "https://pypi.org/simple/"
    if host == "test.pypi.org":
        return "https://test.pypi.org/simple/"
    base = upload_url.rstrip("/")
    if base.endswith("/legacy"):
        base = base[: -len("/legacy")]
    return base + "/simple/"


def project_files(simple_url: str, name: str, timeout: float = 10.0) -> dict[str, str] | None:
    """The files the index holds for `name`, each with the sha256 it lists ("" when it lists
    none), or None when it does not hold the project.

    A redirect counts as "not held": pypiserver redirects unknown projects to its fallback index.
    """
    url = simple_url.rstrip("/") + f"/{normalize(name)}/"
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read().decode("utf-8")
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308, 404):
            return None
        raise DistkitError(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DistkitError(f"cannot reach {url}: {reason}") from exc
    if "json" in kind:
        files = json.loads(body).get("files", [])
        return {file["filename"]: str(file.get("hashes", {}).get("sha256", "")) for file in files}
    parser = _Anchors()
    parser.feed(body)
    return parser.files


def file_version(filename: str) -> str | None:
    """The version in a wheel or sdist file name, or None for a name that is neither."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        return str(parse_sdist_filename(filename)[1])
    except (InvalidSdistFilename, InvalidWheelFilename):
        return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class _Anchors(HTMLParser):
    """Each link's text and the sha256 in its `#sha256=` fragment (PEP 503)."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, str] = {}
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._href = (dict(attrs).get("href") or "") if tag == "a" else None

    def handle_endtag(self, tag: str) -> None:
        self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            found = re.search(r"#sha256=([0-9a-fA-F]{64})", self._href)
            self.files[data.strip()] = found.group(1).lower() if found else ""
