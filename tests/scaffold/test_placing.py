"""distkit.scaffold.placing: a built folder goes in whole, once, and nothing is left beside it."""

from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from distkit.errors import TargetBusyError, TargetExistsError
from distkit.scaffold import placing
from distkit.scaffold.answers import Answers, write_answers


def builder(text: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        folder.mkdir()
        (folder / "content.txt").write_text(text)
        write_answers(folder, Answers("builtin", "0", {"text": text}))

    return build


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty folder (tmp_path holds the test's cookiecutter config)."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture(params=["renameat2", "fallback"])
def moves(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs with renameat2 and with the moves used where it is missing."""
    if request.param == "fallback":
        monkeypatch.setattr(placing, "_libc_renameat2", lambda: None)
    elif placing._libc_renameat2() is None:
        pytest.skip("no renameat2 here")
    return str(request.param)


def test_a_free_target_gets_the_folder_and_nothing_else_is_left(work: Path, moves: str) -> None:
    target = placing.place(builder("new"), work / "out" / "pkg")
    assert (target / "content.txt").read_text() == "new"
    assert sorted(p.name for p in (work / "out").iterdir()) == ["pkg"]


def test_force_replaces_a_folder_distkit_made(work: Path, moves: str) -> None:
    target = placing.place(builder("old"), work / "pkg")
    placing.place(builder("new"), target, force=True)
    assert (target / "content.txt").read_text() == "new"
    assert sorted(p.name for p in work.iterdir()) == ["pkg"]


def test_a_failing_build_leaves_the_old_folder_and_no_staging(work: Path, moves: str) -> None:
    target = placing.place(builder("old"), work / "pkg")

    def fail(folder: Path) -> None:
        builder("half")(folder)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        placing.place(fail, target, force=True)
    assert (target / "content.txt").read_text() == "old"
    assert sorted(p.name for p in work.iterdir()) == ["pkg"]


def test_the_old_git_folder_is_named_when_it_goes(work: Path, moves: str) -> None:
    target = placing.place(builder("old"), work / "pkg")
    (target / ".git").mkdir()
    heard: list[str] = []
    placing.place(builder("new"), target, force=True, notify=heard.append)
    assert heard == [f"{target}: the package it replaced was deleted with its .git folder"]
    assert not (target / ".git").exists()


def test_a_held_lock_refuses_a_second_writer(work: Path, moves: str) -> None:
    lock = work / f"{placing.PREFIX}pkg.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(TargetBusyError, match="another distkit new is writing"):
            placing.place(builder("new"), work / "pkg")
    assert not (work / "pkg").exists()


def test_a_stale_lock_file_is_taken_and_removed(work: Path, moves: str) -> None:
    (work / f"{placing.PREFIX}pkg.lock").write_text("")  # left by a killed run
    placing.place(builder("new"), work / "pkg")
    assert sorted(p.name for p in work.iterdir()) == ["pkg"]


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_distkit_did_not_make_is_refused_untouched(work: Path, force: bool) -> None:
    (work / "pkg").mkdir()
    (work / "pkg/notes.txt").write_text("mine")
    with pytest.raises(TargetExistsError, match="distkit did not make it"):
        placing.place(builder("new"), work / "pkg", force=force)
    assert (work / "pkg/notes.txt").read_text() == "mine"


def test_sigint_while_building_aborts_after_cleaning_up(work: Path, moves: str) -> None:
    target = placing.place(builder("old"), work / "pkg")

    def interrupted(folder: Path) -> None:
        builder("new")(folder)
        os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        placing.place(interrupted, target, force=True)
    assert (target / "content.txt").read_text() == "old"
    assert sorted(p.name for p in work.iterdir()) == ["pkg"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_ignored_signal_stays_ignored(work: Path) -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:

        def hung_up(folder: Path) -> None:
            builder("new")(folder)
            os.kill(os.getpid(), signal.SIGHUP)

        placing.place(hung_up, work / "pkg")
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert (work / "pkg/content.txt").read_text() == "new"


def test_a_killed_runs_staging_folder_is_named_and_kept(work: Path) -> None:
    left = work / f"{placing.PREFIX}pkg-ab12cd34"
    (left / "old").mkdir(parents=True)
    (work / f"{placing.PREFIX}pkg-x-ab12cd34").mkdir()  # another target's
    heard: list[str] = []
    placing.place(builder("new"), work / "pkg", notify=heard.append)
    assert len(heard) == 1
    assert str(left) in heard[0]
    assert "'old' folder" in heard[0]
    assert (left / "old").is_dir()
