"""Writing output files whole or not at all.

Each file is written under a hidden temporary name in its own folder and moved into place only
when every file is complete, so an interruption (Ctrl-C, SIGTERM, an error) never leaves half a
file, and the temporary files are removed. A file that appears at a target while we work is
never replaced unless replacing was asked for.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator, Sequence
from pathlib import Path

from distkit.errors import OutputExists, UsageError
from distkit.interrupts import unwinding


@contextlib.contextmanager
def staged(targets: Sequence[Path], *, replace: bool = False) -> Iterator[list[Path]]:
    """Temporary paths, one beside each target, to write to; when the block ends without an
    error each is moved onto its target, and otherwise each is removed.

    Without `replace`, a target that exists by then is a UsageError and nothing is placed.
    """
    temporaries: list[Path] = []
    with unwinding("nothing was written"):
        try:
            for target in targets:
                temporaries.append(_reserve(target))
            yield list(temporaries)
            _place(list(zip(temporaries, targets, strict=True)), replace=replace)
        finally:
            for temporary in temporaries:
                temporary.unlink(missing_ok=True)


def _reserve(target: Path) -> Path:
    """A new empty file beside `target`, hidden, with the permissions a new file gets."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as error:  # name the file the user asked for, not the hidden one
            raise OSError(error.errno, error.strerror, str(target)) from None
        return temporary


def _place(moves: list[tuple[Path, Path]], *, replace: bool) -> None:
    """Move each temporary file onto its target; without `replace`, refuse existing targets,
    undoing the moves already made (those files are this run's own)."""
    placed: list[Path] = []
    try:
        for temporary, target in moves:
            if replace:
                os.replace(temporary, target)
            else:
                _link_new(temporary, target)
            placed.append(target)
    except BaseException:
        if not replace:
            for target in placed:
                target.unlink(missing_ok=True)
        raise


def _link_new(temporary: Path, target: Path) -> None:
    """Give `temporary`'s file the name `target`, which must not exist: a hard link fails
    rather than replace a file that appeared meanwhile."""
    try:
        _claim(temporary, target)
    except FileExistsError:
        raise UsageError(f"{target} appeared while composing; it was left as it is") from None


def _claim(temporary: Path, target: Path) -> None:
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name, then fill it
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        os.replace(temporary, target)
        return
    temporary.unlink()


def check_targets(
    targets: Sequence[tuple[Path, tuple[str, ...]]],
    *,
    replace: bool = False,
    inputs: Sequence[Path] = (),
    reading: str = "the input",
) -> None:
    """A UsageError, before anything is written, if an output cannot or should not be written at
    each target (a path with the file name endings its format may have): a wrong ending, a
    folder, a missing folder, an input file itself by any name or link (refused even with
    `replace`; `reading` names it: "the melody"), or an existing file without `replace` (an
    OutputExists naming it)."""
    for path, endings in targets:
        if path.suffix.lower() not in endings:
            raise UsageError(f"{path}: the file name must end in {' or '.join(endings)}")
        if path.is_dir():
            raise UsageError(f"{path} is a folder; give a file path")
        if not path.parent.is_dir():
            raise UsageError(f"{path.parent} is not a folder; create it first")
        for source in inputs:
            if path.exists() and source.exists() and os.path.samefile(path, source):
                alias = "" if path == source else f" (the same file as {source})"
                raise UsageError(f"{path} is {reading} being read{alias}; write to another file")
        if os.path.lexists(path) and not replace:
            raise OutputExists(path)
