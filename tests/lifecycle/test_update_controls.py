"""`distkit update`'s controls: `--diff` shows what would change and changes nothing, `--skip`
keeps paths the template must never touch (and records them), `--to` picks the template's
version, and a file the user deleted stays deleted."""

from __future__ import annotations

from pathlib import Path

from distkit.scaffold.answers import read_answers
from tests.lifecycle.conftest import V2_README_LINE, V2_TOX, TwoVersions, git, status
from tests.lifecycle.test_update import BuiltinAt, builtin, distkit, new_package

__all__ = ["builtin"]  # the fixture, imported so that these tests can use it


def snapshot(package: Path) -> dict[str, object]:
    """Everything an update could change: refs, index and work tree."""
    files = {
        p.relative_to(package).as_posix(): p.read_bytes()
        for p in package.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(package).parts
    }
    refs = git(package, "for-each-ref", "--format=%(refname) %(objectname)")
    return {
        "files": files,
        "refs": refs,
        "status": status(package),
        "head": git(package, "rev-parse", "HEAD"),
    }


def test_diff_shows_the_templates_change_and_changes_nothing(
    tmp_path: Path, builtin: BuiltinAt
) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    builtin.version("2.0")
    before = snapshot(package)
    code, out, err = distkit("update", str(package), "--diff")
    assert code == 0, out + err
    assert "+[testenv:types]" in out
    assert f"+{V2_README_LINE.strip()}" in out
    assert "An update is available: 1.0 -> 2.0" in out
    assert snapshot(package) == before


def test_diff_names_the_files_that_would_clash(tmp_path: Path, builtin: BuiltinAt) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    with (package / "tox.ini").open("a") as tox:
        tox.write("\n[testenv:mine]\ndescription = the author's own environment\n")
    git(package, "commit", "--quiet", "-am", "my tox env")
    builtin.version("2.0")
    before = snapshot(package)
    code, out, err = distkit("update", str(package), "--diff")
    assert code == 0, out + err
    assert "Would clash with your edits (conflict markers to resolve): tox.ini" in out
    assert "+<<<<<<<" in out
    assert f"+{V2_README_LINE.strip()}" in out
    assert snapshot(package) == before


def test_diff_when_current_says_so(tmp_path: Path) -> None:
    package = new_package(tmp_path)
    code, out, _ = distkit("update", str(package), "--diff")
    assert code == 0
    assert out.startswith("Up to date")


def test_skip_keeps_a_path_and_is_recorded(tmp_path: Path, builtin: BuiltinAt) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    tox_before = (package / "tox.ini").read_text()
    builtin.version("2.0")
    code, out, err = distkit("update", str(package), "--skip", "tox.ini")
    assert code == 0, out + err
    assert "Skipped (--skip): tox.ini" in out
    assert (package / "tox.ini").read_text() == tox_before
    assert V2_README_LINE in (package / "README.md").read_text()
    assert read_answers(package).skip == ["tox.ini"]
    assert status(package) == ""
    assert distkit("update", str(package), "--check")[0] == 0


def test_skip_takes_a_folder(tmp_path: Path, builtin: BuiltinAt) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    builtin.version("2.0")
    code, out, err = distkit("update", str(package), "--skip", "./", "--skip", "src")
    assert code == 2  # "./" is no path inside the package
    code, out, err = distkit("update", str(package), "--skip", "README.md/")
    assert code == 0, out + err
    assert V2_README_LINE not in (package / "README.md").read_text()
    assert read_answers(package).skip == ["README.md"]


def test_skip_outside_the_package_or_of_the_record_is_refused(tmp_path: Path) -> None:
    package = new_package(tmp_path)
    for path in ("../elsewhere", "/etc/passwd", ".distkit-answers.json"):
        code, _, err = distkit("update", str(package), "--skip", path)
        assert code == 2, (path, err)
        assert len(err.strip().splitlines()) == 1


def test_a_file_the_user_deleted_stays_deleted(tmp_path: Path, builtin: BuiltinAt) -> None:
    builtin.version("1.0")
    package = new_package(tmp_path)
    git(package, "rm", "--quiet", "tox.ini")
    git(package, "commit", "--quiet", "-m", "no tox here")
    builtin.version("2.0")
    code, out, err = distkit("update", str(package))
    assert code == 0, out + err
    assert "Kept deleted (you deleted it; the template changed it): tox.ini" in out
    assert not (package / "tox.ini").exists()
    assert V2_README_LINE in (package / "README.md").read_text()
    assert status(package) == ""
    assert distkit("update", str(package), "--check")[0] == 0


def test_to_picks_the_templates_version(tmp_path: Path, two_versions: TwoVersions) -> None:
    repo = two_versions.checkout(two_versions.v1)
    git(repo, "branch", "--force", "main", two_versions.v1)
    git(repo, "checkout", "--quiet", "main")
    code, out, err = distkit(
        "new", "poisson", "--template", str(repo), "-o", str(tmp_path / "out"), "--no-input"
    )
    assert code == 0, out + err
    package = tmp_path / "out" / "distkit-poisson"
    git(repo, "reset", "--quiet", "--hard", two_versions.v2)
    git(repo, "tag", "v2")
    (repo / "{{cookiecutter.project_slug}}" / "NEWS.md").write_text("v3\n")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "v3")

    code, out, err = distkit("update", str(package), "--to", "v2")
    assert code == 0, out + err
    assert read_answers(package).version == two_versions.v2
    assert (package / "tox.ini").read_text().endswith(V2_TOX)
    assert not (package / "NEWS.md").exists()
    assert distkit("update", str(package), "--check")[0] == 1  # v3 is newer

    code, out, err = distkit("update", str(package), "--to", "no-such-tag")
    assert code == 1
    assert "no commit, tag or branch 'no-such-tag'" in err
    assert read_answers(package).version == two_versions.v2


def test_to_is_refused_for_the_builtin_template(tmp_path: Path) -> None:
    package = new_package(tmp_path)
    code, _, err = distkit("update", str(package), "--to", "v1")
    assert code == 2
    assert "--to picks a version of a git template" in err


def test_an_update_that_only_touches_held_files_is_no_update(
    tmp_path: Path, builtin: BuiltinAt
) -> None:
    """v2 changes tox.ini and README.md only: with the one deleted and the other skipped,
    there is nothing to apply, and --check does not report drift."""
    builtin.version("1.0")
    package = new_package(tmp_path)
    git(package, "rm", "--quiet", "tox.ini")
    git(package, "commit", "--quiet", "-m", "no tox here")
    assert distkit("update", str(package), "--skip", "README.md")[0] == 0  # records the skip
    head = git(package, "rev-parse", "HEAD")
    builtin.version("2.0")
    code, out, _ = distkit("update", str(package), "--check")
    assert code == 0, out
    assert "Up to date" in out
    code, out, err = distkit("update", str(package))
    assert code == 0, out + err
    assert git(package, "rev-parse", "HEAD") == head
    assert V2_README_LINE not in (package / "README.md").read_text()
