"""Shared helpers for the `distkit new` tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's ~/.cookiecutterrc (and cookiecutter's replay files) out of the tests."""
    config = tmp_path / "cookiecutterrc"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'cookiecutters'}\n"
        f"replay_dir: {tmp_path / 'replay'}\n"
        "default_context: {}\n"
    )
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


def files_under(root: Path) -> set[str]:
    """Every file below root, as POSIX paths relative to it."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
