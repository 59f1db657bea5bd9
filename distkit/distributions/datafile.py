"""Read a data file of one number per line, fast, with errors that name the file and line."""

from __future__ import annotations

import codecs
import os
from typing import TYPE_CHECKING

from distkit.errors import DataFileError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def read_numbers(path: str | os.PathLike[str]) -> npt.NDArray[np.float64]:
    """Return the numbers in `path`, one per line, as a float64 array.

    Only the last line may lack its newline. An empty file, a blank or non-numeric line, NaN or
    infinity raises `DataFileError` naming the file and the 1-based line.
    """
    import numpy as np

    lines = _read_lines(path)
    try:
        values = np.array(lines, dtype=np.float64)
    except ValueError:
        _raise_for_first_bad_line(path, lines)
        raise
    if not np.isfinite(values).all():
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataFileError(f"{path}, line {bad + 1}: {_show(lines[bad])} is not a finite number")
    return values


def _read_lines(path: str | os.PathLike[str]) -> list[bytes]:
    try:
        with open(path, "rb") as file:
            content = file.read()
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder, not a data file") from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error.strerror})") from None
    if not content.strip():
        raise DataFileError(f"{path}, line 1: the file is empty; expected one number per line")
    lines = content.removeprefix(codecs.BOM_UTF8).split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def _raise_for_first_bad_line(path: str | os.PathLike[str], lines: list[bytes]) -> None:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise DataFileError(f"{path}, line {number}: blank line; expected one number per line")
        try:
            float(line)
        except ValueError:
            raise DataFileError(f"{path}, line {number}: {_show(line)} is not a number") from None


def _show(line: bytes) -> str:
    text = line.strip().decode("utf-8", errors="replace")
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)
