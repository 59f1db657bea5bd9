"""A keyring backend that keeps passwords in a JSON file ($DISTKIT_TEST_KEYRING), so that tests
never touch the user's real keyring. Selected with PYTHON_KEYRING_BACKEND."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["DISTKIT_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.is_file() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}|{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}|{username}", None)
        self._path().write_text(json.dumps(data))


class BrokenKeyring(KeyringBackend):
    """A backend that fails as a locked or corrupt keyring does, with a message that must never
    be shown (it could hold a secret)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("keyring-broke-sentinel-Xq7")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("keyring-broke-sentinel-Xq7")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("keyring-broke-sentinel-Xq7")
