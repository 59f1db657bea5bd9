"""The distributions benchmark runs end to end and prints a row for every case."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "distributions.py"


@pytest.mark.slow
def test_quick_benchmark_prints_every_case_with_a_ratio() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--quick"], capture_output=True, text=True, check=True
    )
    rows = {line.split()[0] for line in result.stdout.splitlines() if " 1e+0" in line}
    assert {
        "Gaussian.fit",
        "Gaussian.pdf",
        "Gaussian.cdf",
        "Binomial.pdf",
        "read_data_file",
    } <= rows
    assert "scipy.stats.norm.fit" in result.stdout
    assert "numpy.loadtxt" in result.stdout
    assert "scaled x10" in result.stdout
