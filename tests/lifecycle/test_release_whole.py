"""`distkit release`, whole (issue 24, item 4; issue 25, items 7 and 12, CRLF): a dry run
that prints every change and touches nothing, every pre-release step, post and dev releases,
release notes, a CRLF CHANGELOG, a package outside the current folder or in a monorepo
subfolder, and an answers file nested too deep."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from distkit.cli import cli
from distkit.errors import UsageError
from distkit.release.version_bump import PARTS, SPECS, next_version, released_section
from distkit.scaffold import create
from distkit.scaffold.update import start_history
from tests.lifecycle.conftest import git, status

ROOT = Path(__file__).resolve().parents[2]
TODAY = datetime.date.today().isoformat()


def distkit(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def distkit_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "distkit", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def note(package: Path, line: str) -> None:
    """Add `line` under Unreleased and commit it."""
    changelog = package / "CHANGELOG.md"
    text = changelog.read_text()
    changelog.write_text(text.replace("## Unreleased\n", f"## Unreleased\n\n- {line}\n", 1))
    git(package, "commit", "--quiet", "-am", f"note {line}")


def version(package: Path) -> str:
    return str(tomllib.loads((package / "pyproject.toml").read_text())["project"]["version"])


@pytest.fixture
def package(tmp_path: Path) -> Path:
    target = create("poisson", tmp_path)
    start_history(target)
    note(target, "Faster pdf.")
    return target


def snapshot(package: Path) -> tuple[bytes, bytes, str, str, str]:
    return (
        (package / "pyproject.toml").read_bytes(),
        (package / "CHANGELOG.md").read_bytes(),
        git(package, "rev-parse", "HEAD"),
        git(package, "tag", "--list"),
        git(package, "status", "--porcelain", "--ignored"),
    )


def test_a_dry_run_prints_every_change_and_touches_nothing(package: Path) -> None:
    before = snapshot(package)
    notes = package.parent / "notes.md"
    code, out, err = distkit("release", "minor", str(package), "--dry-run", "--notes", str(notes))
    assert code == 0, err
    assert snapshot(package) == before
    assert not notes.exists()
    assert "Dry run: would release 0.2.0 (was 0.1.0)" in out
    assert '-version = "0.1.0"\n+version = "0.2.0"\n' in out
    assert f"+## 0.2.0 - {TODAY}\n" in out
    assert "--- a/CHANGELOG.md\n+++ b/CHANGELOG.md\n" in out
    assert "would commit: Release 0.2.0\nwould tag: v0.2.0\n" in out
    assert f"would write {notes}:\n- Faster pdf.\n" in out
    assert out.endswith("Touched nothing.\n")


def test_a_dry_run_refuses_what_the_release_would_refuse(package: Path) -> None:
    git(package, "tag", "v0.1.1")
    code, _, err = distkit("release", "patch", str(package), "--dry-run")
    assert code == 1
    assert "the tag v0.1.1 exists already" in err


# Every pre-release step, in order, as docs/lifecycle.md's table shows them.
STEPS = [
    (["minor", "--pre", "rc"], "0.2.0rc1"),
    (["rc"], "0.2.0rc2"),
    ([], "0.2.0"),
    (["patch", "--pre", "a"], "0.2.1a1"),
    (["a"], "0.2.1a2"),
    (["b"], "0.2.1b1"),
    (["rc"], "0.2.1rc1"),
    (["final"], "0.2.1"),
    (["post"], "0.2.1.post1"),
    (["post"], "0.2.1.post2"),
    (["dev"], "0.2.2.dev1"),
    (["dev"], "0.2.2.dev2"),
    ([], "0.2.2"),
    (["major", "--pre", "b"], "1.0.0b1"),
    (["major"], "1.0.0"),
]


def test_every_pre_release_step_in_turn(package: Path) -> None:
    for number, (args, expected) in enumerate(STEPS):
        code, out, err = distkit("release", *args[:1], str(package), *args[1:])
        assert code == 0, (args, err)
        assert f"Released {expected} (was " in out
        assert version(package) == expected
        assert git(package, "describe", "--tags", "--exact-match").strip() == f"v{expected}"
        assert f"## {expected} - {TODAY}" in (package / "CHANGELOG.md").read_text()
        note(package, f"change {number}")
    assert status(package) == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rc"], "0.1.0 is not a pre-release: start one with `release minor --pre rc`"),
        ([], "0.1.0 is a final release: say what to bump"),
        (["dev", "--pre", "rc"], "--pre starts a pre-release of a part"),
        (["sideways"], "'sideways' is neither major, minor, patch"),
    ],
)
def test_steps_that_make_no_sense_are_one_line(
    package: Path, args: list[str], message: str
) -> None:
    before = snapshot(package)
    code, _, err = distkit("release", *args[:1], str(package), *args[1:])
    assert code == 2
    assert err.count("\n") == 1
    assert message in err
    assert snapshot(package) == before


def test_a_later_pre_release_kind_cannot_go_back(package: Path) -> None:
    assert distkit("release", "minor", str(package), "--pre", "rc")[0] == 0
    code, _, err = distkit("release", "b", str(package))
    assert code == 2
    assert "0.2.0rc1 is past the b stage" in err


def test_notes_hold_the_released_section_and_never_overwrite(package: Path) -> None:
    notes = package.parent / "notes.md"
    code, out, err = distkit("release", "patch", str(package), "--notes", str(notes))
    assert code == 0, err
    assert notes.read_text() == "- Faster pdf.\n"
    assert f"Release notes in {notes}" in out
    note(package, "Another change.")
    code, _, err = distkit("release", "patch", str(package), "--notes", str(notes))
    assert code == 2
    assert f"{notes} exists" in err
    assert notes.read_text() == "- Faster pdf.\n"
    assert version(package) == "0.1.1"


def test_a_final_release_s_notes_gather_its_pre_releases(package: Path) -> None:
    assert distkit("release", "minor", str(package), "--pre", "rc")[0] == 0
    note(package, "Second.")
    assert distkit("release", "rc", str(package))[0] == 0
    note(package, "Third.")
    notes = package.parent / "notes.md"
    code, _, err = distkit("release", "final", str(package), "--notes", str(notes))
    assert code == 0, err
    assert notes.read_text() == (
        "- Third.\n\n**0.2.0rc2**\n\n- Second.\n\n**0.2.0rc1**\n\n- Faster pdf.\n"
    )


def test_notes_keep_subsections_and_stop_at_the_next_version() -> None:
    changelog = (
        "# Changelog\r\n\r\n## Unreleased\r\n\r\n## 1.0.0 - 2026-12-01\r\n\r\n"
        "### Added\r\n\r\n- A thing.\r\n\r\n### Fixed\r\n\r\n- A bug.\r\n\r\n"
        "## 0.9.0 - 2026-11-01\r\n\r\n- Old.\r\n"
    )
    assert released_section(changelog, "1.0.0") == (
        "### Added\n\n- A thing.\n\n### Fixed\n\n- A bug.\n"
    )
    assert released_section(changelog, "0.9.0") == "- Old.\n"


def test_a_crlf_changelog_is_released_and_keeps_its_line_endings(package: Path) -> None:
    changelog = package / "CHANGELOG.md"
    changelog.write_bytes(changelog.read_bytes().replace(b"\n", b"\r\n"))
    git(package, "commit", "--quiet", "-am", "CRLF")
    code, _, err = distkit("release", "patch", str(package))
    assert code == 0, err
    data = changelog.read_bytes()
    assert b"## Unreleased\r\n\r\n## 0.1.1 - " in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert git(package, "tag", "--list") == "v0.1.1\n"


def test_release_of_a_package_given_from_another_folder(package: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    relative = os.path.relpath(package, elsewhere)
    result = distkit_process("release", "patch", relative, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "Released 0.1.1 (was 0.1.0)" in result.stdout
    assert git(package, "tag", "--list") == "v0.1.1\n"
    assert status(package) == ""


def test_release_of_a_package_in_a_monorepo_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "mono"
    (repo / "packages").mkdir(parents=True)
    package = create("poisson", repo / "packages")
    git(repo, "init", "--quiet")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "first")
    note(package, "In a monorepo.")
    result = distkit_process("release", "minor", "distkit-poisson", cwd=repo / "packages")
    assert result.returncode == 0, result.stderr
    assert version(package) == "0.2.0"
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert changed == [
        "packages/distkit-poisson/CHANGELOG.md",
        "packages/distkit-poisson/pyproject.toml",
    ]
    inside = distkit_process("release", "patch", ".", cwd=package / "src")
    assert inside.returncode == 2  # src/ holds no pyproject.toml: one line, nothing changed
    assert "Traceback" not in inside.stderr
    assert len(inside.stderr.strip().splitlines()) == 1
    assert status(repo) == ""


def test_an_answers_file_nested_too_deep_is_no_traceback(package: Path) -> None:
    (package / ".distkit-answers.json").write_text("[" * 100_000 + "]" * 100_000)
    git(package, "commit", "--quiet", "-am", "nest the answers")
    result = distkit_process("release", "patch", str(package), cwd=package.parent)
    assert "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert git(package, "log", "-1", "--format=%an <%ae>").strip() == "distkit <distkit@localhost>"


def test_a_rerun_finishes_an_untagged_release_commit(package: Path) -> None:
    """A release killed outright between commit and tag (SIGKILL, power loss) is finished
    by the next run: tagged, not bumped again."""
    pyproject = package / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.1.1"'))
    git(package, "commit", "--quiet", "-am", "Release 0.1.1")
    head = git(package, "rev-parse", "HEAD")
    code, out, err = distkit("release", "patch", str(package))
    assert code == 0, err
    assert f"Finished the release of 0.1.1 left untagged: tag v0.1.1 on commit {head[:10]}" in out
    assert version(package) == "0.1.1"
    assert git(package, "rev-parse", "HEAD") == head
    assert git(package, "rev-parse", "v0.1.1^{commit}") == head
    assert status(package) == ""
    code, out, _ = distkit("release", "patch", str(package))
    assert "Released 0.1.2 (was 0.1.1)" in out


VERSIONS = st.builds(
    lambda release, pre, post, dev: Version(
        ".".join(map(str, release))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
    ),
    st.lists(st.integers(0, 20), min_size=1, max_size=3),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 5)),
    st.none() | st.integers(0, 5),
    st.none() | st.integers(0, 5),
)
STEP_SPECS = st.sampled_from([*SPECS, None]) | st.tuples(
    st.sampled_from(PARTS), st.sampled_from(["a", "b", "rc"])
)


@given(VERSIONS, STEP_SPECS)
def test_every_step_goes_up_or_is_refused_in_one_sentence(
    current: Version, step: str | tuple[str, str] | None
) -> None:
    spec, pre = step if isinstance(step, tuple) else (step, None)
    try:
        after = next_version(str(current), spec, pre)
    except UsageError as refused:
        message = str(refused)
    else:
        message = ""
        assert Version(after) > current
        assert Version(after).local is None
    assert "\n" not in message


def test_the_docs_table_shows_exactly_these_steps() -> None:
    text = (ROOT / "docs" / "lifecycle.md").read_text()
    table = text[text.index("| command | from | to |") :].split("\n\n", 1)[0].splitlines()[2:]
    rows = [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in table]
    previous = "0.1.0"
    for (args, expected), (command, before, after) in zip(STEPS, rows, strict=True):
        shown = command.replace("`", "").split(" (")[0].removeprefix("distkit release").split()
        assert shown == args
        assert (before, after) == (previous, expected)
        previous = expected
