"""The key a melody model hears: the likeliest of 24 under its own scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.music.base import BAR_STEPS, MAJOR_SCALE, MINOR_SCALE
from distkit.music.melody.events import LOWEST, REST, Events, Key, estimate_key, melody_notes
from distkit.music.melody.keys import ALL_KEYS, likeliest_key, melody_key
from distkit.music.melody.model import FolkNgram, settings_key_method, shipped_ngram
from distkit.music.melody_text import melody_from_text


def scale_scorer(events: Events, minor: bool) -> np.ndarray:
    """A made-up model: a note outside its mode's scale costs 1 nat, and minor costs a little."""
    scale = MINOR_SCALE if minor else MAJOR_SCALE
    outside = [
        token != REST and (token + LOWEST) % 12 not in scale for token in events.pitches.tolist()
    ]
    return np.array(outside, dtype=float) + (0.001 if minor else 0.0)


def test_all_24_keys_are_tried() -> None:
    assert len(set(ALL_KEYS)) == 24


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 11), st.integers(0, 2**32 - 1), st.integers(48, 72))
def test_a_melody_using_a_whole_major_scale_is_heard_in_that_key(tonic, seed, low) -> None:
    rng = np.random.default_rng(seed)
    degrees = [*MAJOR_SCALE, *rng.choice(MAJOR_SCALE, 8)]
    rng.shuffle(degrees)
    notes = [(low + (tonic - low) % 12 + int(d), int(rng.integers(1, 9))) for d in degrees]
    assert likeliest_key(scale_scorer, notes, BAR_STEPS) == Key(tonic, "major")


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 11), st.integers(0, 2**32 - 1), st.integers(0, 15))
def test_a_melody_using_a_whole_minor_scale_is_heard_in_that_key(tonic, seed, start) -> None:
    rng = np.random.default_rng(seed)
    degrees = [*MINOR_SCALE, *rng.choice(MINOR_SCALE, 6)]
    rng.shuffle(degrees)
    notes = [(60 + tonic + int(d), int(rng.integers(1, 9))) for d in degrees]
    notes.insert(2, (None, 3))  # a rest changes nothing
    found = likeliest_key(scale_scorer, notes, BAR_STEPS, start)
    assert found == Key(tonic, "minor")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("G4 A4 B4 G4 D5:2 B4 G4 C5 B4 A4 G4 F#4 A4 G4:4", Key(7, "major")),
        ("A4 B4 C5 A4 E5:2 C5 A4 D5 C5 B4 A4 G#4 B4 A4:4", Key(9, "minor")),
        ("D5 B4 G4 B4 D5:2 G5:2 F#5 E5 D5 B4 A4:2 D5:2", Key(7, "major")),
    ],
)
def test_the_shipped_ngram_hears_the_key_of_plain_tunes(text: str, key: Key) -> None:
    notes = melody_notes(melody_from_text(text))
    assert likeliest_key(shipped_ngram().event_nll, notes, BAR_STEPS) == key


def test_the_profiles_hear_the_third_tune_in_d() -> None:
    """Where the two methods differ: the profiles weigh the many Ds, the model the G5 and F#."""
    notes = melody_notes(melody_from_text("D5 B4 G4 B4 D5:2 G5:2 F#5 E5 D5 B4 A4:2 D5:2"))
    assert estimate_key(notes) == Key(2, "major")
    assert melody_key("profile", shipped_ngram().event_nll, notes, BAR_STEPS) == Key(2, "major")
    assert melody_key("model", None, notes, BAR_STEPS) == Key(2, "major")  # no scorer
    assert melody_key("model", shipped_ngram().event_nll, notes, BAR_STEPS) == Key(7, "major")


def test_no_sounding_notes_give_c_major() -> None:
    assert likeliest_key(scale_scorer, [(None, 16)], BAR_STEPS) == Key(0, "major")


def test_settings_name_the_key_method(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"key": "model"}')
    assert settings_key_method(path) == "model"
    for text in ('{"key": "guess"}', "{}", "[1]", "not json"):
        path.write_text(text)
        assert settings_key_method(path) == "profile"
    assert settings_key_method(tmp_path / "missing.json") == "profile"


def test_the_shipped_ngram_continues_in_the_key_it_hears() -> None:
    notes = melody_notes(melody_from_text("D5 B4 G4 B4 D5:2 G5:2 F#5 E5 D5 B4 A4:2 D5:2"))
    model = FolkNgram()
    assert model.key_of(notes) == melody_key(
        model.key_method(), shipped_ngram().event_nll, notes, BAR_STEPS
    )
