"""`distkit test` summarises exactly the tox environments that ran."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from distkit.release.tox import tox_environment
from tests.publishing.commands import invoke

pytestmark = pytest.mark.slow

SUMMARY_LINE = re.compile(r"^  (\S+) +(?:passed|FAILED|skipped) +[0-9.]+ s$", re.MULTILINE)
LINT_ENV = """
[testenv:lint]
skip_install = true
commands = python -c "print('lint ok')"
"""
MISSING_PYTHON_ENV = """
[testenv:old]
basepython = python3.99
skip_install = true
commands = python -c "print('never')"
"""


def add_env(package: Path, section: str) -> None:
    tox_ini = package / "tox.ini"
    tox_ini.write_text(tox_ini.read_text() + section)


def summary_names(out: str) -> list[str]:
    return SUMMARY_LINE.findall(out)


def test_envs_tox_did_not_run_are_left_out_of_the_summary(package: Path) -> None:
    add_env(package, LINT_ENV)
    code, out = invoke("test", str(package), "--", "-e", "lint")
    assert code == 0, out
    assert "1/1 envs passed" in out
    assert summary_names(out) == ["lint"]


def test_an_env_tox_skipped_is_shown_as_skipped_and_does_not_fail(package: Path) -> None:
    add_env(package, LINT_ENV + MISSING_PYTHON_ENV)
    code, out = invoke(
        "test", str(package), "--", "-e", "lint,old", "--skip-missing-interpreters", "true"
    )
    assert code == 0, out
    assert "  old          skipped" in out
    assert "1/1 envs passed (1 skipped)" in out


def test_tox_runs_never_download_a_missing_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS", raising=False)
    assert tox_environment()["UV_PYTHON_DOWNLOADS"] == "never"
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "automatic")
    assert tox_environment()["UV_PYTHON_DOWNLOADS"] == "automatic"


def test_tox_that_runs_no_environment_is_not_reported_as_failed_tests(package: Path) -> None:
    code, out = invoke("test", str(package), "--", "-e", "no-such-env")
    assert code == 1
    assert "tox ran no environment (it exited with" in out
    assert "tests failed" not in out
