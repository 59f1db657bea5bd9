"""A keyring that breaks is said to have failed, in one line without its message (which could
hold a secret); it is not read as "no credentials" (issue 19, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publishing.commands import error_line, run
from tests.publishing.conftest import Index


def test_a_broken_keyring_is_one_line_saying_it_failed(
    package: Path, pypiserver: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    monkeypatch.setenv("TWINE_USERNAME", "uploader")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.publishing.file_keyring.BrokenKeyring")
    result = run("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert result.returncode == 1, result.stdout
    line = error_line(result.stderr)
    assert "the keyring failed when asked for the password of uploader" in line
    assert "(RuntimeError)" in line
    assert "keyring-broke-sentinel" not in result.stdout + result.stderr
    assert "no credentials" not in line
    assert list(pypiserver.packages.iterdir()) == []


def test_no_keyring_backend_at_all_is_no_credentials(
    package: Path, pypiserver: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    result = run("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert result.returncode == 2, result.stdout
    assert "no credentials for" in error_line(result.stderr)
