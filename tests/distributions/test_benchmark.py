"""The distributions benchmark runs end to end and prints a consistent row for every case."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "distributions.py"
CASE = re.compile(r"^(?P<case>\S+(?: n=\S+)?)\s+(?P<n>\de\+\d\d)\s")
FOOTNOTE = re.compile(r"^  (?P<case>.+): (?P<seconds>[\d.]+) s measured on .*, scaled x(?P<x>\d+)$")


@pytest.fixture(scope="module")
def quick_output() -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--quick"], capture_output=True, text=True, check=True
    )
    return result.stdout


def rows(output: str) -> dict[str, list[str]]:
    table = {}
    for line in output.splitlines():
        if match := CASE.match(line):
            table[match["case"]] = line[match.end() :].split()
    return table


@pytest.mark.slow
def test_quick_benchmark_prints_every_case_against_its_peer(quick_output: str) -> None:
    table = rows(quick_output)
    assert {"Gaussian.fit", "Gaussian.pdf", "Gaussian.cdf", "read_data_file"} <= table.keys()
    assert table["Gaussian.fit"][1] == "scipy.stats.norm.fit"
    assert table["read_data_file"][1] == "numpy.loadtxt"


@pytest.mark.slow
def test_scaled_course_times_are_the_measured_time_times_the_factor(quick_output: str) -> None:
    table = rows(quick_output)
    footnotes = [FOOTNOTE.match(line) for line in quick_output.splitlines()]
    scaled = {m["case"]: (float(m["seconds"]), int(m["x"])) for m in footnotes if m}
    assert scaled, "no scaled rows"
    for case, (seconds, factor) in scaled.items():
        shown = table[case][-2]
        assert shown.endswith("*")
        rounding = 0.0005 * (factor + 1)
        assert float(shown[:-1]) == pytest.approx(seconds * factor, abs=rounding)
    assert not table["read_data_file"][-2].endswith("*")
