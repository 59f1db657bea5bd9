"""Continuing a melody: key and metre kept, exact length in bars, --close ends on the tonic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.errors import UsageError
from distkit.music.base import BAR_STEPS, MAJOR_SCALE
from distkit.music.melody.continuation import continue_notes
from distkit.music.melody.events import Key, encode, estimate_key, melody_notes, roll_of
from distkit.music.melody.model import MAX_BARS, MelodyModel, check_bars
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
