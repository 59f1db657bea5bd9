"""Read a data file as people have it, fast and in bounded memory, with errors that name the
file, the line and the column.

Plain files hold one number per line; CSV and TSV files (by their suffix, or whenever a column
is chosen) hold a table, with or without a header row, from which one column is read. Blank
lines and `#` comments are skipped. The file is read in chunks, so time and memory grow
linearly with its size: a plain file is parsed by numpy straight into one preallocated array,
and no line may be longer than `MAX_LINE_BYTES` (a 1 GiB file on one line is refused after its
first MiB instead of being copied over and over). Only regular files of bounded size are read
(a FIFO or /dev/zero is refused instead of hanging or filling memory).
"""

from __future__ import annotations

import codecs
import csv
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from distkit.errors import DataFileError, UsageError
from distkit.files.reading import MiB, open_regular

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

MAX_BYTES = 1024 * MiB
CHUNK_BYTES = 4 * MiB
MAX_LINE_BYTES = 1 * MiB
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


def read_numbers(
    path: str | os.PathLike[str], *, column: str | None = None, max_bytes: int = MAX_BYTES
) -> FloatArray:
    """Return the numbers in `path` as a float64 array.

    A plain file holds one number per line; a CSV or TSV file (by suffix, or when `column` is
    given: a header name, or a 1-based number) holds a table, and `column` picks the column (a
    table of one column needs none). Blank lines and lines starting with `#` are skipped. A
    file without numbers, a non-number, NaN or infinity raises `DataFileError` naming the file,
    the 1-based line and, in a table, the column.
    """
    try:
        file = open_regular(path, max_bytes=max_bytes, what="data file")
    except UsageError as error:
        raise DataFileError(str(error)) from None
    delimiter = TABLE_SUFFIXES.get(Path(path).suffix.lower())
    with file:
        size = os.fstat(file.fileno()).st_size
        if delimiter is None and column is None:
            return _read_plain(path, file, size)
        return _Table(path, delimiter, column).read(_chunks(path, file))


def _chunks(path: str | os.PathLike[str], file: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(lines before it, whole lines without the final newline) for each chunk of `file`."""
    before = 0
    pending = b""
    first = True
    while True:
        block = file.read(CHUNK_BYTES)
        if first:
            block, first = block.removeprefix(codecs.BOM_UTF8), False
        if not block:
            if pending:
                yield before, pending
            return
        text = pending + block
        cut = text.rfind(b"\n")
        if cut < 0:
            pending = text
            if len(pending) > MAX_LINE_BYTES:
                raise DataFileError(_too_long(path, before + 1))
            continue
        text, pending = text[:cut], text[cut + 1 :]
        if len(pending) > MAX_LINE_BYTES:
            raise DataFileError(_too_long(path, before + text.count(b"\n") + 2))
        yield before, text
        before += text.count(b"\n") + 1


def _too_long(path: str | os.PathLike[str], line: int) -> str:
    return (
        f"{path}, line {line}: the line is longer than {MAX_LINE_BYTES // MiB} MiB; "
        "expected one number (or one table row) per line"
    )


def _read_plain(path: str | os.PathLike[str], file: BinaryIO, size: int) -> FloatArray:
    import numpy as np

    out = np.empty(0)
    count = 0
    blank = True
    for before, text in _chunks(path, file):
        values = _parse_lines(path, text, before)
        blank = blank and not text.strip()
        if count + values.size > out.size:
            out = _grow(out, count, values.size, size, len(text) + 1)
        out[count : count + values.size] = values
        count += values.size
    if count == 0:
        if blank:
            raise DataFileError(f"{path}, line 1: the file is empty; expected one number per line")
        raise DataFileError(f"{path}: no numbers, only blank lines and # comments")
    return out[:count] if count > 0.9 * out.size else out[:count].copy()


def _grow(out: FloatArray, count: int, needed: int, size: int, chunk_bytes: int) -> FloatArray:
    """Room for `needed` more values: the whole file's estimate from the bytes per value seen."""
    import numpy as np

    per_value = max(chunk_bytes / max(needed, 1), 1.0)
    estimate = max(int(size / per_value * 1.02) + 16, count + needed)
    bigger = np.empty(max(estimate, count + needed, int(out.size * 1.5)))
    bigger[:count] = out[:count]
    return bigger


def _parse_lines(path: str | os.PathLike[str], text: bytes, before: int) -> FloatArray:
    """The numbers of `text` (whole lines, without the final newline); `before` lines precede."""
    import numpy as np

    lines = text.count(b"\n") + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            values = np.fromstring(text, dtype=np.float64, sep="\n")
        except ValueError:
            values = np.empty(0)
    if values.size != lines:  # a blank line, a comment, a word, two numbers on a line, or 1_000
        return _parse_each_line(path, text.split(b"\n"), before)
    if not np.isfinite(values).all():
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        shown = _show(text.split(b"\n")[bad])
        raise DataFileError(f"{path}, line {before + bad + 1}: {shown} is not a finite number")
    return values


def _parse_each_line(path: str | os.PathLike[str], lines: list[bytes], before: int) -> FloatArray:
    import numpy as np

    values: list[float] = []
    for number, line in enumerate(lines, start=before + 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        values.append(_number(path, stripped, f"line {number}", plain=True))
    return np.array(values, dtype=np.float64)


def _number(path: str | os.PathLike[str], field: bytes | str, where: str, *, plain: bool) -> float:
    """`field` as a finite float, or DataFileError naming `where` it is."""
    text = field.decode("utf-8", errors="replace") if isinstance(field, bytes) else field
    try:
        value = float(text.replace("_", "x"))  # float() takes 1_000; a data file should not
    except ValueError:
        if not text.strip():
            raise DataFileError(f"{path}, {where}: the field is empty, not a number") from None
        if plain and any(mark in text.strip() for mark in " ,;\t"):
            raise DataFileError(
                f"{path}, {where}: {_show(text)} is not a number "
                "(for a table, choose a column with --column NAME or N)"
            ) from None
        raise DataFileError(f"{path}, {where}: {_show(text)} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise DataFileError(f"{path}, {where}: {_show(text)} is not a finite number")
    return value


class _Table:
    """Reads one column of a CSV/TSV table, chunk by chunk; the header (if any) is the first
    row that is not a comment, recognised by holding a field that is not a number."""

    def __init__(
        self, path: str | os.PathLike[str], delimiter: str | None, column: str | None
    ) -> None:
        self.path = path
        self.delimiter = delimiter
        self.column = column
        self.index: int | None = None  # 0-based, once known
        self.started = False

    def read(self, chunks: Iterator[tuple[int, bytes]]) -> FloatArray:
        import numpy as np

        parts = [self._parse(text, before) for before, text in chunks]
        values = np.concatenate(parts) if parts else np.empty(0)
        if values.size == 0:
            raise DataFileError(f"{self.path}: no numbers in the chosen column")
        return values

    def _parse(self, text: bytes, before: int) -> FloatArray:
        import numpy as np

        lines = text.decode("utf-8", errors="replace").split("\n")
        values: list[float] = []
        for number, line in enumerate(lines, start=before + 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                fields = self._fields(stripped)
            except csv.Error as error:  # a field over csv's limit of 128 KiB, for one
                raise DataFileError(f"{self.path}, line {number}: {error}") from None
            if not self.started:
                self.started = True
                if self._start(fields, number):
                    continue  # the header
            assert self.index is not None
            if self.index >= len(fields):
                raise DataFileError(
                    f"{self.path}, line {number}: no column {self.index + 1} "
                    f"(the line has {len(fields)})"
                )
            where = f"line {number}, column {self.index + 1}"
            values.append(_number(self.path, fields[self.index], where, plain=False))
        return np.array(values, dtype=np.float64)

    def _fields(self, line: str) -> list[str]:
        if self.delimiter is None:
            self.delimiter = next((d for d in "\t,;" if d in line), " ")
        if self.delimiter == " ":
            return line.split()
        return [field.strip() for field in next(csv.reader([line], delimiter=self.delimiter))]

    def _start(self, fields: list[str], number: int) -> bool:
        """Choose the column from the first row; True when that row is a header."""
        header = not all(_is_number(field) for field in fields)
        column = self.column
        if column is not None and not column.isdigit():
            if not header or column not in fields:
                shown = ", ".join(fields) if header else "none (the first row holds numbers)"
                raise DataFileError(
                    f"{self.path}: no column named {column!r}; the header names {shown}"
                )
            self.index = fields.index(column)
            return True
        if column is None:
            if len(fields) > 1:
                names = f" ({', '.join(fields)})" if header else ""
                raise DataFileError(
                    f"{self.path}, line {number}: the table has {len(fields)} columns{names}; "
                    "choose one with --column NAME or N"
                )
            self.index = 0
            return header
        self.index = int(column) - 1
        if self.index < 0:
            raise DataFileError(f"{self.path}: columns are numbered from 1, got --column {column}")
        if self.index >= len(fields):
            raise DataFileError(
                f"{self.path}, line {number}: no column {column} (the line has {len(fields)})"
            )
        return header


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _show(line: bytes | str) -> str:
    text = line.strip().decode("utf-8", errors="replace") if isinstance(line, bytes) else line
    text = text.strip()
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)
