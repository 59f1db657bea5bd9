"""Specification of distkit.music.example: the bundled melody."""

from __future__ import annotations

import numpy as np

from distkit.music.example import TWINKLE, example_melody
from distkit.music.notes import notes_of


def test_the_example_is_twelve_bars_of_one_line() -> None:
    melody = example_melody()
    assert melody.shape == (12 * 16, 128)
    assert melody.dtype == np.bool_
    assert (melody.sum(axis=1) <= 1).all()


def test_the_example_plays_every_note_of_twinkle_twinkle() -> None:
    notes = notes_of(example_melody())
    assert [note.pitch for note in notes] == [pitch for pitch, _ in TWINKLE]
    assert [note.pitch for note in notes[:7]] == [67, 67, 74, 74, 76, 76, 74]


def test_each_note_of_the_example_starts_on_its_beat() -> None:
    starts = np.cumsum([0] + [4 * quarters for _, quarters in TWINKLE[:-1]])
    assert [note.start for note in notes_of(example_melody())] == starts.tolist()
