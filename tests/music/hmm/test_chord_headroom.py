"""benchmarks/chord_headroom.py: the classifier's learning curve and information oracles."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.music.hmm.conftest import C_MAJOR_CHORDS, chorale

pytest.importorskip("music21")

BENCHMARK = Path(__file__).parents[3] / "benchmarks" / "chord_headroom.py"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def headroom() -> ModuleType:
    spec = importlib.util.spec_from_file_location("chord_headroom", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DISTKIT_CACHE_DIR": str(cache), "DISTKIT_LOAD_PLUGINS": ""}
    return subprocess.run(
        [sys.executable, str(BENCHMARK), *args], capture_output=True, text=True, env=env
    )


def test_fermata_features_count_beats_to_the_next_and_since_the_last_phrase_end(
    headroom: ModuleType,
) -> None:
    from distkit.music.hmm import shipped_tables

    eight_beats = chorale(C_MAJOR_CHORDS * 2, tonic=0, mode="major")
    marked = replace(eight_beats, fermatas=(8, 28))
    plain, *_ = headroom.heard(marked, shipped_tables())
    features, *_ = headroom.with_fermatas(marked, shipped_tables())
    extra = features[:, plain.shape[1] :]
    assert extra.shape == (8, headroom.FERMATA_FEATURES)
    ahead = [int(np.argmax(row[:5])) for row in extra]
    behind = [int(np.argmax(row[5:])) for row in extra]
    assert ahead == [2, 1, 0, 4, 3, 2, 1, 0]
    assert behind == [4, 4, 4, 0, 1, 2, 3, 4]


def test_gain_per_doubling_is_the_slope_against_log2_of_the_chorales(
    headroom: ModuleType,
) -> None:
    rows = [(50, [0.40, 0.42]), (100, [0.43]), (200, [0.45, 0.45])]
    assert headroom.per_doubling(rows) == pytest.approx(0.02)
    assert headroom.per_doubling([(50, [0.4])]) == 0.0


def test_too_few_chorales_is_one_line_and_exit_2(cache: Path) -> None:
    result = run(cache, "--files", "2", "--draws", "1")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(
        "no training or no validation chorales among the files parsed: parse more"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--draws", "--files"])
def test_a_count_under_one_is_one_line_and_exit_2(cache: Path, option: str) -> None:
    result = run(cache, option, "0")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(f"{option} must be at least 1, not 0")
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_quick_run_prints_the_curve_the_oracles_and_the_decoder(cache: Path) -> None:
    result = run(cache, "--files", "20", "--draws", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.match(r"\d+ validation chorales, \d+ labelled beats", lines[0])
    curve = [re.match(r"trained on +(\d+) chorales: (\d\.\d{3}) ± 0\.000", line) for line in lines]
    counts = [int(match[1]) for match in curve if match]
    assert len(counts) == 4
    assert counts == sorted(counts)
    assert re.fullmatch(r"gain per doubling of the training chorales: [+-]\d\.\d{3}", lines[5])
    assert lines[6].startswith("oracle: + distance to Bach's fermatas: ")
    assert lines[7].startswith("oracle: music21's key of Bach's score: ")
    decoded = re.fullmatch(
        r"shipped model: decoded chords (\d\.\d{3}), classifier's first choice (\d\.\d{3})",
        lines[8],
    )
    assert decoded
    assert 0 < float(decoded[1]) <= 1
