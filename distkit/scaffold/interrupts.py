"""SIGTERM and SIGHUP treated as Ctrl-C is: the work unwinds, its temporary folders go.

By default SIGTERM ends a Python process at once, so every `with TemporaryDirectory()` and
`finally` it was inside is skipped and the folders stay behind. Inside `unwinding_on_signals`,
SIGTERM and SIGHUP raise SignalReceived where the program is (as SIGINT raises
KeyboardInterrupt), the block cleans up as it unwinds, and the signal is then delivered again
with the handlers from before, so the process still ends by it.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from distkit.errors import Interrupted, SignalReceived

UNWINDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _raise(signum: int, frame: FrameType | None) -> None:
    raise SignalReceived(signum)


@contextmanager
def unwinding_on_signals(what: str) -> Iterator[None]:
    """Run the block with SIGTERM and SIGHUP raising SignalReceived; once it has unwound,
    deliver the signal again (Interrupted, naming `what`, if the process lives on)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return
    previous: dict[int, Any] = {}
    try:
        for signum in UNWINDING_SIGNALS:
            handler = signal.getsignal(signum)
            if handler is not None and handler != signal.SIG_IGN:
                previous[signum] = signal.signal(signum, _raise)
        yield
    except SignalReceived as received:
        _restore(previous)
        os.kill(os.getpid(), received.signum)
        raise Interrupted(f"interrupted; {what} was left as it was") from None
    finally:
        _restore(previous)


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    previous.clear()


@contextmanager
def held_signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held back for the block (the git commands it runs inherit
    the mask, so a Ctrl-C at the terminal does not stop them half-way either); one that came
    meanwhile is acted on as the block ends."""
    held = {signal.SIGINT, *UNWINDING_SIGNALS}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
