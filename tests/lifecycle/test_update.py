"""`distkit update`: the template's newer version is merged into a package, the user's edits
are kept, clashes are left as conflict markers, and `--check` tells whether there is one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.scaffold import context, rendering
from distkit.scaffold import update as updating
from distkit.scaffold.answers import ANSWERS_FILE, read_answers
from tests.lifecycle.conftest import V2_README_LINE, V2_TOX, TwoVersions, git, status

USER_METHOD = "\n    def user_method(self):\n        return 'kept'\n"
USER_README = "\n## Notes by the author\n\nThis paragraph was written by hand.\n"


class BuiltinAt:
    """Stands the built-in template and distkit's version at one of the fixture's versions."""

    def __init__(self, two_versions: TwoVersions, monkeypatch: pytest.MonkeyPatch) -> None:
        self.two_versions = two_versions
        self.monkeypatch = monkeypatch
        for module in (context, rendering):
            monkeypatch.setattr(module, "template_dir", lambda: two_versions.path)

    def version(self, label: str) -> None:
        commit = self.two_versions.v1 if label == "1.0" else self.two_versions.v2
        self.two_versions.checkout(commit)
        for module in (rendering, updating):
            self.monkeypatch.setattr(module, "__version__", label)


@pytest.fixture
def builtin(two_versions: TwoVersions, monkeypatch: pytest.MonkeyPatch) -> BuiltinAt:
    return BuiltinAt(two_versions, monkeypatch)


def distkit(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def new_package(tmp_path: Path, *extra: str) -> Path:
    code, out, err = distkit("new", "poisson", "-o", str(tmp_path / "out"), "--no-input", *extra)
    assert code == 0, out + err
    return tmp_path / "out" / "distkit-poisson"


def edit_by_hand(package: Path, *, commit: bool = True) -> None:
    module = package / "src/distkit_poisson/poisson.py"
    module.write_text(module.read_text() + USER_METHOD)
    with (package / "README.md").open("a") as readme:
        readme.write(USER_README)
    if commit:
        git(package, "commit", "--quiet", "-am", "my edits")


def test_new_makes_a_repository_whose_first_commit_is_the_template_branch(tmp_path: Path) -> None:
    package = new_package(tmp_path)
    assert status(package) == ""
    assert git(package, "rev-parse", "HEAD") == git(package, "rev-parse", "distkit-template")
    assert git(package, "log", "--format=%an").strip() == "Your Name"


def test_no_git_leaves_the_package_without_a_repository(tmp_path: Path) -> None:
    package = new_package(tmp_path, "--no-git")
    assert not (package / ".git").exists()


def test_a_package_inside_a_repository_is_not_committed(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    package = new_package(tmp_path)
    assert not (package / ".git").exists()
    assert git(tmp_path, "rev-list", "--all") == ""


def test_update_keeps_the_users_edits_and_brings_the_templates(
    tmp_path: Path, builtin: BuiltinAt
) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    edit_by_hand(package)
    assert distkit("update", str(package), "--check")[0] == 0

    builtin.version("2.0")
    code, out, _ = distkit("update", str(package), "--check")
    assert code == 1
    assert "1.0 -> 2.0" in out
    assert status(package) == ""

    code, out, err = distkit("update", str(package))
    assert code == 0, out + err
    assert (package / "tox.ini").read_text().endswith(V2_TOX)
    readme = (package / "README.md").read_text()
    assert V2_README_LINE in readme
    assert readme.endswith(USER_README)
    assert (package / "src/distkit_poisson/poisson.py").read_text().endswith(USER_METHOD)
    assert read_answers(package).version == "2.0"
    assert status(package) == ""
    assert "Update from the template distkit 2.0" in git(package, "log", "-1", "--format=%s")
    assert distkit("update", str(package), "--check")[0] == 0


def test_a_clash_leaves_conflict_markers_and_one_line(tmp_path: Path, builtin: BuiltinAt) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    with (package / "tox.ini").open("a") as tox:
        tox.write("\n[testenv:mine]\ndescription = the author's own environment\n")
    git(package, "commit", "--quiet", "-am", "my tox env")

    builtin.version("2.0")
    code, _, err = distkit("update", str(package))
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "tox.ini" in err
    assert "conflict" in err
    tox = (package / "tox.ini").read_text()
    assert "<<<<<<<" in tox
    assert ">>>>>>>" in tox
    assert "[testenv:mine]" in tox
    assert "[testenv:types]" in tox
    assert V2_README_LINE in (package / "README.md").read_text()
    git(package, "cherry-pick", "--abort")
    assert status(package) == ""
    assert "<<<<<<<" not in (package / "tox.ini").read_text()


def test_update_refuses_a_dirty_work_tree_and_changes_nothing(
    tmp_path: Path, builtin: BuiltinAt
) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    (package / "README.md").write_text("uncommitted\n")
    head = git(package, "rev-parse", "HEAD")
    builtin.version("2.0")
    code, _, err = distkit("update", str(package))
    assert code == 1
    assert "uncommitted changes (README.md)" in err
    assert (package / "README.md").read_text() == "uncommitted\n"
    assert git(package, "rev-parse", "HEAD") == head


def test_an_answer_changed_on_the_way_is_rendered_and_recorded(tmp_path: Path) -> None:
    package = new_package(tmp_path)
    code, out, err = distkit("update", str(package), "--answer", "full_name=Ada Lovelace")
    assert code == 0, out + err
    assert "Ada Lovelace" in (package / "LICENSE").read_text()
    assert read_answers(package).context["full_name"] == "Ada Lovelace"
    assert status(package) == ""


def test_an_unknown_answer_is_a_usage_error(tmp_path: Path) -> None:
    package = new_package(tmp_path)
    code, _, err = distkit("update", str(package), "--answer", "colour=blue")
    assert code == 2
    assert "no answer named 'colour'" in err


@pytest.mark.parametrize("answer", ["family=gamma", "project_name=my-poisson", "class_name=P"])
def test_an_answer_the_built_in_package_is_named_or_made_from_is_refused(
    tmp_path: Path, answer: str
) -> None:
    package = new_package(tmp_path)
    head = git(package, "rev-parse", "HEAD")
    code, _, err = distkit("update", str(package), "--answer", answer)
    assert code == 2
    key = answer.partition("=")[0]
    assert err.splitlines() == [
        f"Error: {key} cannot be changed by an update: the package's names and its family's "
        "maths come from it (make a new package with `distkit new`); these can: email, "
        "full_name, license, version, year"
    ]
    assert git(package, "rev-parse", "HEAD") == head


def test_update_outside_a_repository_says_so(tmp_path: Path) -> None:
    package = new_package(tmp_path, "--no-git")
    code, _, err = distkit("update", str(package))
    assert code == 1
    assert "not in a git repository" in err


def test_a_folder_distkit_did_not_make_is_refused(tmp_path: Path) -> None:
    git(tmp_path, "init", "--quiet")
    code, _, err = distkit("update", str(tmp_path))
    assert code == 2
    assert ANSWERS_FILE in err


def test_a_package_in_a_larger_repository_updates_its_own_folder(
    tmp_path: Path, builtin: BuiltinAt
) -> None:
    """Without a template branch, the same version's render is made again as the base."""
    builtin.version("1.0")
    git(tmp_path, "init", "--quiet")
    (tmp_path / "other.txt").write_text("someone else's file\n")
    package = new_package(tmp_path)
    edit_by_hand(package, commit=False)
    git(tmp_path, "add", "--all")
    git(tmp_path, "commit", "--quiet", "-m", "monorepo")
    code, out, err = distkit("update", str(package), "--answer", "email=ada@example.org")
    assert code == 0, out + err
    assert "ada@example.org" in (package / "pyproject.toml").read_text()
    assert (package / "README.md").read_text().endswith(USER_README)
    assert (tmp_path / "other.txt").read_text() == "someone else's file\n"
    assert status(tmp_path) == ""


def test_a_git_template_is_rendered_again_at_its_recorded_commit(
    tmp_path: Path, two_versions: TwoVersions
) -> None:
    two_versions.checkout(two_versions.v1)
    git(two_versions.path, "branch", "--force", "main", two_versions.v1)
    git(two_versions.path, "checkout", "--quiet", "main")
    url = two_versions.path.as_uri()
    code, out, err = distkit(
        "new", "poisson", "--template", url, "-o", str(tmp_path / "out"), "--no-input"
    )
    assert code == 0, out + err
    package = tmp_path / "out" / "distkit-poisson"
    record = json.loads((package / ANSWERS_FILE).read_text())
    assert (record["template"], record["version"]) == (url, two_versions.v1)
    edit_by_hand(package)
    git(package, "branch", "--delete", "--force", "distkit-template")  # base: a fresh render

    git(two_versions.path, "reset", "--quiet", "--hard", two_versions.v2)
    assert distkit("update", str(package), "--check")[0] == 1
    code, out, err = distkit("update", str(package))
    assert code == 0, out + err
    assert (package / "tox.ini").read_text().endswith(V2_TOX)
    assert (package / "README.md").read_text().endswith(USER_README)
    assert read_answers(package).version == two_versions.v2
    assert distkit("update", str(package), "--check")[0] == 0


def test_a_failed_first_commit_leaves_no_repository(tmp_path: Path) -> None:
    """A git that cannot commit (here: it must sign and its signing program fails) leaves the
    package as rendered, without a half-made .git, and says why in one line."""
    git(tmp_path, "config", "--global", "commit.gpgSign", "true")
    git(tmp_path, "config", "--global", "gpg.program", "false")
    code, _, err = distkit("new", "poisson", "-o", str(tmp_path / "out"), "--no-input")
    package = tmp_path / "out" / "distkit-poisson"
    assert (code, len(err.strip().splitlines())) == (1, 1), err
    assert "git commit failed" in err
    assert (package / ".distkit-answers.json").is_file()
    assert not (package / ".git").exists()
