"""Where to upload and as whom: targets (PyPI, TestPyPI, ~/.pypirc, a URL) and credentials.

Credentials come from twine's own sources, in twine's order; a secret is never printed.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from distkit.errors import UsageError
from distkit.release import simple_api

PYPI_UPLOAD = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD = "https://test.pypi.org/legacy/"
# Sent to the local index, which asks for no credentials; twine wants some all the same.
NO_AUTH_PASSWORD = "unused-by-the-local-index"


@dataclass(frozen=True)
class Target:
    """Where to upload, and the Simple API to read back from."""

    name: str
    upload_url: str
    username: str | None = None
    password: str | None = None
    auth: bool = True

    @property
    def simple_url(self) -> str:
        return simple_api.simple_url_for(self.upload_url)

    @property
    def is_public(self) -> bool:
        return urlsplit(self.upload_url).hostname in ("upload.pypi.org", "test.pypi.org")

    @property
    def is_loopback(self) -> bool:
        return urlsplit(self.upload_url).hostname in ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Credentials:
    """A username and password, and where they came from (the source is safe to print)."""

    username: str
    password: str
    source: str


def read_pypirc(config_file: Path | None = None) -> configparser.ConfigParser:
    """Parse ~/.pypirc (or `config_file`); a file that does not parse is a one-line error."""
    path = config_file or Path.home() / ".pypirc"
    parser = configparser.ConfigParser(interpolation=None)
    if path.is_file():
        try:
            parser.read(path, encoding="utf-8")
        except configparser.Error as exc:
            first = str(exc).splitlines()[0]
            raise UsageError(f"{path} is not a valid pypirc file: {first}") from None
    return parser


def resolve_target(
    *,
    test: bool = False,
    local_url: str | None = None,
    repository: str | None = None,
    repository_url: str | None = None,
    config_file: Path | None = None,
) -> Target:
    """The one target the options name; PyPI when none is named."""
    if repository_url:
        return Target(repository_url, check_upload_url(repository_url))
    if local_url:
        return Target("local index", local_url, auth=False)
    if test:
        return Target("TestPyPI", TESTPYPI_UPLOAD)
    if repository:
        pypirc = read_pypirc(config_file)
        if not pypirc.has_section(repository):
            defaults = {"pypi": PYPI_UPLOAD, "testpypi": TESTPYPI_UPLOAD}
            if repository in defaults:
                return Target(repository, defaults[repository])
            raise UsageError(f"no repository [{repository}] in the pypirc file")
        section = pypirc[repository]
        url = section.get("repository", PYPI_UPLOAD)
        return Target(
            repository, check_upload_url(url), section.get("username"), section.get("password")
        )
    return Target("PyPI", PYPI_UPLOAD)


def check_upload_url(url: str) -> str:
    """Refuse URLs that are not upload endpoints, e.g. a Simple API page or PyPI's front page."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url} is not an http(s) URL")
    pypi_hosts = ("pypi.org", "www.pypi.org", "upload.pypi.org", "test.pypi.org")
    if parts.hostname in pypi_hosts and not parts.path.endswith("/legacy/"):
        good = TESTPYPI_UPLOAD if "test" in parts.hostname else PYPI_UPLOAD
        raise UsageError(f"{url} is not an upload endpoint; use {good}")
    if re.search(r"/(simple|json|project|packages)(/|$)", parts.path):
        raise UsageError(f"{url} is not an upload endpoint (it looks like a download page)")
    return url


def find_credentials(target: Target) -> Credentials | None:
    """Credentials from twine's sources, in twine's order; None when there are none."""
    if not target.auth:
        return Credentials("distkit", NO_AUTH_PASSWORD, "no authentication")
    env_user, env_pass = os.environ.get("TWINE_USERNAME"), os.environ.get("TWINE_PASSWORD")
    if env_pass:
        return Credentials(env_user or "__token__", env_pass, "TWINE_PASSWORD environment variable")
    if target.password:
        return Credentials(target.username or "__token__", target.password, "pypirc file")
    keyring_secret = _from_keyring(target.upload_url, target.username or "__token__")
    if keyring_secret:
        return Credentials(target.username or "__token__", keyring_secret, "keyring")
    return None


def _from_keyring(url: str, username: str) -> str | None:
    try:
        import keyring
    except ImportError:
        return None
    try:
        secret = keyring.get_password(url, username)
    except Exception:
        return None
    return str(secret) if secret else None
