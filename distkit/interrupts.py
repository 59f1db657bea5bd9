"""What SIGINT, SIGTERM and SIGHUP do while distkit is at work.

By default SIGTERM ends a Python process at once, so every `with TemporaryDirectory()` and
`finally` it was inside is skipped and temporary files and folders stay behind.

`unwinding(what)` (publish, new --template, update, fit's workers, writing outputs): SIGTERM and
SIGHUP raise inside, as Ctrl-C does, so every `with` and `finally` cleans up (temporary folders,
child processes) before the signal is delivered again with the handlers from before.

`Deferred` (release): the signals are noted instead of acted on; the work stops at its next
checkpoint, undoes itself, and the signal is delivered again once all is as it was.

`held_signals()` (update's git steps): the signals are blocked for the block and its child
processes, and acted on as it ends.

`temporary_folder(prefix)`: `tempfile.TemporaryDirectory`, made with the signals held, so that
one arriving as the folder is made is acted on inside the `with`, whose cleanup then removes it
(between the folder's making and the `with` taking it, it stayed behind).
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from distkit.errors import Interrupted, SignalReceived

UNWOUND = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
DEFERRED = (signal.SIGINT, *UNWOUND)


@contextmanager
def unwinding(what: str = "cleaned up") -> Iterator[None]:
    """SIGTERM and SIGHUP raise SignalReceived inside; after the unwinding they are delivered
    again with the handlers from before (so the process ends as the signal says), and if the
    process lives on, Interrupted says "interrupted; WHAT"."""

    def raise_received(signum: int, frame: FrameType | None) -> None:
        raise SignalReceived(signum)

    previous = _install(UNWOUND, raise_received)
    try:
        yield
    except SignalReceived as received:
        _restore(previous)
        os.kill(os.getpid(), received.signum)
        raise Interrupted(f"interrupted by signal {received.signum}; {what}") from None
    finally:
        _restore(previous)


class Deferred:
    """Notes SIGINT, SIGTERM and SIGHUP inside `with`; `checkpoint()` raises SignalReceived
    once one was noted. On the way out the noted signal is delivered again."""

    def __init__(self) -> None:
        self.caught: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Deferred:
        self._previous = _install(DEFERRED, self._note)
        return self

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.caught is None:
            self.caught = signum

    def checkpoint(self) -> None:
        if self.caught is not None:
            raise SignalReceived(self.caught)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _restore(self._previous)
        if self.caught is None:
            return
        os.kill(os.getpid(), self.caught)  # KeyboardInterrupt, or the end of the process
        if kind is SignalReceived:  # the handler from before let the signal pass
            raise Interrupted("interrupted; nothing was changed")


def _install(
    signums: tuple[int, ...], handler: Callable[[int, FrameType | None], None]
) -> dict[int, Any]:
    """Put `handler` in place for each of `signums` not ignored; return the handlers before."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous  # signals reach the main thread only
    try:
        for signum in signums:
            before = signal.getsignal(signum)
            if before is not None and before != signal.SIG_IGN:
                previous[signum] = signal.signal(signum, handler)
    except BaseException:
        _restore(previous)
        raise
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    previous.clear()


@contextmanager
def held_signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held back for the block (the commands it runs inherit the
    mask, so a Ctrl-C at the terminal does not stop them half-way either); one that came
    meanwhile is acted on as the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set(DEFERRED))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def temporary_folder(prefix: str, dir: Path | None = None) -> Iterator[str]:
    """`tempfile.TemporaryDirectory(prefix=prefix, dir=dir)` as a `with`, made and taken by
    the `with` while the signals are held: a signal that comes meanwhile is acted on once the
    folder's removal is sure to run."""
    with ExitStack() as stack:
        with held_signals():
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix, dir=dir))
        yield folder
