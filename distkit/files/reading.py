"""Opening a user's input file safely: regular files only, of a bounded size.

A FIFO, a device such as /dev/zero, or a folder is refused with one clear line instead of a
hang or a read until memory runs out. The checks are made on the opened file, so a path that
is swapped for something else between check and read is caught too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from distkit.errors import UsageError

MiB = 1024 * 1024


def open_regular(path: str | os.PathLike[str], *, max_bytes: int, what: str = "file") -> BinaryIO:
    """Open `path` for reading in binary; UsageError unless it is a regular file of at most
    `max_bytes` bytes. `what` names the file in the message ("data file", "MIDI file")."""
    shown = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UsageError(f"{shown}: no such {what}") from None
    except IsADirectoryError:
        raise UsageError(f"{shown} is a folder, not a {what}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{shown} is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{shown} is not a regular file (a pipe or device?); give a {what}")
        if info.st_size > max_bytes:
            raise UsageError(
                f"{shown} is {info.st_size / MiB:.1f} MiB; a {what} may be at most "
                f"{max_bytes / MiB:.0f} MiB"
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], *, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of `path`, with `open_regular`'s checks; a file that grows past `max_bytes`
    while it is read is refused too."""
    with open_regular(path, max_bytes=max_bytes, what=what) as file:
        content = file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise UsageError(f"{Path(path)} grew past {max_bytes / MiB:.0f} MiB while it was read")
    return content
