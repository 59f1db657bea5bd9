"""`distkit update` (and `new --force`) as an attacker and an impatient user see them, as real
processes: a file git does not track is never written over, a FIFO, /dev/zero or deeply nested
JSON as the answers file is one line (no hang, no traceback), and SIGTERM in the middle of an
update leaves no temporary folder and the repository as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.test_templates_trust import (
    SLOW_HOOK,
    TIMEOUT,
    assert_one_line,
    assert_stopped,
    distkit,
    end_hook,
    environment,
    git,
    make_template,
    stop,
    wait_for,
)

ANSWERS = ".distkit-answers.json"


def package_from(tmp_path: Path, template: Path, env: dict[str, str]) -> Path:
    out = tmp_path / "out"
    code, stdout, err = distkit(
        env, "new", "--template", str(template), "--no-input", "-o", str(out)
    )
    assert code == 0, stdout + err
    return out / "lab"


def test_update_never_writes_over_an_ignored_file(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t", {".gitignore": ".env\n", "README.md": "# Lab\n"})
    env = environment(tmp_path)
    package = package_from(tmp_path, template, env)
    (package / ".env").write_text("API_TOKEN=the-users-own\n")
    head = git(package, "rev-parse", "HEAD")
    project = template / "{{cookiecutter.project_slug}}"
    (project / ".env").write_text("API_TOKEN=changeme\n")
    (project / "README.md").write_text("# Lab\n\nv2\n")
    git(template, "add", "--all", "--force")
    git(template, "commit", "--quiet", "-m", "v2 ships a .env")

    code, _, err = distkit(env, "update", str(package))
    assert_one_line(code, err)
    assert ".env" in err
    assert "git does not track" in err
    assert (package / ".env").read_text() == "API_TOKEN=the-users-own\n"
    assert git(package, "rev-parse", "HEAD") == head
    assert git(package, "status", "--porcelain") == ""
    assert (package / "README.md").read_text() == "# Lab\n"

    code, out, err = distkit(env, "update", str(package), "--skip", ".env")
    assert code == 0, out + err
    assert (package / ".env").read_text() == "API_TOKEN=the-users-own\n"
    assert (package / "README.md").read_text() == "# Lab\n\nv2\n"


@pytest.fixture
def builtin_package(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = environment(tmp_path)
    code, out, err = distkit(env, "new", "poisson", "--no-input", "-o", str(tmp_path / "out"))
    assert code == 0, out + err
    return tmp_path / "out" / "distkit-poisson", env


def commands(package: Path) -> list[list[str]]:
    return [
        ["update", str(package)],
        ["update", str(package), "--check"],
        ["update", str(package), "--diff"],
        ["new", "poisson", "--no-input", "--force", "-o", str(package.parent)],
    ]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_an_answers_file_that_is_not_a_regular_file_is_one_line(
    builtin_package: tuple[Path, dict[str, str]], kind: str
) -> None:
    package, env = builtin_package
    (package / ANSWERS).unlink()
    if kind == "fifo":
        os.mkfifo(package / ANSWERS)
    else:
        (package / ANSWERS).symlink_to("/dev/zero")
    for args in commands(package):
        code, _, err = distkit(env, *args)
        assert_one_line(code, err, expected_code=2)
        assert "not a regular file" in err or "distkit did not make it" in err, err
    assert (package / "pyproject.toml").is_file()  # new --force replaced nothing


def test_a_deeply_nested_answers_file_is_one_line(
    builtin_package: tuple[Path, dict[str, str]],
) -> None:
    package, env = builtin_package
    deep = '{"template": "builtin", "version": "1", "context": ' + "[" * 200_000
    (package / ANSWERS).write_text(deep + "]" * 200_000 + "}")
    git(package, "commit", "--quiet", "-am", "a hostile record")
    for args in commands(package):
        code, _, err = distkit(env, *args)
        assert_one_line(code, err, expected_code=2)
    assert (package / "pyproject.toml").is_file()


@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_a_stop_during_update_leaves_no_folder_and_the_repository_as_it_was(
    tmp_path: Path, how: str
) -> None:
    template = make_template(tmp_path / "t", {"README.md": "# Lab\n"}, hook=SLOW_HOOK)
    env = environment(tmp_path)
    package = package_from(tmp_path, template, env)
    (template / "{{cookiecutter.project_slug}}" / "NEWS.md").write_text("v2\n")
    git(template, "add", "--all")
    git(template, "commit", "--quiet", "-m", "v2")
    before = {ref: git(package, "rev-parse", ref) for ref in ("HEAD", "distkit-template")}
    assert list((tmp_path / "tmp").iterdir()) == []

    marker = tmp_path / "hook-ran"
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "update", str(package)],
        env={**env, "DISTKIT_TEST_HOOK_MARKER": str(marker)},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for(marker, process)
    stop(process, how)
    try:
        process.wait(timeout=TIMEOUT)
    finally:
        hook_ended = end_hook(marker)
    _, err = process.communicate(timeout=TIMEOUT)
    assert_stopped(process, how, err)
    assert hook_ended, "the template's hook ran on after distkit was stopped"
    assert list((tmp_path / "tmp").iterdir()) == []
    assert {ref: git(package, "rev-parse", ref) for ref in before} == before
    assert git(package, "status", "--porcelain") == ""
    assert not (package / "NEWS.md").exists()
    record = json.loads((package / ANSWERS).read_text())
    assert record["template"] == str(template)
