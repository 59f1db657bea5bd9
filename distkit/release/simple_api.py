"""A small client for the Simple Repository API (PEP 691 JSON, PEP 503 HTML)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

from distkit.errors import DistkitError, IndexAnswerError

ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
# The most an index may answer: PyPI's whole project list is about 30 MiB.
MAX_ANSWER = 64 * 1024 * 1024


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
    An answer that is not a Simple API page is IndexAnswerError, never a parser's exception.
    """
    url = simple_url.rstrip("/") + f"/{normalize(name)}/"
    answer = _get(url, timeout)
    if answer is None:
        return None
    text, kind = answer
    if "json" not in kind:
        return _anchors(url, text)
    files = _json(url, text).get("files", [])
    if not isinstance(files, list):
        raise _malformed(url, '"files" is not a list')
    listing = {}
    for file in files:
        hashes = file.get("hashes", {}) if isinstance(file, dict) else None
        if not (isinstance(file, dict) and isinstance(file.get("filename"), str)):
            raise _malformed(url, 'a file without a "filename" string')
        if not isinstance(hashes, dict) or not isinstance(hashes.get("sha256", ""), str):
            raise _malformed(url, f'{file["filename"][:80]!r} has "hashes" of the wrong kind')
        listing[file["filename"]] = str(hashes.get("sha256", ""))
    return listing


def project_names(simple_url: str, timeout: float = 30.0) -> list[str]:
    """The names of the projects the index lists at its Simple API root (as it spells them)."""
    url = simple_url.rstrip("/") + "/"
    answer = _get(url, timeout)
    if answer is None:
        return []
    text, kind = answer
    if "json" not in kind:
        return list(_anchors(url, text))
    projects = _json(url, text).get("projects", [])
    if not isinstance(projects, list) or not all(
        isinstance(project, dict) and isinstance(project.get("name"), str) for project in projects
    ):
        raise _malformed(url, '"projects" is not a list of names')
    return [project["name"] for project in projects]


def _get(url: str, timeout: float) -> tuple[str, str] | None:
    """The text and content type `url` answers with, or None for a redirect or a 404."""
    import http.client

    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(MAX_ANSWER + 1)
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308, 404):
            return None
        raise DistkitError(f"{url} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DistkitError(f"cannot reach {url}: {reason}") from None
    except (http.client.HTTPException, ValueError) as exc:  # a cut or garbled HTTP answer
        raise IndexAnswerError(f"{url} sent a broken HTTP answer ({type(exc).__name__})") from None
    if len(body) > MAX_ANSWER:
        raise IndexAnswerError(
            f"{url} answered more than {MAX_ANSWER >> 20} MiB; not a Simple API page"
        )
    try:
        return body.decode("utf-8"), kind
    except UnicodeDecodeError:
        raise _malformed(url, "it is not UTF-8 text") from None


def _json(url: str, text: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise _malformed(url, "it is not JSON (or nested too deep)") from None
    if not isinstance(data, dict):
        raise _malformed(url, "it is not a JSON object")
    return data


def _anchors(url: str, text: str) -> dict[str, str]:
    parser = _Anchors()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError, RecursionError):
        raise _malformed(url, "its HTML does not parse") from None
    return parser.files


def _malformed(url: str, why: str) -> IndexAnswerError:
    return IndexAnswerError(f"{url} answered something that is not a Simple API page: {why}")


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
