"""End to end: new, test, build, publish to a real pypiserver, verify, refuse a second upload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.publishing.commands import invoke

pytestmark = pytest.mark.slow


def test_new_test_build_publish_verify_then_refuse_the_same_version(
    tmp_path: Path, pypiserver, secret_env: str
) -> None:
    code, out = invoke("new", "poisson", "--no-input", "-o", str(tmp_path))
    assert code == 0, out
    package = tmp_path / "distkit-poisson"

    code, out = invoke("test", str(package))
    assert code == 0, out
    assert re.search(r"\b(\d)/\1 envs passed", out), out  # py3.x, lint, type (absent Pythons skip)

    code, out = invoke("build", str(package))
    assert code == 0, out
    assert "distkit_poisson-0.1.0-py3-none-any.whl" in out
    assert "twine check --strict: passed" in out

    code, out = invoke("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert code == 0, out
    assert "credentials from TWINE_PASSWORD environment variable" in out
    assert "installed distkit-poisson==0.1.0 back; sha256 matches this build" in out
    assert "entry point distkit_poisson = distkit_poisson.plugin" in out
    assert sorted(p.name for p in pypiserver.packages.iterdir()) == [
        "distkit_poisson-0.1.0-py3-none-any.whl",
        "distkit_poisson-0.1.0.tar.gz",
    ]
    assert secret_env not in out
    written = [
        p for p in tmp_path.rglob("*") if p.is_file() and secret_env.encode() in p.read_bytes()
    ]
    assert written == []

    code, out = invoke("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert code == 1
    assert "FAIL distkit-poisson 0.1.0 is already on" in out
    assert "Uploading" not in out
    assert secret_env not in out
