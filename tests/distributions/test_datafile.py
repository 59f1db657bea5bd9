"""read_numbers: one number per line, and an error naming the file and line for anything else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from distkit.distributions import read_numbers
from distkit.errors import DataFileError, UsageError


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    return path


def test_reads_one_float_per_line(tmp_path: Path) -> None:
    values = read_numbers(write(tmp_path, b"1\n-2.5\n3e2\n"))
    assert values.dtype == np.float64
    assert values.tolist() == [1.0, -2.5, 300.0]


def test_last_line_may_lack_its_newline(tmp_path: Path) -> None:
    assert read_numbers(write(tmp_path, b"1\n2")).tolist() == [1.0, 2.0]


def test_windows_line_endings_and_surrounding_spaces_are_accepted(tmp_path: Path) -> None:
    assert read_numbers(write(tmp_path, b" 1\r\n2 \r\n")).tolist() == [1.0, 2.0]


def test_a_utf8_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    assert read_numbers(write(tmp_path, b"\xef\xbb\xbf4\n5\n")).tolist() == [4.0, 5.0]


def test_agrees_with_numpy_loadtxt_on_many_lines(tmp_path: Path) -> None:
    expected = np.random.default_rng(7).normal(size=10_000)
    path = tmp_path / "many.txt"
    np.savetxt(path, expected, fmt="%.17g")
    np.testing.assert_array_equal(read_numbers(path), np.loadtxt(path))
    np.testing.assert_array_equal(read_numbers(path), expected)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"data\.txt, line 1: the file is empty"),
        (b"\n\n", r"data\.txt, line 1: the file is empty"),
        (b"# only a comment\n\n", r"data\.txt: no numbers, only blank lines and # comments"),
        (b"1\n2\nabc\n", r"data\.txt, line 3: 'abc' is not a number"),
        (b"1 2\n", r"data\.txt, line 1: '1 2' is not a number"),
        (b"1,5\n", r"data\.txt, line 1: '1,5' is not a number"),
        (b"1\nnan\n", r"data\.txt, line 2: 'nan' is not a finite number"),
        (b"1\n2\n-inf\n", r"data\.txt, line 3: '-inf' is not a finite number"),
        (b"1\n1e400\n", r"data\.txt, line 2: '1e400' is not a finite number"),
        (b"\xff\xfe\n", r"data\.txt, line 1: .* is not a number"),
    ],
)
def test_a_bad_file_names_the_file_and_the_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(DataFileError, match=message):
        read_numbers(write(tmp_path, content))


def test_a_missing_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"missing\.txt: no such data file"):
        read_numbers(tmp_path / "missing.txt")


def test_a_folder_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="is a folder"):
        read_numbers(tmp_path)


def test_data_file_errors_are_usage_errors_and_value_errors(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        read_numbers(write(tmp_path, b"x\n"))
    assert isinstance(caught.value, UsageError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(("name", "separator"), [("big.csv", ","), ("big.tsv", "\t")])
def test_a_field_longer_than_csv_allows_names_the_file_and_line(
    tmp_path: Path, name: str, separator: str
) -> None:
    path = tmp_path / name
    path.write_text(f'a{separator}b\n"{"x" * 200_000}"{separator}1\n2{separator}3\n')
    with pytest.raises(DataFileError, match=rf"{name}, line 2: field larger than field limit"):
        read_numbers(path, column="2")
