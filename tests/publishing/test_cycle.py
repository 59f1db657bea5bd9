"""End to end: test, build, publish to a real local pypiserver, verify, refuse a second upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli

pytestmark = pytest.mark.slow


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_test_build_publish_verify_then_refuse_the_same_version(
    package: Path, pypiserver, secret_env: str
) -> None:
    code, out = invoke("test", str(package))
    assert code == 0, out
    assert "1/1 envs passed" in out

    code, out = invoke("build", str(package))
    assert code == 0, out
    assert "distkit_fixture-0.1.0-py3-none-any.whl" in out
    assert "twine check --strict: passed" in out

    code, out = invoke("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert code == 0, out
    assert "credentials from TWINE_PASSWORD environment variable" in out
    assert "installed distkit-fixture==0.1.0 back; entry point fixture = distkit_fixture" in out
    assert sorted(p.name for p in pypiserver.packages.iterdir()) == [
        "distkit_fixture-0.1.0-py3-none-any.whl",
        "distkit_fixture-0.1.0.tar.gz",
    ]
    assert secret_env not in out

    code, out = invoke("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert code == 1
    assert "FAIL distkit-fixture 0.1.0 is already on" in out
    assert "Uploading" not in out
    assert secret_env not in out
