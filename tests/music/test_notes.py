"""Specification of distkit.music.notes: runs of a piano roll as notes, and back."""

from __future__ import annotations

import numpy as np

from distkit.music.notes import Note, notes_of, track_of


def test_notes_are_the_runs_of_each_pitch_in_order_of_start() -> None:
    track = np.zeros((8, 128), dtype=bool)
    track[0:4, 60] = track[2:8, 64] = track[6:8, 60] = True
    assert notes_of(track) == [Note(60, 0, 4), Note(64, 2, 8), Note(60, 6, 8)]


def test_a_track_of_its_notes_is_the_track() -> None:
    track = np.random.default_rng(3).random((64, 128)) < 0.05
    assert np.array_equal(track_of(notes_of(track), 64), track)


def test_a_note_running_into_its_own_pitch_ends_a_step_early() -> None:
    track = track_of([Note(62, 0, 4), Note(62, 4, 5), Note(62, 5, 8)], 8)
    assert track[:, 62].tolist() == [True, True, True, False, True, True, True, True]
