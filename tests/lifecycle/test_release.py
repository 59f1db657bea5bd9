"""`distkit release`: bump, date the CHANGELOG, commit and tag; refuse a dirty tree."""

from __future__ import annotations

import datetime
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.scaffold import create
from distkit.scaffold.update import start_history
from tests.lifecycle.conftest import git, status


def distkit(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A rendered package with a git history and one change noted under Unreleased."""
    target = create("poisson", tmp_path)
    start_history(target)
    changelog = target / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace("## Unreleased\n", "## Unreleased\n\n- Faster pdf.\n")
    )
    git(target, "commit", "--quiet", "-am", "note a change")
    return target


def test_release_patch_bumps_dates_commits_and_tags(package: Path) -> None:
    code, out, err = distkit("release", "patch", str(package))
    assert code == 0, out + err
    assert "Released 0.1.1 (was 0.1.0)" in out
    assert f"distkit publish {package}" in out
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    assert project["version"] == "0.1.1"
    today = datetime.date.today().isoformat()
    changelog = (package / "CHANGELOG.md").read_text()
    assert f"## Unreleased\n\n## 0.1.1 - {today}\n\n- Faster pdf.\n\n## 0.1.0\n" in changelog
    assert git(package, "tag", "--list") == "v0.1.1\n"
    assert git(package, "rev-parse", "v0.1.1^{commit}") == git(package, "rev-parse", "HEAD")
    assert git(package, "log", "-1", "--format=%s") == "Release 0.1.1\n"
    assert status(package) == ""


def test_only_the_version_line_of_pyproject_changes(package: Path) -> None:
    before = (package / "pyproject.toml").read_text()
    assert distkit("release", "minor", str(package))[0] == 0
    diff = git(package, "diff", "HEAD~1", "--unified=0", "--", "pyproject.toml")
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ['-version = "0.1.0"', '+version = "0.2.0"']
    assert (package / "pyproject.toml").read_text() == before.replace('"0.1.0"', '"0.2.0"', 1)


def test_a_pre_release_and_then_its_final_release(package: Path) -> None:
    assert distkit("release", "0.2.0rc1", str(package))[0] == 0
    code, out, _ = distkit("release", "patch", str(package))
    assert code == 0
    assert "Released 0.2.0 (was 0.2.0rc1)" in out
    assert git(package, "tag", "--list").split() == ["v0.2.0", "v0.2.0rc1"]


def test_a_dirty_tree_is_refused_and_nothing_changes(package: Path) -> None:
    (package / "README.md").write_text("half-written\n")
    pyproject = (package / "pyproject.toml").read_bytes()
    changelog = (package / "CHANGELOG.md").read_bytes()
    head = git(package, "rev-parse", "HEAD")
    code, _, err = distkit("release", "patch", str(package))
    assert code == 1
    assert err.strip().splitlines() == [
        "Error: cannot release: the work tree has uncommitted changes (README.md)"
    ]
    assert (package / "pyproject.toml").read_bytes() == pyproject
    assert (package / "CHANGELOG.md").read_bytes() == changelog
    assert git(package, "rev-parse", "HEAD") == head
    assert git(package, "tag", "--list") == ""


def test_an_existing_tag_is_refused(package: Path) -> None:
    git(package, "tag", "v0.1.1")
    code, _, err = distkit("release", "patch", str(package))
    assert code == 1
    assert "the tag v0.1.1 exists already" in err
    assert status(package) == ""


def test_a_version_below_the_current_one_is_a_usage_error(package: Path) -> None:
    code, _, err = distkit("release", "0.0.9", str(package))
    assert code == 2
    assert "not above the current version 0.1.0" in err


def test_outside_a_repository_release_says_so(tmp_path: Path) -> None:
    target = create("poisson", tmp_path)
    code, _, err = distkit("release", "patch", str(target))
    assert code == 1
    assert "not in a git repository" in err


@pytest.mark.slow
def test_the_built_wheel_carries_the_released_version(package: Path, tmp_path: Path) -> None:
    assert distkit("release", "patch", str(package))[0] == 0
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(package)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    assert wheel.name == "distkit_poisson-0.1.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read("distkit_poisson-0.1.1.dist-info/METADATA").decode()
    assert "\nVersion: 0.1.1\n" in metadata


def test_publish_runs_distkit_publish_on_the_released_package(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    from distkit.commands import publish as publish_module

    calls: list[dict[str, object]] = []

    @click.command()
    @click.argument("path")
    @click.option("--local", is_flag=True)
    def recording_publish(**params: object) -> None:
        calls.append(params)

    monkeypatch.setattr(publish_module, "publish", recording_publish)
    code, out, err = distkit("release", "patch", str(package), "--publish")
    assert code == 0, out + err
    assert calls == [{"path": package, "local": False}]
    assert "Next:" not in out


def test_a_commit_that_fails_puts_both_files_back(package: Path) -> None:
    hook = package / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'the hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    pyproject = (package / "pyproject.toml").read_bytes()
    changelog = (package / "CHANGELOG.md").read_bytes()
    code, _, err = distkit("release", "patch", str(package))
    assert code == 1
    assert "git commit failed: the hook says no" in err
    assert (package / "pyproject.toml").read_bytes() == pyproject
    assert (package / "CHANGELOG.md").read_bytes() == changelog
    assert status(package) == ""
    assert git(package, "tag", "--list") == ""
