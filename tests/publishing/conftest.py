"""A real pypiserver on 127.0.0.1 with password auth, a fresh copy of the fixture package, and
the secret guard: after every test, no form of a secret is in anything distkit printed or in
any file under the test's folder (HOME, TMPDIR, the index and the package all live there)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from distkit.release.local_index import free_port
from distkit.release.redact import secret_forms
from tests.publishing.commands import PRINTED

collect_ignore = ["fixture_pkg"]
FIXTURE = Path(__file__).parent / "fixture_pkg"
USER = "uploader"
SECRET = "sentinel-S3cr3t/7f1d"
SECRETS = [SECRET]


@dataclass(frozen=True)
class Index:
    url: str
    packages: Path

    def url_with(self, user: str, password: str) -> str:
        from urllib.parse import quote

        return self.url.replace("http://", f"http://{quote(user)}:{quote(password, safe='')}@")


@pytest.fixture(autouse=True)
def secret_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("DISTKIT_INDEX_DIR", str(tmp_path / "local-index"))
    monkeypatch.setenv("DISTKIT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    PRINTED.clear()
    yield
    forms = {form for secret in SECRETS for form in secret_forms(USER, secret)}
    forms |= {form for secret in SECRETS for form in secret_forms("__token__", secret)}
    forms |= set(_local_index_password(tmp_path))
    for text in PRINTED:
        for form in forms:
            assert form not in text, f"a secret was printed:\n{text}"
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.name != "upload-password":
            data = path.read_bytes()
            for form in forms:
                assert form.encode() not in data, f"a secret was written to {path}"


def _local_index_password(tmp_path: Path) -> list[str]:
    secret = tmp_path / "local-index" / "upload-password"
    return secret_forms("distkit", secret.read_text().strip()) if secret.is_file() else []


@pytest.fixture
def pypiserver(tmp_path: Path) -> Iterator[Index]:
    from passlib.apache import HtpasswdFile

    packages = tmp_path / "index"
    packages.mkdir()
    htpasswd = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    htpasswd.set_password(USER, SECRET)
    htpasswd.save()
    port = free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port)]
    command += ["-P", str(tmp_path / "htpasswd"), "-a", "update", "--disable-fallback"]
    server = subprocess.Popen([*command, str(packages)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield Index(url, packages)
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def package(tmp_path: Path) -> Path:
    target = tmp_path / "distkit-fixture"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("dist", ".tox", "*.egg-info"))
    return target


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TWINE_USERNAME", USER)
    monkeypatch.setenv("TWINE_PASSWORD", SECRET)
    return SECRET


@pytest.fixture
def local_index() -> Iterator[Path]:
    """distkit's own index in the test's folder, stopped at the end."""
    from distkit.release import local_index

    yield local_index.index_dir()
    local_index.stop()
