"""`distkit new` under signals and races, as real processes: nothing lost, nothing left over.

Each run pauses at a named point of the swap (distkit.scaffold.placing's DISTKIT_TEST_PAUSE
hook), the test acts there (a signal, a second run, a folder that appears), and then checks
that the target holds the old package or the new one, whole, and that no hidden staging
folder or lock file is left. Every process runs under a timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from distkit import scaffold
from distkit.scaffold.answers import read_answers

TIMEOUT = 120
DISTKIT = [sys.executable, "-m", "distkit"]
# distkit with renameat2 unavailable: the os.mkdir claim and two-rename moves of other systems.
FALLBACK = [
    sys.executable,
    "-c",
    "from distkit.scaffold import placing; placing._libc_renameat2 = lambda: None; "
    "from distkit.cli import main; main()",
]
MOVES = {"renameat2": DISTKIT, "fallback": FALLBACK}
BEFORE_COMMIT = ["locked", "staged", "rendered", "checked"]
AFTER_COMMIT = ["swapped", "cleaned"]


@dataclass
class Run:
    process: subprocess.Popen[str]

    def finish(self) -> tuple[int, str, str]:
        try:
            out, err = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            pytest.fail("distkit new hung")
        return self.process.returncode, out, err


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "cookiecutterrc"
    config.write_text("default_context: {}\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))
    monkeypatch.delenv("DISTKIT_TEST_PAUSE", raising=False)
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def start(out: Path, *args: str, move: str = "renameat2", pause: str = "") -> Run:
    env = dict(os.environ, DISTKIT_TEST_PAUSE=pause)
    command = [*MOVES[move], "new", "poisson", "--no-input", "-o", str(out), *args]
    return Run(
        subprocess.Popen(
            command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    )


def paused(out: Path, point: str, *args: str, move: str = "renameat2") -> tuple[Run, Path]:
    """A run waiting at `point`; remove the returned marker (or signal it) to let it go on."""
    marker = out.parent / f"paused-at-{point}"
    run = start(out, *args, move=move, pause=f"{point}:{marker}")
    deadline = time.monotonic() + TIMEOUT
    while not marker.exists():
        if run.process.poll() is not None:
            code, stdout, stderr = run.finish()
            pytest.fail(f"never reached {point}: exit {code}\n{stdout}\n{stderr}")
        if time.monotonic() > deadline:
            run.process.kill()
            pytest.fail(f"never reached {point}")
        time.sleep(0.01)
    return run, marker


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def old_package(out: Path) -> dict[str, bytes]:
    target = scaffold.create("poisson", out, {"full_name": "Old Author"})
    (target / "NOTES.md").write_text("my notes since the package was made\n")
    (target / ".git").mkdir()
    (target / ".git/HEAD").write_text("ref: refs/heads/main\n")
    return snapshot(target)


def assert_new_package(target: Path) -> None:
    answers = read_answers(target)
    assert answers.context["full_name"] == "Your Name"
    assert (target / "src/distkit_poisson/poisson.py").is_file()
    assert not (target / "NOTES.md").exists()


def assert_nothing_left_over(out: Path, *expected: str) -> None:
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)


def assert_one_line(stderr: str) -> None:
    """One error line, after any warnings, and no traceback."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("Warning: ")]
    assert len(lines) == 1, stderr


@pytest.mark.parametrize("move", sorted(MOVES))
@pytest.mark.parametrize("point", BEFORE_COMMIT)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_before_the_swap_keeps_the_old_package(
    out: Path, move: str, point: str, signum: int
) -> None:
    before = old_package(out)
    run, _ = paused(out, point, "--force", move=move)
    run.process.send_signal(signum)
    code, stdout, stderr = run.finish()
    assert "Traceback" not in stderr
    if signum == signal.SIGINT:
        assert (code, stderr.strip()) == (1, "Aborted!")
    else:
        assert code == -signal.SIGTERM
    assert "Created" not in stdout
    assert snapshot(out / "distkit-poisson") == before
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize(
    ("move", "point"),
    [
        *((move, point) for move in sorted(MOVES) for point in AFTER_COMMIT),
        ("fallback", "moved-aside"),
    ],
)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_or_after_the_swap_waits_for_it_to_finish(
    out: Path, move: str, point: str, signum: int
) -> None:
    old_package(out)
    run, _ = paused(out, point, "--force", move=move)
    run.process.send_signal(signum)
    code, _, stderr = run.finish()
    if signum == signal.SIGINT:
        assert code == 1
        assert_one_line(stderr)
        assert "interrupted, but only after" in stderr
    else:
        assert code == -signal.SIGTERM
    assert_new_package(out / "distkit-poisson")
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize(
    ("move", "point"),
    [
        *((move, point) for move in sorted(MOVES) for point in BEFORE_COMMIT),
        *((move, point) for move in sorted(MOVES) for point in AFTER_COMMIT),
        ("fallback", "claimed"),
    ],
)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_into_a_fresh_target_leaves_the_package_or_nothing(
    out: Path, move: str, point: str, signum: int
) -> None:
    run, _ = paused(out, point, move=move)
    run.process.send_signal(signum)
    code, _, stderr = run.finish()
    assert "Traceback" not in stderr
    assert code == (1 if signum == signal.SIGINT else -signal.SIGTERM)
    if point in BEFORE_COMMIT:
        assert_nothing_left_over(out)
    else:
        assert_new_package(out / "distkit-poisson")
        assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize("move", sorted(MOVES))
@pytest.mark.parametrize("force", [False, True])
def test_a_second_run_while_the_first_writes_is_refused(out: Path, move: str, force: bool) -> None:
    args = ("--force",) if force else ()
    if force:
        old_package(out)
    first, marker = paused(out, "rendered", *args, move=move)
    code, stdout, stderr = start(out, *args, move=move).finish()
    assert code == 2
    assert_one_line(stderr)
    assert "another distkit new is writing" in stderr
    assert not stdout
    marker.unlink()
    code, stdout, _ = first.finish()
    assert code == 0
    assert "Created" in stdout
    assert_new_package(out / "distkit-poisson")
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize("move", sorted(MOVES))
def test_a_folder_that_appears_just_before_the_move_is_left_alone(out: Path, move: str) -> None:
    run, marker = paused(out, "checked", move=move)
    (out / "distkit-poisson").mkdir()
    (out / "distkit-poisson/mine.txt").write_text("mine")
    marker.unlink()
    code, _, stderr = run.finish()
    assert code == 2
    assert_one_line(stderr)
    assert "appeared or changed while the package was being made" in stderr
    assert snapshot(out / "distkit-poisson") == {"mine.txt": b"mine"}
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize("move", sorted(MOVES))
def test_a_package_swapped_for_a_user_folder_just_before_force_is_not_deleted(
    out: Path, move: str
) -> None:
    old_package(out)
    run, marker = paused(out, "checked", "--force", move=move)
    (out / "distkit-poisson").rename(out.parent / "moved-away")
    (out / "distkit-poisson").mkdir()
    (out / "distkit-poisson/mine.txt").write_text("mine")
    marker.unlink()
    code, _, stderr = run.finish()
    assert code == 2
    assert_one_line(stderr)
    assert snapshot(out / "distkit-poisson") == {"mine.txt": b"mine"}
    assert_nothing_left_over(out, "distkit-poisson")


RACES = 8


@pytest.mark.parametrize("round_", range(RACES))
def test_two_racing_runs_into_one_target_one_wins(out: Path, round_: int) -> None:
    runs = [start(out), start(out, move="fallback")]
    results = [run.finish() for run in runs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    (loser,) = [err for code, _, err in results if code == 2]
    assert_one_line(loser)
    assert_new_package(out / "distkit-poisson")
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize("round_", range(RACES))
def test_two_racing_forced_runs_leave_one_whole_package(out: Path, round_: int) -> None:
    before = old_package(out)
    runs = [start(out, "--force"), start(out, "--force", move="fallback")]
    results = [run.finish() for run in runs]
    for code, _, stderr in results:
        assert code in (0, 2), results
        if code == 2:
            assert_one_line(stderr)
        assert "Traceback" not in stderr
    assert 0 in [code for code, _, _ in results]
    assert snapshot(out / "distkit-poisson") != before
    assert_new_package(out / "distkit-poisson")
    assert_nothing_left_over(out, "distkit-poisson")


def test_force_refuses_a_user_folder_with_notes_and_git(out: Path) -> None:
    mine = out / "distkit-poisson"
    (mine / ".git").mkdir(parents=True)
    (mine / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (mine / "notes.txt").write_text("do not lose me")
    before = snapshot(mine)
    code, stdout, stderr = start(out, "--force").finish()
    assert code == 2
    assert_one_line(stderr)
    assert str(mine) in stderr
    assert "distkit did not make it" in stderr
    assert not stdout
    assert snapshot(mine) == before
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_force_refuses_a_file_or_a_link(out: Path, tmp_path: Path, kind: str) -> None:
    mine = out / "distkit-poisson"
    elsewhere = tmp_path / "elsewhere"
    scaffold.create("poisson", elsewhere)  # a distkit package, but only linked to
    if kind == "file":
        mine.write_text("notes")
    else:
        mine.symlink_to(elsewhere / "distkit-poisson")
    code, _, stderr = start(out, "--force").finish()
    assert code == 2
    assert_one_line(stderr)
    assert ("is a file" if kind == "file" else "is a symbolic link") in stderr
    assert mine.is_symlink() == (kind == "symlink")
    assert_nothing_left_over(out, "distkit-poisson")


@pytest.mark.parametrize(("move", "point"), [("renameat2", "swapped"), ("fallback", "moved-aside")])
def test_what_sigkill_leaves_mid_swap_is_kept_and_named_by_the_next_run(
    out: Path, move: str, point: str
) -> None:
    before = old_package(out)
    run, _ = paused(out, point, "--force", move=move)
    run.process.kill()
    run.finish()
    (left,) = out.glob(".distkit-new-distkit-poisson-*")
    assert snapshot(left / "old") == before
    code, _, stderr = start(out, "--force").finish()
    assert code == 0
    assert f"Warning: {left} was left by a distkit new that was killed" in stderr
    assert snapshot(left / "old") == before
    assert_new_package(out / "distkit-poisson")


@pytest.mark.parametrize("delay", [i * 0.02 for i in range(12)])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_at_any_moment_after_the_lock_loses_nothing(
    out: Path, delay: float, signum: int
) -> None:
    before = old_package(out)
    run, marker = paused(out, "locked", "--force")
    marker.unlink()
    time.sleep(delay)
    run.process.send_signal(signum)
    code, _, stderr = run.finish()
    assert "Traceback" not in stderr
    # -SIGINT: the signal came as the interpreter was shutting down, after the run was done.
    assert code in (0, 1, -signal.SIGINT, -signal.SIGTERM), stderr
    if snapshot(out / "distkit-poisson") != before:
        assert_new_package(out / "distkit-poisson")
    assert_nothing_left_over(out, "distkit-poisson")
