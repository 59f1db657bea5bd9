"""Data as people have it: CSV and TSV tables with --column, blank lines and comments skipped,
a bad value named by line and column, and lines that are too long refused at once."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.cli import cli
from distkit.distributions import read_numbers
from distkit.distributions.datafile import MAX_LINE_BYTES
from distkit.errors import DataFileError


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_plain_file_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", "# heights in cm\n170\n\n  # a note\n165.5\n   \n180\n")
    np.testing.assert_array_equal(read_numbers(path), [170, 165.5, 180])


@pytest.mark.parametrize(
    ("name", "text", "column", "expected"),
    [
        ("d.csv", "a,b\n1,2\n3,4\n", "b", [2, 4]),
        ("d.csv", "a,b\n1,2\n3,4\n", "1", [1, 3]),
        ("d.csv", "1,2\n3,4\n", "2", [2, 4]),  # no header
        ("d.csv", "x\n1.5\n2.5\n", None, [1.5, 2.5]),  # one column needs no --column
        ("d.csv", '"a","b"\n"1","2"\n', "b", [2]),  # quoted fields
        ("d.csv", "# exported\na,b\n\n1,2\n# mid\n3,4\n", "a", [1, 3]),
        ("d.tsv", "a\tb\n1\t2\n", "b", [2]),
        ("d.txt", "a;b\n1;2\n5;6\n", "b", [2, 6]),  # delimiter sniffed when a column is given
        ("d.txt", "1 2\n3 4\n", "2", [2, 4]),  # whitespace-separated
        ("d.csv", "\ufeffa,b\n1,2\n", "a", [1]),  # a byte-order mark
        ("d.csv", "a,b\r\n1,2\r\n3,4\r\n", "b", [2, 4]),  # Windows line ends
    ],
)
def test_a_table_column_is_read(
    tmp_path: Path, name: str, text: str, column: str | None, expected: list[float]
) -> None:
    path = write(tmp_path, name, text)
    np.testing.assert_array_equal(read_numbers(path, column=column), expected)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("a,b\n1,2\n3,x\n", "b", r"d\.csv, line 3, column 2: 'x' is not a number"),
        ("a,b\n1,2\n3,\n", "b", r"d\.csv, line 3, column 2: the field is empty"),
        ("a,b\n1,2\n3\n", "b", r"d\.csv, line 3: no column 2 \(the line has 1\)"),
        ("a,b\n1,2\n", "c", r"no column named 'c'; the header names a, b"),
        ("1,2\n", "c", r"no column named 'c'; the header names none"),
        ("a,b\n1,2\n", None, r"line 1: the table has 2 columns \(a, b\); choose one with --column"),
        ("a,b\n1,2\n", "0", r"columns are numbered from 1"),
        ("a,b\n1,2\n", "3", r"line 1: no column 3"),
        ("a,b\n1,nan\n", "b", r"line 2, column 2: 'nan' is not a finite number"),
        ("a,b\n", "a", r"no numbers in the chosen column"),
    ],
)
def test_a_bad_table_names_the_line_and_column(
    tmp_path: Path, text: str, column: str | None, message: str
) -> None:
    with pytest.raises(DataFileError, match=message):
        read_numbers(write(tmp_path, "d.csv", text), column=column)


def test_a_line_longer_than_the_cap_is_refused_without_reading_on(tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", b"1" * (MAX_LINE_BYTES * 3))
    with pytest.raises(DataFileError, match=r"d\.txt, line 1: the line is longer than 1 MiB"):
        read_numbers(path)
    path = write(tmp_path, "e.txt", b"1\n2\n" + b"3" * (5 * MAX_LINE_BYTES) + b"\n4\n")
    with pytest.raises(DataFileError, match=r"e\.txt, line 3: the line is longer"):
        read_numbers(path)


def test_fit_reads_a_csv_column_from_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", "name,height\nann,170\nbob,180\ncy,175\n")
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(path), "--column", "height", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["params"]["mu"] == pytest.approx(175)


def test_a_csv_error_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", "name,height\nann,170\nbob,tall\n")
    result = CliRunner().invoke(cli, ["fit", "gaussian", str(path), "--column", "height"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {path}, line 3, column 2: 'tall' is not a number"
    ]


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(finite, finite), min_size=1, max_size=30),
    header=st.booleans(),
    delimiter=st.sampled_from([",", "\t", ";"]),
)
def test_any_table_of_numbers_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[float, float]],
    header: bool,
    delimiter: str,
) -> None:
    lines = ([f"first{delimiter}second"] if header else []) + [
        f"{a!r}{delimiter}{b!r}" for a, b in rows
    ]
    path = tmp_path_factory.mktemp("t") / "data.txt"
    path.write_text("\n".join(lines) + "\n")
    column = "second" if header else "2"
    np.testing.assert_array_equal(read_numbers(path, column=column), [b for _, b in rows])
