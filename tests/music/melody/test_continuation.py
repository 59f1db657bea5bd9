"""Continuing a melody: key and metre kept, exact length in bars, --close ends on the tonic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.errors import UsageError
from distkit.music.base import BAR_STEPS, MAJOR_SCALE, MINOR_SCALE
from distkit.music.melody.continuation import (
    Sampling,
    _nucleus,
    continue_notes,
    out_of_scale_tokens,
)
from distkit.music.melody.events import Events, Key, encode, estimate_key, melody_notes, roll_of
from distkit.music.melody.model import MAX_BARS, MelodyModel, check_bars, settings_sampling
from distkit.music.melody.ngram import NgramModel
from distkit.music.melody_text import melody_from_text

SCALE_TUNE = "C5 D5 E5 F5 G5:2 E5:2 F5 E5 D5 C5 D5:2 G4:2 C5 E5 G5 E5 F5 D5 B4 D5 C5:4"


def scale_model() -> NgramModel:
    """An n-gram model fitted on one C major tune, many times over."""
    notes = melody_notes(melody_from_text(SCALE_TUNE))
    return NgramModel(3, 3).fit([(encode(notes, Key(0, "major"), BAR_STEPS), False)] * 20)


class ScaleModel(MelodyModel):
    name = "scale-test"

    def predictor(self) -> NgramModel:
        return scale_model()


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**32 - 1), st.booleans())
def test_the_continuation_lasts_exactly_the_bars_asked(bars, seed, close):
    melody = melody_from_text("C5 D5 E5 F5 G5:2")  # a bar and a half
    continued = ScaleModel().continue_melody(melody, bars, seed=seed, close=close)
    assert continued.shape == ((2 + bars) * BAR_STEPS, 128)
    assert np.array_equal(continued[: melody.shape[0] - 1], melody[:-1])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_close_ends_on_the_tonic(seed):
    melody = melody_from_text("C5 D5 E5 C5 G5:2 E5 C5 F5 D5 B4 G4")  # C major, ends on G
    assert estimate_key(melody_notes(melody)) == Key(0, "major")
    continued = ScaleModel().continue_melody(melody, 2, seed=seed, close=True)
    sounding = np.flatnonzero(continued.any(axis=1))
    last = int(np.flatnonzero(continued[sounding[-1]])[0])
    assert last % 12 == 0
    assert sounding[-1] == continued.shape[0] - 1  # the tonic is held to the end


@pytest.mark.parametrize("shift", [0, 2, 7])
def test_the_continuation_stays_in_the_melodys_key(shift):
    """The model learned C major; a melody in D or G major is continued in D or G major."""
    text = " ".join(
        f"{name}{octave}" + (":" + length if length else "")
        for name, octave, length in [
            ("C", 5, ""),
            ("E", 5, ""),
            ("G", 5, "2"),
            ("F", 5, ""),
            ("D", 5, ""),
            ("B", 4, "2"),
            ("C", 5, "4"),
        ]
    )
    melody = np.roll(melody_from_text(text), shift, axis=1)
    key = estimate_key(melody_notes(melody))
    assert key == Key(shift, "major")
    continued = ScaleModel().continue_melody(melody, 4, seed=1)
    added = np.flatnonzero(continued[melody.shape[0] :].any(axis=0))
    scale = {(degree + shift) % 12 for degree in MAJOR_SCALE}
    assert added.size
    assert all(int(p) % 12 in scale for p in added)


def test_keeps_the_metre_no_note_crosses_into_the_next_piece():
    notes = [(72, 4), (74, 4), (76, 8)]
    new = continue_notes(scale_model(), notes, Key(0, "major"), 48, bar_steps=BAR_STEPS, seed=3)
    assert sum(steps for _, steps in new) == 32


@pytest.mark.parametrize("bad", [0, -1, MAX_BARS + 1, 10**30, 2.5, True, "4"])
def test_bad_numbers_of_bars_are_one_usage_error(bad):
    with pytest.raises(UsageError, match="number of bars"):
        check_bars(bad)
    with pytest.raises(UsageError):
        ScaleModel().continue_melody(melody_from_text("C5 D5"), bad)


def test_a_silent_melody_cannot_be_continued():
    with pytest.raises(UsageError, match="no notes"):
        ScaleModel().continue_melody(np.zeros((16, 128), dtype=bool), 2)


def test_a_melody_model_says_it_does_not_harmonize():
    with pytest.raises(UsageError, match="melody model"):
        ScaleModel().harmonize(melody_from_text("C5 D5"))


def test_notes_and_rolls_round_trip_with_repeated_pitches_and_rests():
    notes = [(72, 4), (72, 4), (None, 2), (74, 2), (74, 8)]
    assert melody_notes(roll_of(notes)) == notes


def test_the_same_seed_gives_the_same_continuation():
    melody = melody_from_text("C5 D5 E5 F5")
    first = ScaleModel().continue_melody(melody, 2, seed=9)
    assert np.array_equal(first, ScaleModel().continue_melody(melody, 2, seed=9))


class Chromatic:
    """An event predictor that gives every pitch the same weight, and quarter notes."""

    def pitch_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int
    ) -> np.ndarray:
        return np.ones(61)

    def duration_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int, pitch: int
    ) -> np.ndarray:
        probabilities = np.zeros(25)
        probabilities[3] = 1.0
        return probabilities


@pytest.mark.parametrize("mode", ["major", "minor"])
def test_a_zero_weight_outside_the_scale_keeps_every_pitch_in_it(mode: str) -> None:
    key = Key(2, "minor" if mode == "minor" else "major")
    scale = MINOR_SCALE if mode == "minor" else MAJOR_SCALE
    new = continue_notes(Chromatic(), [(62, 4)], key, 4 + 64 * 4, bar_steps=BAR_STEPS, seed=0,
                         sampling=Sampling(out_of_scale=0.0))  # fmt: skip
    pitches = [p for p, _ in new if p is not None]
    assert len(pitches) > 40
    assert all((p - 2) % 12 in scale for p in pitches)
    plain = continue_notes(Chromatic(), [(62, 4)], key, 4 + 64 * 4, bar_steps=BAR_STEPS, seed=0)
    assert any((p - 2) % 12 not in scale for p, _ in plain if p is not None)


def test_a_half_weight_outside_the_scale_halves_those_pitches_odds() -> None:
    key = Key(0, "major")
    outside = set(out_of_scale_tokens(False))
    counts = {True: 0, False: 0}
    for seed in range(4):
        new = continue_notes(Chromatic(), [(60, 4)], key, 4 + 64 * 4, bar_steps=BAR_STEPS,
                             seed=seed, sampling=Sampling(out_of_scale=0.5))  # fmt: skip
        for pitch, _ in new:
            token = 60 if pitch is None else pitch - 60 + 24  # rests count as in the scale
            counts[token in outside] += 1
    share = counts[True] / (counts[True] + counts[False])
    expected = 0.5 * len(outside) / (0.5 * len(outside) + 61 - len(outside))
    assert abs(share - expected) < 0.05


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=2, max_size=61).filter(lambda v: sum(v) > 0),
    st.floats(0.01, 1.0),
)
def test_the_nucleus_keeps_the_fewest_likeliest_reaching_top_p(
    values: list[float], top_p: float
) -> None:
    probabilities = np.array(values)
    kept = _nucleus(probabilities, top_p)
    chosen = kept > 0
    assert chosen.any()
    assert np.array_equal(kept[chosen], probabilities[chosen])
    total = probabilities.sum()
    assert kept.sum() >= top_p * total - 1e-9 or np.isclose(kept.sum(), total)
    if chosen.sum() > 1:  # without its least likely member the set would fall short
        assert kept.sum() - kept[chosen].min() < top_p * total + 1e-9
    if (~chosen).any():
        assert probabilities[~chosen].max() <= probabilities[chosen].min()


@pytest.mark.parametrize(
    "bad", [{"temperature": 0}, {"temperature": -1}, {"top_p": 0}, {"top_p": 1.5},
            {"out_of_scale": -0.1}, {"out_of_scale": 2}, {"temperature": float("nan")}],
)  # fmt: skip
def test_bad_sampling_settings_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        Sampling(**bad)


def test_settings_files_give_the_sampling_and_plain_values_where_unusable(tmp_path: Path) -> None:
    path = tmp_path / "sampler.json"
    path.write_text('{"temperature": 0.9, "top_p": 0.95, "out_of_scale": 0.5}')
    assert settings_sampling(path) == Sampling(0.9, 0.95, 0.5)
    path.write_text('{"temperature": -2, "top_p": "x", "out_of_scale": 0.25}')
    assert settings_sampling(path) == Sampling(out_of_scale=0.25)
    path.write_text("[1, 2]")
    assert settings_sampling(path) == Sampling()
    assert settings_sampling(tmp_path / "missing.json") == Sampling()


def test_the_shipped_models_read_their_settings() -> None:
    from distkit.music.melody.model import SETTINGS, FolkNgram, data_file

    assert FolkNgram().sampling() == settings_sampling(data_file(SETTINGS))
