"""Input files are regular files of bounded size: FIFOs, devices and folders are one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from distkit.errors import UsageError
from distkit.files.reading import read_regular


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"1\n2\n")
    assert read_regular(path, max_bytes=10) == b"1\n2\n"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        read_regular(fifo, max_bytes=10)


def test_a_device_is_refused() -> None:
    with pytest.raises(UsageError, match="not a regular file"):
        read_regular("/dev/zero", max_bytes=10)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        read_regular(tmp_path, max_bytes=10, what="data file")


def test_a_file_over_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(UsageError, match=r"3\.0 MiB; a data file may be at most 2 MiB"):
        read_regular(path, max_bytes=2 * 1024 * 1024, what="data file")


def test_a_missing_file_names_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such MIDI file"):
        read_regular(tmp_path / "nope.mid", max_bytes=10, what="MIDI file")
