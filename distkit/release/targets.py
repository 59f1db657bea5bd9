"""Where to upload and as whom: targets (PyPI, TestPyPI, ~/.pypirc, a URL) and credentials.

Credentials come from twine's own sources, in twine's order; a secret is never printed. A URL
is kept without its userinfo: a username and password written into it become the target's
credentials, and only the clean URL is ever shown.
"""

from __future__ import annotations

import configparser
import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from distkit.errors import InsecureTransport, KeyringFailed, MissingCredentials, UsageError
from distkit.release import simple_api
from distkit.release.redact import redact, split_userinfo

PYPI_UPLOAD = "https://upload.pypi.org/legacy/"
TESTPYPI_UPLOAD = "https://test.pypi.org/legacy/"
PUBLIC_HOSTS = ("upload.pypi.org", "test.pypi.org")


@dataclass(frozen=True)
class Target:
    """Where to upload, and the Simple API to read back from. `upload_url` has no userinfo."""

    name: str
    upload_url: str
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    password_source: str = "pypirc file"

    @property
    def simple_url(self) -> str:
        return simple_api.simple_url_for(self.upload_url)

    @property
    def is_public(self) -> bool:
        return urlsplit(self.upload_url).hostname in PUBLIC_HOSTS

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(urlsplit(self.upload_url).hostname or "")


@dataclass(frozen=True)
class Credentials:
    """A username and password, and where they came from (the source is safe to print)."""

    username: str
    password: str = field(repr=False)
    source: str


def is_loopback_host(host: str) -> bool:
    """Whether `host` is this machine: localhost, 127.0.0.0/8 or ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_pypirc(config_file: Path | None = None) -> configparser.ConfigParser:
    """Parse ~/.pypirc, if it is a file, or `config_file`, which must be one; a file that is
    missing, not a regular file, or does not parse is a one-line error."""
    from distkit.files.reading import read_regular

    path = config_file or Path.home() / ".pypirc"
    parser = configparser.ConfigParser(interpolation=None)
    if config_file is not None or path.is_file():
        try:
            text = read_regular(path, max_bytes=1 << 20, what="pypirc file").decode("utf-8")
            parser.read_string(text, source=str(path))
        except (configparser.Error, UnicodeDecodeError) as exc:
            first = redact(str(exc).splitlines()[0])
            raise UsageError(f"{path} is not a valid pypirc file: {first}") from None
    return parser


def resolve_target(
    *,
    test: bool = False,
    repository: str | None = None,
    repository_url: str | None = None,
    config_file: Path | None = None,
) -> Target:
    """The target the options name; PyPI when none is named."""
    if repository_url:
        return _from_url(repository_url, repository_url, "repository URL")
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
        target = _from_url(repository, section.get("repository", PYPI_UPLOAD), "pypirc file")
        username = section.get("username") or target.username
        password = section.get("password")
        if password:
            return Target(target.name, target.upload_url, username, password, "pypirc file")
        return Target(
            target.name, target.upload_url, username, target.password, target.password_source
        )
    return Target("PyPI", PYPI_UPLOAD)


def _from_url(name: str, url: str, where: str) -> Target:
    clean = check_upload_url(url)
    _, username, password = split_userinfo(url)
    shown = clean if name == url else name
    return Target(shown, clean, username, password, f"the {where}'s userinfo")


def check_upload_url(url: str) -> str:
    """The URL without userinfo; refuse URLs that are not upload endpoints, e.g. a Simple API
    page or PyPI's front page."""
    try:
        clean = split_userinfo(url)[0]
        parts = urlsplit(clean)
        host = parts.hostname
        parts.port  # noqa: B018 - parsing the port is what raises on a bad one
    except ValueError:
        raise UsageError(f"{redact(url)} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"{clean} is not an http(s) URL")
    pypi_hosts = ("pypi.org", "www.pypi.org", *PUBLIC_HOSTS)
    if host in pypi_hosts and not parts.path.endswith("/legacy/"):
        good = TESTPYPI_UPLOAD if "test" in host else PYPI_UPLOAD
        raise UsageError(f"{clean} is not an upload endpoint; use {good}")
    if re.search(r"/(simple|json|project|packages)(/|$)", parts.path):
        raise UsageError(f"{clean} is not an upload endpoint (it looks like a download page)")
    return clean


def check_transport(target: Target, allow_insecure_http: bool = False) -> None:
    """Refuse to send credentials over plain http to another machine."""
    parts = urlsplit(target.upload_url)
    if parts.scheme == "http" and not target.is_loopback and not allow_insecure_http:
        raise InsecureTransport(
            f"{target.upload_url} is plain http to another machine: the credentials would "
            "cross the network in clear text; use an https URL"
        )


def find_credentials(target: Target) -> Credentials | None:
    """Credentials from twine's sources, in twine's order; None when there are none."""
    env_user, env_pass = os.environ.get("TWINE_USERNAME"), os.environ.get("TWINE_PASSWORD")
    if env_pass:
        return Credentials(env_user or "__token__", env_pass, "TWINE_PASSWORD environment variable")
    username = target.username or env_user or "__token__"
    if target.password:
        return Credentials(username, target.password, target.password_source)
    keyring_secret = _from_keyring(target.upload_url, username)
    if keyring_secret:
        return Credentials(username, keyring_secret, "keyring")
    return None


def missing_credentials(target: Target) -> MissingCredentials:
    return MissingCredentials(
        f"no credentials for {target.name}: set TWINE_USERNAME and TWINE_PASSWORD "
        "(or TWINE_PASSWORD alone with a token), add them to ~/.pypirc, or store them in keyring"
    )


def _from_keyring(url: str, username: str) -> str | None:
    """The keyring's password for `url` and `username`; None when it holds none or there is
    no keyring backend at all; KeyringFailed (its type only, never its message, which could
    hold a secret) when the backend breaks."""
    import keyring
    from keyring.errors import NoKeyringError

    try:
        secret = keyring.get_password(url, username)
    except NoKeyringError:
        return None
    except Exception as error:  # any backend's failure: locked, D-Bus gone, corrupt file
        raise KeyringFailed(
            f"the keyring failed when asked for the password of {username} at {url} "
            f"({type(error).__name__}); unlock or repair it, or set TWINE_PASSWORD"
        ) from None
    return str(secret) if secret else None
