"""benchmarks/fitting.py runs end to end (distkit only, three sets) and prints a row per set
with the top fit's distance to the true distribution."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "fitting.py"
ROW = re.compile(
    r"^\| (?P<set>[^|]+) \| 500 \| (?P<seed>\d+) \| (?P<top>\w+) \| (?P<distance>[\d.]+)"
    r" \| [\d.]+ \|$"
)


@pytest.mark.slow
def test_the_quick_benchmark_prints_a_row_per_set() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--quick", "--tools", "distkit"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    rows = [m for line in result.stdout.splitlines() if (m := ROW.match(line))]
    assert [m["set"] for m in rows] == [
        "gamma(2, scale=3)",
        "weibull_min(1.5, scale=2)",
        "nbinom(3, 0.3)",
    ]
    assert [m["seed"] for m in rows] == ["0", "1", "2"]
    assert rows[2]["top"] == "nbinom"
    assert all(0 <= float(m["distance"]) < 0.1 for m in rows)
    assert "distkit's worst discrete distance" in result.stdout
