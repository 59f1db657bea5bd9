"""benchmarks/style_eval.py's rules for choosing a style model's sampler on validation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np

from distkit.music.metrics import FAULTS, Figure

BENCHMARK = Path(__file__).parents[3] / "benchmarks" / "style_eval.py"


def benchmark(name: str) -> Any:
    """A script of benchmarks/, loaded as it runs: its folder on sys.path for its siblings."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARK.with_name(f"{name}.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, str(BENCHMARK.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARK.parent))
    return module


def style_eval() -> Any:
    return benchmark("style_eval")


def rates(**values: float) -> dict[str, Figure]:
    return {name: Figure(values.get(name, 0.0), 0.0, 0.0) for name in FAULTS}


def test_the_distance_is_zero_at_the_corpus_and_grows_either_way() -> None:
    module = style_eval()
    corpus = rates(crossings=15.0, spacing_over_octave=16.0)
    assert module.fault_distance(corpus, corpus) == 0.0
    fewer = module.fault_distance(rates(crossings=1.0, spacing_over_octave=16.0), corpus)
    more = module.fault_distance(rates(crossings=60.0, spacing_over_octave=16.0), corpus)
    assert fewer > 0
    assert more > 0
    assert module.fault_distance(rates(crossings=4.0, spacing_over_octave=16.0), corpus) < fewer


def test_the_faults_rule_takes_the_nearest_and_breaks_near_ties_by_frames() -> None:
    module = style_eval()
    rows = {
        "tight": {"fault_distance": 1.50, "mean_frame": 0.30},
        "loose": {"fault_distance": 1.00, "mean_frame": 0.10},
        "close": {"fault_distance": 1.005, "mean_frame": 0.20},
    }
    assert module.choose(rows, "faults") == "close"
    assert module.choose(rows, "frames") == "tight"
    del rows["close"]
    assert module.choose(rows, "faults") == "loose"


def test_the_texture_statistics_of_a_held_note_and_a_moving_line() -> None:
    module = style_eval()
    roll = np.zeros((4, 16, 128), dtype=bool)
    roll[0, :, 72] = True
    roll[1, :, 67] = True
    for step, pitch in enumerate([60, 62, 64, 65] * 4):
        roll[2, step, pitch] = True
    roll[3, :8, 48] = True
    found = module.lower_texture([roll])
    assert found["voice2 onsets_per_beat"] == 0.25
    assert found["voice2 pitch_spread"] == 0.0
    assert found["voice3 onsets_per_beat"] == 4.0
    assert found["voice3 pitch_spread"] == np.std([60, 62, 64, 65])
    assert found["voice4 silent"] == 0.5
    assert module.texture_distance(found, found) == 0.0
    stiller = dict(found, **{"voice3 onsets_per_beat": 1.0})
    assert module.texture_distance(stiller, found) > 0


def test_the_texture_rule_sums_both_distances_and_drops_lost_frames() -> None:
    module = style_eval()
    rows = {
        "shipped": {"fault_distance": 1.0, "texture_distance": 1.0, "mean_frame": 0.16},
        "warm": {"fault_distance": 1.1, "texture_distance": 0.5, "mean_frame": 0.15},
        "hot": {"fault_distance": 1.3, "texture_distance": 0.1, "mean_frame": 0.13},
    }
    assert module.choose(rows, "texture") == module.choose(rows, "rests") == "warm"
    rows["hot"]["mean_frame"] = 0.145
    assert module.choose(rows, "texture") == "hot"
    rows["warm"]["texture_distance"] = 0.305
    assert module.choose(rows, "texture") == "warm"


def test_the_rhythm_profile_counts_notes_by_length_and_onsets_by_position() -> None:
    style_eval()
    module = benchmark("coconet_texture")
    roll = np.zeros((4, 16, 128), dtype=bool)
    roll[0, :, 72] = True
    roll[1, :, 67] = True
    for start, length, pitch in ((0, 3, 60), (3, 1, 62), (4, 4, 64), (8, 8, 65)):
        roll[2, start : start + length, pitch] = True
    roll[3, 4:12, 48] = True
    found = module.rhythm([roll])
    lengths = dict(zip([*module.LENGTH_BINS, "other"], found["lengths"], strict=True))
    assert lengths[16] == lengths[3] == lengths[1] == lengths[4] == 1 / 6
    assert lengths[8] == 2 / 6
    assert found["positions"] == [5 / 6, 0.0, 0.0, 1 / 6]
    bach = {"lengths": found["lengths"], "positions": found["positions"]}
    same = {style: bach for style in module.STYLES}
    assert module.rhythm_distance(same, bach) == 0.0
    dotted = {"lengths": [0, 0, 1, 0, 0, 0, 0, 0, 0], "positions": [0, 0, 0, 1]}
    assert module.rhythm_distance({s: dotted for s in module.STYLES}, bach) > 0.5


def test_the_outer_shares_are_ratios_of_sums_of_the_beat_to_beat_steps_where_both_sound() -> None:
    style_eval()
    module = benchmark("coconet_texture")

    def roll(top: list[int], bass: list[int]) -> np.ndarray:
        made = np.zeros((4, 4 * len(top), 128), dtype=bool)
        for beat, (high, low) in enumerate(zip(top, bass, strict=True)):
            made[0, 4 * beat : 4 * beat + 4, high] = True
            made[1, 4 * beat : 4 * beat + 4, 67] = True
            made[2, 4 * beat : 4 * beat + 4, 60] = True
            made[3, 4 * beat : 4 * beat + 4, low] = True
        return made

    mixed = roll([72, 74, 76, 76], [48, 47, 47, 45])  # contrary, oblique, oblique
    found = module.outer_shares([mixed, roll([72, 74], [48, 50])])  # similar
    assert found == {"outer_similar": 1 / 4, "outer_contrary": 1 / 4, "outer_oblique": 2 / 4}
    assert set(found) <= set(module.statistics([mixed]))


def test_the_onset_rates_count_each_lower_voice_s_new_notes_per_beat() -> None:
    style_eval()
    module = benchmark("coconet_texture")
    roll = np.zeros((4, 16, 128), dtype=bool)
    roll[0, :, 72] = True
    roll[1, :8, 67] = roll[1, 8:, 65] = True  # two notes in four beats
    roll[2, ::2, 60] = True  # a note, a rest, the same note again: eight notes
    roll[3, 4:, 48] = True  # a rest, then one note
    found = module.onset_rates([roll, roll])
    assert found == {"alto_onsets": 0.5, "tenor_onsets": 2.0, "bass_onsets": 0.25}
    assert set(found) <= set(module.statistics([roll]))


def test_the_pitch_spreads_are_each_lower_voice_s_spread_as_the_style_check_counts() -> None:
    style_eval()
    module = benchmark("coconet_texture")
    from distkit.music.style_check import feature_names, texture_features

    roll = np.zeros((4, 16, 128), dtype=bool)
    roll[0, :, 72] = True
    roll[1, :8, 67] = roll[1, 8:, 55] = True  # an octave apart: half an octave's spread
    roll[2, :, 60] = True
    roll[3, 4:8, 48] = roll[3, 8:, 52] = True  # a rest first, which is not counted
    other = roll.copy()
    other[1] = False  # a silent alto is left out of its mean
    found = module.pitch_spreads([roll, other])
    bass = float(np.std([48] * 4 + [52] * 8)) / 12
    assert found == {"alto_spread": 0.5, "tenor_spread": 0.0, "bass_spread": bass}
    features = dict(zip(feature_names(), texture_features(roll), strict=True))
    assert found["alto_spread"] == features["voice 2 pitch spread"]
    assert found["bass_spread"] == features["voice 4 pitch spread"]
    assert set(found) <= set(module.statistics([roll]))
