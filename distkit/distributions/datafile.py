"""Read a data file of one number per line, fast and in bounded memory, with errors that name
the file and line.

The file is parsed in chunks straight into one preallocated array, so reading takes little more
memory than the result itself (about numpy.loadtxt's), and only regular files of bounded size
are read (a FIFO or /dev/zero is refused instead of hanging or filling memory).
"""

from __future__ import annotations

import codecs
import os
import warnings
from typing import TYPE_CHECKING, BinaryIO

from distkit.errors import DataFileError, UsageError
from distkit.files.reading import MiB, open_regular

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAX_BYTES = 1024 * MiB
CHUNK_BYTES = 4 * MiB


def read_numbers(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES
) -> npt.NDArray[np.float64]:
    """Return the numbers in `path`, one per line, as a float64 array.

    Only the last line may lack its newline. An empty file, a blank or non-numeric line, NaN or
    infinity raises `DataFileError` naming the file and the 1-based line.
    """
    try:
        file = open_regular(path, max_bytes=max_bytes, what="data file")
    except UsageError as error:
        raise DataFileError(str(error)) from None
    with file:
        size = os.fstat(file.fileno()).st_size
        return _parse(path, file, size)


def _parse(path: str | os.PathLike[str], file: BinaryIO, size: int) -> npt.NDArray[np.float64]:
    import numpy as np

    out = np.empty(0)
    count = 0  # values parsed so far, which is also the number of lines before the chunk
    pending = b""
    block = file.read(CHUNK_BYTES).removeprefix(codecs.BOM_UTF8)
    if len(block) < CHUNK_BYTES and not block.strip():
        raise DataFileError(f"{path}, line 1: the file is empty; expected one number per line")
    while True:
        text = pending + block
        if not block:  # the end: what is left is the last line(s)
            text, pending = text.removesuffix(b"\n"), b""
            if not text and count:
                break
        else:
            cut = text.rfind(b"\n")
            if cut < 0:  # no whole line yet
                pending, block = text, file.read(CHUNK_BYTES)
                continue
            text, pending = text[:cut], text[cut + 1 :]
        values = _parse_lines(path, text, count)
        if count + values.size > out.size:
            out = _grow(out, count, values.size, size, len(text) + 1)
        out[count : count + values.size] = values
        count += values.size
        if not block:
            break
        block = file.read(CHUNK_BYTES)
    return out[:count] if count > 0.9 * out.size else out[:count].copy()


def _grow(
    out: npt.NDArray[np.float64], count: int, needed: int, size: int, chunk_bytes: int
) -> npt.NDArray[np.float64]:
    """Room for `needed` more values: the whole file's estimate from the bytes per value seen."""
    import numpy as np

    per_value = max(chunk_bytes / max(needed, 1), 1.0)
    estimate = max(int(size / per_value * 1.02) + 16, count + needed)
    bigger = np.empty(max(estimate, count + needed, int(out.size * 1.5)))
    bigger[:count] = out[:count]
    return bigger


def _parse_lines(path: str | os.PathLike[str], text: bytes, before: int) -> npt.NDArray[np.float64]:
    """The numbers of `text` (whole lines, without the final newline); `before` lines precede."""
    import numpy as np

    lines = text.count(b"\n") + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            values = np.fromstring(text, dtype=np.float64, sep="\n")
        except ValueError:
            values = np.empty(0)
    if values.size != lines:  # a blank line, a word, two numbers on a line, or 1_000
        values = _parse_each_line(path, text.split(b"\n"), before)
    if not np.isfinite(values).all():
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        shown = _show(text.split(b"\n")[bad])
        raise DataFileError(f"{path}, line {before + bad + 1}: {shown} is not a finite number")
    return values


def _parse_each_line(
    path: str | os.PathLike[str], lines: list[bytes], before: int
) -> npt.NDArray[np.float64]:
    import numpy as np

    try:
        return np.array(lines, dtype=np.float64)
    except ValueError:
        pass
    for number, line in enumerate(lines, start=before + 1):
        if not line.strip():
            raise DataFileError(f"{path}, line {number}: blank line; expected one number per line")
        try:
            float(line)
        except ValueError:
            raise DataFileError(f"{path}, line {number}: {_show(line)} is not a number") from None
    raise DataFileError(f"{path}: cannot be read as one number per line")


def _show(line: bytes) -> str:
    text = line.strip().decode("utf-8", errors="replace")
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)
