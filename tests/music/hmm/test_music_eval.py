"""The music evaluation benchmark runs end to end and prints a row for every metric."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("music21")

from distkit.music.metrics import arrangement_metrics

BENCHMARK = Path(__file__).parents[3] / "benchmarks" / "music_eval.py"
# The first 14 corpus files hold two test-split chorales: quick to parse, hermetic.
QUICK = ["--files", "14", "--limit", "2"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def run(cache: Path, *args: str) -> str:
    env = {**os.environ, "DISTKIT_CACHE_DIR": str(cache), "DISTKIT_LOAD_PLUGINS": ""}
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), *QUICK, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return result.stdout


@pytest.mark.slow
def test_quick_evaluation_prints_bach_random_and_the_hmm_on_every_metric(cache: Path) -> None:
    output = run(cache)
    lines = output.splitlines()
    header = next(line for line in lines if line.startswith("metric"))
    assert header.split()[1:4] == ["Bach", "random", "chorale-hmm"]
    assert lines[0].startswith("2 test chorales")
    rows = [line for line in lines if "frame accuracy" in line]
    assert len(rows) == 3
    for row in rows:
        bach, random, hmm, nearest = row.split()[-4:]
        assert float(bach) == 1
        assert float(hmm) > float(random)
        assert nearest == "chorale-hmm"
    assert any(line.startswith("seconds per 8-bar melody") for line in lines)


@pytest.mark.slow
def test_json_output_has_a_value_per_metric_and_model(cache: Path) -> None:
    report = json.loads(run(cache, "--json"))
    assert report["chorales"] == 2
    silence = np.zeros((4, 16, 128), dtype=bool)
    metrics = set(arrangement_metrics(silence, silence, tonic=0, mode="major"))
    assert set(report["metrics"]) == set(report["nearest_bach"]) == metrics
    for values in report["metrics"].values():
        assert set(values) == {"Bach", "random", "chorale-hmm"}
    assert set(report["seconds_per_8_bars"]) == {"random", "chorale-hmm"}
