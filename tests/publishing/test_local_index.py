"""`publish --local` starts distkit's own index on demand; `distkit index` manages it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publishing.commands import invoke


@pytest.fixture
def index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "local-index"
    monkeypatch.setenv("DISTKIT_INDEX_DIR", str(folder))
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    yield folder
    invoke("index", "stop")


def test_index_start_is_reused_and_stop_stops_it(index_dir: Path) -> None:
    assert invoke("index", "status") == (0, "not running\n")
    code, out = invoke("index", "start")
    assert code == 0, out
    assert "local index at http://127.0.0.1:" in out
    code, again = invoke("index", "start")
    assert again == out
    code, url = invoke("index", "url")
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/simple/\n")
    assert invoke("index", "stop") == (0, "stopped\n")
    assert invoke("index", "status") == (0, "not running\n")
    code, out = invoke("index", "url")
    assert code == 1
    assert "not running" in out


@pytest.mark.slow
def test_publish_local_uploads_and_installs_back(package: Path, index_dir: Path) -> None:
    code, out = invoke("publish", str(package), "--local", "--no-tests")
    assert code == 0, out
    assert "no credentials needed: the local index takes uploads without authentication" in out
    assert "installed distkit-fixture==0.1.0 back" in out
    held = sorted(p.name for p in (index_dir / "packages").iterdir())
    assert held == ["distkit_fixture-0.1.0-py3-none-any.whl", "distkit_fixture-0.1.0.tar.gz"]
