"""`distkit new`'s compiled-template cache (issue 24's speed item): a later render reads the
templates Jinja compiled before, renders the same files, and a cache folder that cannot be
written never stops a package from being made."""

from __future__ import annotations

from pathlib import Path

import pytest

from distkit import scaffold
from tests.scaffold.conftest import files_under


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def contents(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in files_under(root) if ".git/" not in name}


def test_the_second_render_reads_the_compiled_templates_and_renders_the_same(
    tmp_path: Path, cache_home: Path
) -> None:
    first = scaffold.create("gamma", tmp_path / "one")
    cached = sorted(cache_home.rglob("__jinja2_*.cache"))
    assert len(cached) >= 10
    stamps = {path: path.stat().st_mtime_ns for path in cached}
    second = scaffold.create("gamma", tmp_path / "two")
    assert contents(first) == contents(second)
    assert {path: path.stat().st_mtime_ns for path in cached} == stamps  # read, not rewritten


def test_a_cache_that_cannot_be_written_is_skipped(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2.bccache

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", disk_full)
    made = scaffold.create("beta", tmp_path / "full")
    assert list(cache_home.rglob("__jinja2_*")) == []
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    assert contents(made) == contents(scaffold.create("beta", tmp_path / "written"))


def test_a_cache_folder_that_cannot_be_made_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    made = scaffold.create("poisson", tmp_path)
    assert (made / "pyproject.toml").is_file()


def test_a_corrupt_cache_file_is_compiled_again(tmp_path: Path, cache_home: Path) -> None:
    warm = scaffold.create("laplace", tmp_path / "warm")
    for path in cache_home.rglob("__jinja2_*.cache"):
        path.write_bytes(b"not a jinja bytecode file")
    made = scaffold.create("laplace", tmp_path / "again")
    assert contents(made) == contents(warm)
