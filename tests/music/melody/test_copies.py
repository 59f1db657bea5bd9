"""benchmarks/melody_copies.py: a copy is a run of notes equal in intervals AND lengths."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.music.melody.events import Key
from distkit.music.melody.folk import Tune

SOURCE = Path(__file__).resolve().parents[3] / "benchmarks" / "melody_copies.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("melody_copies", SOURCE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


copies = load()


def tune(notes: list[tuple[int | None, int]]) -> Tune:
    pitches = np.array([-1 if p is None else p for p, _ in notes], dtype=np.int64)
    steps = np.array([s for _, s in notes], dtype=np.int64)
    zeros = np.zeros(len(notes), dtype=np.int64)
    return Tune("t/1", pitches, steps, zeros, zeros + 16, Key(0, "major"))


TRAINING = [(60, 2), (62, 2), (64, 4), (65, 2), (67, 2), (69, 4), (67, 2), (65, 2), (64, 8)]


def test_a_transposed_copy_counts() -> None:
    runs = copies.TrainingRuns([tune(TRAINING)], runs=(8,))
    up_a_fifth = [(p + 7, s) for p, s in TRAINING[1:]]
    assert runs.copies(up_a_fifth, 8)


def test_the_same_pitches_in_another_rhythm_are_no_copy() -> None:
    runs = copies.TrainingRuns([tune(TRAINING)], runs=(8,))
    other_rhythm = [(p, 4 if s == 2 else 2) for p, s in TRAINING]
    assert not runs.copies(other_rhythm, 8)
    one_note_longer = [*TRAINING[:4], (65, 3), *TRAINING[5:]]
    assert not runs.copies(one_note_longer[:8], 8)
    assert not runs.copies(one_note_longer[1:], 8)


def test_seven_notes_are_not_a_run_of_eight() -> None:
    runs = copies.TrainingRuns([tune(TRAINING)], runs=(8,))
    assert not runs.copies(TRAINING[:7], 8)
    assert runs.copies(TRAINING[:8], 8)


def test_a_run_goes_on_across_a_rest() -> None:
    runs = copies.TrainingRuns([tune(TRAINING)], runs=(8,))
    assert runs.copies([*TRAINING[:3], (None, 4), *TRAINING[3:8]], 8)


def test_each_length_is_looked_up_apart() -> None:
    runs = copies.TrainingRuns([tune(TRAINING)], runs=(8, 9, 12))
    assert runs.copies(TRAINING, 9)
    assert not runs.copies(TRAINING, 12)  # the training tune has 9 notes


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(40, 90), st.integers(1, 16)), min_size=8, max_size=30),
    st.integers(-12, 12),
)
def test_every_run_of_a_training_tune_is_found_in_any_key(
    notes: list[tuple[int, int]], shift: int
) -> None:
    runs = copies.TrainingRuns([tune(list(notes))], runs=(8,))
    start = len(notes) // 3
    window = [(p + shift, s) for p, s in notes[start : start + 8]]
    assert runs.copies(window, 8) == (len(window) == 8)
