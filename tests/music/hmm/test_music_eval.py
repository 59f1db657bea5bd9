"""The music evaluation benchmark runs end to end and prints the teacher's panel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("music21")

from distkit.music.chorales import Chorale
from distkit.music.metrics import panel

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
def test_quick_evaluation_prints_the_panel_with_intervals_and_the_ceiling(cache: Path) -> None:
    output = run(cache)
    lines = output.splitlines()
    assert lines[0].startswith("2 test-split chorales (split by tune)")
    header = next(line for line in lines if line.startswith("metric"))
    assert header.split()[1:] == ["Bach", "random", "chorale-hmm", "ceiling"]
    beat_chord = next(line for line in lines if line.startswith("beat chord"))
    values = [float(v) for v in re.findall(r"(\d\.\d{3}) \[", beat_chord)]
    bach, random, hmm = values[:3]
    assert bach == 1
    assert hmm > random
    assert sum("/100 beats" in line for line in lines) == 8
    assert any(line.startswith("chorale-hmm: ") and "goals met" in line for line in lines)


@pytest.mark.slow
def test_json_output_has_every_panel_figure_for_every_column(cache: Path) -> None:
    report = json.loads(run(cache, "--json"))
    assert report["chorales"] == 2
    assert set(report["panel"]) == {"Bach", "random", "chorale-hmm"}
    silence = np.zeros((4, 16, 128), dtype=bool)
    names = set(panel(silence, silence, tonic=0))
    for figures in report["panel"].values():
        assert set(figures) == names
        for figure in figures.values():
            assert set(figure) == {"value", "low", "high"}
    assert report["summaries"]["chorale-hmm"]["goals"] == 12


def test_recording_a_panel_needs_the_whole_test_split(cache: Path) -> None:
    env = {**os.environ, "DISTKIT_CACHE_DIR": str(cache), "DISTKIT_LOAD_PLUGINS": ""}
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--split", "validation", "--files", "3", "--record"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 2
    assert "--record takes the whole test split" in result.stderr


def test_models_that_give_a_likelihood_get_an_nll_figure_weighted_by_cells(
    cache: Path,
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("music_eval", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class Scored:
        def negative_log_likelihood(self, arrangement: np.ndarray) -> float:
            return float(arrangement.shape[1])  # 1 nat per cell per step of length

    chorales = [
        Chorale("a", np.zeros((4, 8, 128), dtype=bool), 0, "major"),
        Chorale("b", np.zeros((4, 24, 128), dtype=bool), 0, "major"),
    ]
    figures = module.likelihoods(chorales, {"scored": Scored(), "plain": object()})
    assert set(figures) == {"scored"}
    assert figures["scored"].value == pytest.approx((8 * 24 + 24 * 72) / (24 + 72))
