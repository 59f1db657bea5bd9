"""distkit.git's own shortcuts checked against git itself: finding an enclosing work tree
without starting git, the first commit's committer, and the branch written beside HEAD."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from distkit import git
from distkit.scaffold import rendering


@pytest.fixture(autouse=True)
def no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user who never configured git; the returned file is their global config."""
    config = tmp_path / "gitconfig"
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    identity = [
        f"GIT_{role}_{field}" for role in ("AUTHOR", "COMMITTER") for field in ("NAME", "EMAIL")
    ]
    for variable in ["GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "EMAIL", *identity]:
        monkeypatch.delenv(variable, raising=False)
    return config


def plain_git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return result.stdout.strip()


def git_sees_a_work_tree(path: Path) -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=path, capture_output=True, check=False
    )
    return result.returncode == 0


def test_a_folder_in_no_repository(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    assert git.inside_work_tree(folder) is git_sees_a_work_tree(folder) is False


def test_a_folder_below_a_repository(tmp_path: Path) -> None:
    plain_git(tmp_path, "init", "--quiet", "repo")
    folder = tmp_path / "repo" / "a" / "b"
    folder.mkdir(parents=True)
    assert git.inside_work_tree(folder) is git_sees_a_work_tree(folder) is True


def test_a_dot_git_file_of_a_linked_work_tree(tmp_path: Path) -> None:
    plain_git(tmp_path, "init", "--quiet", "--separate-git-dir", str(tmp_path / "store"), "wt")
    assert (tmp_path / "wt" / ".git").is_file()
    assert git.inside_work_tree(tmp_path / "wt") is git_sees_a_work_tree(tmp_path / "wt") is True


def test_an_empty_dot_git_folder_is_no_repository(tmp_path: Path) -> None:
    (tmp_path / "fake" / ".git").mkdir(parents=True)
    folder = tmp_path / "fake"
    assert git.inside_work_tree(folder) is git_sees_a_work_tree(folder) is False


def test_git_decides_where_the_environment_changes_its_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain_git(tmp_path, "init", "--quiet", "repo")
    folder = tmp_path / "repo" / "sub"
    folder.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path / "repo"))
    assert git.inside_work_tree(folder) is git_sees_a_work_tree(folder) is False


def author_of_first_commit(package: Path) -> str:
    return plain_git(package, "log", "-1", "--format=%an <%ae>|%cn <%ce>")


def test_first_commit_is_the_packages_author_where_git_names_nobody(tmp_path: Path) -> None:
    package = rendering.create(
        "poisson", tmp_path, {"full_name": "Ada Lovelace", "email": "ada@example.org"}, git=True
    )
    expected = "Ada Lovelace <ada@example.org>"
    assert author_of_first_commit(package) == f"{expected}|{expected}"
    assert plain_git(package, "rev-parse", "HEAD") == plain_git(
        package, "rev-parse", "distkit-template"
    )
    assert plain_git(package, "status", "--porcelain") == ""
    assert json.loads((package / ".distkit-answers.json").read_text())["context"]["email"] == (
        "ada@example.org"
    )


def test_first_commit_keeps_the_identity_git_is_configured_with(
    tmp_path: Path, no_git_identity: Path
) -> None:
    no_git_identity.write_text("[user]\n\tname = Configured Person\n")  # name only, no email
    package = rendering.create(
        "poisson", tmp_path, {"full_name": "Ada Lovelace", "email": "ada@example.org"}, git=True
    )
    expected = "Configured Person <ada@example.org>"
    assert author_of_first_commit(package) == f"{expected}|{expected}"


def test_branch_written_beside_head_is_what_git_branch_makes(tmp_path: Path) -> None:
    package = rendering.create("poisson", tmp_path, {}, git=False)
    git.init_with_first_commit(package, "first", ("A", "a@example.org"), also_branch="side")
    assert plain_git(package, "rev-parse", "side") == plain_git(package, "rev-parse", "HEAD")
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=package, capture_output=True)
    assert fsck.returncode == 0, fsck.stderr
    assert not list((package / ".git").rglob("*.lock"))


def test_branch_beside_head_leaves_packed_refs_to_git(tmp_path: Path) -> None:
    package = rendering.create("poisson", tmp_path, {}, git=False)
    git.init_with_first_commit(package, "first", ("A", "a@example.org"))
    plain_git(package, "pack-refs", "--all")
    before = sorted(p.relative_to(package) for p in (package / ".git" / "refs").rglob("*"))
    assert git._branch_beside_head(package / ".git", "side") is False
    assert sorted(p.relative_to(package) for p in (package / ".git" / "refs").rglob("*")) == before
