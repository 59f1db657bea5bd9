"""A real pypiserver on 127.0.0.1 with password auth, and a fresh copy of the fixture package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from distkit.release.local_index import free_port

collect_ignore = ["fixture_pkg"]
FIXTURE = Path(__file__).parent / "fixture_pkg"
USER = "uploader"
SECRET = "sentinel-S3cr3t-7f1d"


@dataclass(frozen=True)
class Index:
    url: str
    packages: Path


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
def secret_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TWINE_USERNAME", USER)
    monkeypatch.setenv("TWINE_PASSWORD", SECRET)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return SECRET
