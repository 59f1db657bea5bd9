"""Running a plugin's code under a guard: what it prints goes to stderr, and whatever it raises,
SystemExit included, becomes a PluginError naming the plugin."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from distkit.errors import DistkitError, PluginError, describe


@contextlib.contextmanager
def plugin_code(plugin: str, action: str, *, interruptible: bool = True) -> Iterator[None]:
    """Run a plugin's code: what it prints goes to stderr, and whatever it raises (SystemExit
    included) becomes a PluginError naming the plugin. distkit's own errors pass through, and
    so does Ctrl-C when `interruptible` (a user stopping a long fit is not the plugin's fault)
    or when the user pressed it (not a KeyboardInterrupt the plugin raised itself).
    """
    with _ctrl_c_watch() as ctrl_c:
        try:
            with _stdout_to_stderr():
                yield
        except DistkitError:
            raise
        except KeyboardInterrupt:
            if interruptible or ctrl_c.pressed:
                raise
            raise PluginError(f"plugin {plugin!r} failed {action}: KeyboardInterrupt") from None
        except BaseException as error:
            raise PluginError(f"plugin {plugin!r} failed {action}: {describe(error)}") from error


class _CtrlC:
    """A SIGINT handler that notes the user pressed Ctrl-C, then interrupts as Python's does."""

    def __init__(self) -> None:
        self.pressed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.pressed = True
        raise KeyboardInterrupt


@contextlib.contextmanager
def _ctrl_c_watch() -> Iterator[_CtrlC]:
    """Watch for Ctrl-C where Python's own handler is in place (the main thread); inside
    another watch, share it."""
    current = signal.getsignal(signal.SIGINT)
    if isinstance(current, _CtrlC):
        yield current
        return
    watch = _CtrlC()
    ours = threading.current_thread() is threading.main_thread()
    ours = ours and current is signal.default_int_handler
    if ours:
        signal.signal(signal.SIGINT, watch)
    try:
        yield watch
    finally:
        if ours:
            signal.signal(signal.SIGINT, current)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send sys.stdout to stderr, and file descriptor 1 too when it is the process's real
    stdout: child processes and C code write there, not to sys.stdout."""
    fd = _real_stdout_fd()
    saved = None
    if fd is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(fd)
        os.dup2(sys.stderr.fileno(), fd)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if saved is not None and fd is not None:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)


def _real_stdout_fd() -> int | None:
    try:
        if sys.stdout.fileno() == 1 and sys.stderr.fileno() == 2:
            return 1
    except (AttributeError, OSError, ValueError):
        pass
    return None
