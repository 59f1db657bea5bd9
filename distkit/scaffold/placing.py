"""Putting a newly built package folder at its target: whole, by one run, never losing the old.

`place` builds the package in a hidden staging folder beside the target, then moves it in with
one rename. What makes that safe:

- A lock (`flock` on a hidden sibling file, removed afterwards) lets one run at a time write a
  given target; a second run is refused at once instead of replacing the first one's work.
- The move is renameat2(2): RENAME_NOREPLACE when the target is free, so a folder that appears
  meanwhile is never replaced, and RENAME_EXCHANGE when a package distkit made is replaced, so
  at every instant the old or the new folder is at the target; the old one is deleted only
  afterwards. Where renameat2 is missing (not Linux, an old libc, some file systems), an
  `os.mkdir` claim and a rename, or two renames with nothing between them, take their place.
- SIGINT, SIGTERM and SIGHUP are noted, not acted on, for the whole run: it stops at the next
  point where stopping loses nothing, cleans up, and only then is the signal delivered again,
  so Ctrl-C still aborts and SIGTERM still ends the process, with no staging folder left.

Test hook: with `DISTKIT_TEST_PAUSE=POINT:FILE`, a run writes FILE when it reaches POINT and waits
there until FILE is removed or a signal arrives (30 s at most), so a test can act exactly then.
The points, in order: locked, staged, rendered, checked, claimed or moved-aside (fallback moves
only), swapped, cleaned.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from distkit.errors import (
    Interrupted,
    SignalReceived,
    TargetBusyError,
    TargetExistsError,
    UsageError,
)
from distkit.scaffold.answers import ANSWERS_FILE, is_distkit_package

PREFIX = ".distkit-new-"
PAUSE_VARIABLE = "DISTKIT_TEST_PAUSE"
DEFERRED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2


def place(
    build: Callable[[Path], None],
    target: Path,
    *,
    force: bool = False,
    notify: Callable[[str], None] | None = None,
) -> Path:
    """Make a folder with `build(folder)` and put it at `target`; return `target`.

    `target` must not exist or, with `force`, be a package folder distkit made: that one is
    replaced, and deleted once the new one is in place. Raises TargetExistsError otherwise,
    TargetBusyError while another run writes the same target. `notify` hears of what went
    with the old folder that a user may miss (its .git).
    """
    notify = notify or _ignore
    check_target(target, force=force)
    with _DeferredSignals(target) as signals:
        made = make_folders(target.parent)
        try:
            with _locked(target):
                _report_leftovers(target, notify)
                signals.checkpoint("locked")
                _stage_and_place(build, target, force, signals, notify)
                signals.checkpoint("cleaned", stop=False)
        except BaseException:
            remove_empty(made)
            raise
    return target


def check_target(target: Path, *, force: bool) -> None:
    """Raise TargetExistsError unless `target` is free or, with `force`, a package distkit made."""
    if not os.path.lexists(target):
        return
    if target.is_symlink():
        raise TargetExistsError(f"{target} is a symbolic link; distkit new never replaces one")
    if not target.is_dir():
        raise TargetExistsError(f"{target} is a file; distkit new never replaces a file")
    if not is_distkit_package(target):
        raise TargetExistsError(
            f"{target} exists and distkit did not make it (it has no readable {ANSWERS_FILE}); "
            "distkit new never replaces such a folder"
        )
    if not force:
        git = " and its .git folder" if (target / ".git").exists() else ""
        raise TargetExistsError(
            f"{target} already exists (a package distkit made; replacing it deletes it{git})",
            replaceable=True,
        )


def _stage_and_place(
    build: Callable[[Path], None],
    target: Path,
    force: bool,
    signals: _DeferredSignals,
    notify: Callable[[str], None],
) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{target.name}-", dir=target.parent))
    try:
        signals.checkpoint("staged")
        build(staging / "new")
        signals.checkpoint("rendered")
        check_target(target, force=force)
        signals.checkpoint("checked")
        if os.path.lexists(target):
            old = _exchange(staging / "new", target, staging / "old", signals)
            if (old / ".git").exists():
                notify(f"{target}: the package it replaced was deleted with its .git folder")
        else:
            _move_to_free(staging / "new", target, signals)
        signals.checkpoint("swapped", stop=False)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if os.path.lexists(staging):
            notify(f"could not delete {staging}; delete it by hand")


def _report_leftovers(target: Path, notify: Callable[[str], None]) -> None:
    """Name the staging folders of runs that were killed (SIGKILL, power loss): they may hold
    the package such a run was replacing, in `old`, so they are kept for the user to look at."""
    for folder in sorted(target.parent.glob(f"{PREFIX}{target.name}-????????")):
        if folder.is_dir() and not folder.is_symlink():
            notify(
                f"{folder} was left by a distkit new that was killed; the package it was "
                "replacing, if any, is in its 'old' folder"
            )


def _move_to_free(new: Path, target: Path, signals: _DeferredSignals) -> None:
    """Rename `new` to `target`, which must still be free when the rename happens."""
    try:
        moved = _renameat2(new, target, _RENAME_NOREPLACE)
    except FileExistsError:
        raise _appeared(target) from None
    if not moved:
        _claim_and_rename(new, target, signals)
    signals.placed = True


def _claim_and_rename(new: Path, target: Path, signals: _DeferredSignals) -> None:
    """Without renameat2: `os.mkdir` claims the target (it fails if anything is there) and the
    rename then replaces only that empty folder of ours."""
    if sys.platform == "win32":  # Windows' rename never replaces an existing folder
        try:
            os.rename(new, target)
        except FileExistsError:
            raise _appeared(target) from None
        return
    try:
        os.mkdir(target)
    except FileExistsError:
        raise _appeared(target) from None
    signals.checkpoint("claimed", stop=False)
    try:
        os.rename(new, target)
    except OSError as error:
        with suppress(OSError):
            os.rmdir(target)
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise _appeared(target) from None
        raise


def _exchange(new: Path, target: Path, aside: Path, signals: _DeferredSignals) -> Path:
    """Put `new` at `target` in place of the package there; return where the old one now is.

    Should the folder that comes out not be a package distkit made (it was swapped for another
    since it was checked), it goes back to `target` and nothing is deleted.
    """
    exchanged = _renameat2(new, target, _RENAME_EXCHANGE)
    if not exchanged:
        os.rename(target, aside)
        signals.checkpoint("moved-aside", stop=False)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(aside, target)
            raise
    if not is_distkit_package(new if exchanged else aside):
        if exchanged:
            _renameat2(new, target, _RENAME_EXCHANGE)
        else:
            os.rename(target, new)
            os.rename(aside, target)
        raise _appeared(target)
    signals.placed = True
    if exchanged:
        os.rename(new, aside)  # so that a killed run leaves the old package under a plain name
    return aside


def _appeared(target: Path) -> TargetExistsError:
    return TargetExistsError(
        f"{target} appeared or changed while the package was being made; left it alone"
    )


@cache
def _libc_renameat2() -> Callable[..., int] | None:
    """glibc's renameat2, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function: Any = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    result: Callable[..., int] = function
    return result


def _renameat2(source: Path, destination: Path, flags: int) -> bool:
    """renameat2(2) with `flags`; False where the system or the file system lacks it."""
    function = _libc_renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(destination), flags) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(source), None, str(destination))


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the lock of `target` for the block; TargetBusyError while another run holds it."""
    if sys.platform == "win32":  # no flock; the renames above still never replace a stranger
        yield
        return
    import fcntl

    path = target.parent / f"{PREFIX}{target.name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise TargetBusyError(f"another distkit new is writing {target} right now") from None
        if _is_still(fd, path):
            break
        os.close(fd)  # its holder removed this lock file as we opened it: lock the new one
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)


def _is_still(fd: int, path: Path) -> bool:
    """Whether the open file `fd` is still the one at `path`."""
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def make_folders(folder: Path) -> list[Path]:
    """`mkdir -p folder`; return the folders it made, outermost first. A UsageError naming
    the path when something that is not a folder is in the way."""
    missing = []
    path = folder.absolute()
    while not os.path.lexists(path):
        missing.append(path)
        path = path.parent
    if not path.is_dir():
        shown = folder if path == folder.absolute() else path
        raise UsageError(f"{shown} is not a folder; give an output folder (-o)")
    made = []
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        made.append(path)
    return made


def remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with suppress(OSError):
            os.rmdir(folder)


def _ignore(line: str) -> None:
    """The default `notify`."""


class _DeferredSignals:
    """Notes SIGINT, SIGTERM and SIGHUP instead of acting on them; on exit, delivers the one
    noted again (with the handlers from before), after everything inside has been cleaned up.

    A signal noted after the package was placed cannot be undone: SIGINT then becomes an
    Interrupted error that says so.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.caught: int | None = None
        self.placed = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _DeferredSignals:
        if threading.current_thread() is not threading.main_thread():
            return self  # signals reach the main thread only
        try:
            for signum in DEFERRED_SIGNALS:
                previous = signal.getsignal(signum)
                if previous is not None and previous != signal.SIG_IGN:
                    self._previous[signum] = signal.signal(signum, self._note)
        except BaseException:
            self._restore()
            raise
        return self

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.caught is None:
            self.caught = signum

    def checkpoint(self, point: str, *, stop: bool = True) -> None:
        """A point where a noted signal stops the run (with `stop`), and where tests pause."""
        _pause(point, self)
        if stop and self.caught is not None:
            raise SignalReceived(self.caught)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._restore()
        if self.caught is None:
            return
        if self.placed and self.caught == signal.SIGINT:
            raise Interrupted(f"interrupted, but only after {self.target} was in place")
        os.kill(os.getpid(), self.caught)  # KeyboardInterrupt, or the end of the process
        if kind is SignalReceived:  # the handler from before let the signal pass
            raise Interrupted(f"interrupted; {self.target} was left as it was")

    def _restore(self) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


def _pause(point: str, signals: _DeferredSignals) -> None:
    """The test hook described at the top of this module."""
    wanted, _, marker = os.environ.get(PAUSE_VARIABLE, "").partition(":")
    if wanted != point or not marker:
        return
    flag = Path(marker)
    flag.write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 30
    while os.path.lexists(flag) and signals.caught is None and time.monotonic() < deadline:
        time.sleep(0.005)
