"""Fixtures for the package-lifecycle tests: a hermetic git and cookiecutter, a template at two
versions, and helpers to run git in a package."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from distkit.scaffold.families import template_dir

# The user of these tests has never configured git: distkit must commit all the same.
AUTHOR = ["-c", "user.name=Test User", "-c", "user.email=test@example.org"]
V2_TOX = "\n[testenv:types]\ndescription = added by the template's second version\n"
V2_README_LINE = "A line the template's second version added under the title.\n"


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user git config (so no identity), no ~/.cookiecutterrc, replay files in tmp_path."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(variable, raising=False)
    config = tmp_path / "cookiecutterrc"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'cookiecutters'}\n"
        f"replay_dir: {tmp_path / 'replay'}\n"
        "default_context: {}\n"
    )
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` as the test's user; return its stdout."""
    result = subprocess.run(
        ["git", *AUTHOR, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return result.stdout


def status(cwd: Path) -> str:
    return git(cwd, "status", "--porcelain")


@dataclass
class TwoVersions:
    """A git repository holding a copy of the built-in template: commit v1, then v2, which
    adds a tox environment and a README line. `checkout(...)` moves its work tree."""

    path: Path
    v1: str
    v2: str

    def checkout(self, commit: str) -> Path:
        git(self.path, "checkout", "--quiet", commit)
        return self.path


@pytest.fixture
def two_versions(tmp_path: Path) -> TwoVersions:
    path = tmp_path / "template-repo"
    shutil.copytree(template_dir(), path, ignore=shutil.ignore_patterns("__pycache__"))
    git(path, "init", "--quiet", "--initial-branch=main")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "v1")
    v1 = git(path, "rev-parse", "HEAD").strip()
    project = path / "{{cookiecutter.project_slug}}"
    with (project / "tox.ini").open("a") as tox:
        tox.write(V2_TOX)
    readme = project / "README.md"
    text = readme.read_text()
    title_end = text.index("\n", text.index("\n# ")) + 1
    readme.write_text(f"{text[:title_end]}\n{V2_README_LINE}{text[title_end:]}")
    git(path, "commit", "--quiet", "-am", "v2")
    v2 = git(path, "rev-parse", "HEAD").strip()
    return TwoVersions(path, v1, v2)
