"""Does a continuation copy a training tune? Runs of notes compared with the training split's.

A note is a pitch AND a length, so two runs are the same when every note's length and every step
between neighbouring pitches (the interval) are equal: a copy moved to another key still counts.
Rests are left out of the runs (a run goes on across a rest), and a run's first note is compared
by its length alone.

The issue asks how often a continuation "copies a training tune for 8 or more notes running".
Plagiarism is taking from one work more than an independent writer in the same idiom would
share with it anyway, so every length is measured on the models' continuations AND on the real
held-out continuations (tunes no model saw), and at several lengths (8, 12, 16 notes): the real
rate at each length is what the idiom shares by tradition and chance, the model's excess over it
is copying.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from distkit.music.melody.continuation import Note
from distkit.music.melody.folk import Tune

RUNS = (8, 12, 16)
"""The run lengths measured; 8 is the issue's."""


def note_runs(notes: Sequence[Note], run: int) -> list[tuple[int, ...]]:
    """Every run of `run` sounding notes as (first length, interval, length, ...)."""
    sounding = [(p, s) for p, s in notes if p is not None]
    runs = []
    for i in range(len(sounding) - run + 1):
        window = sounding[i : i + run]
        key = [window[0][1]]
        for (a, _), (b, length) in pairwise(window):
            key.extend((b - a, length))
        runs.append(tuple(key))
    return runs


class TrainingRuns:
    """The training split's runs of each length in RUNS."""

    def __init__(self, tunes: Iterable[Tune], runs: Sequence[int] = RUNS) -> None:
        self.runs: dict[int, set[tuple[int, ...]]] = {run: set() for run in runs}
        for tune in tunes:
            notes = tune.notes()
            for run, found in self.runs.items():
                found.update(note_runs(notes, run))

    def copies(self, notes: Sequence[Note], run: int = RUNS[0]) -> bool:
        """True when `notes` hold a run of `run` notes that some training tune has."""
        found = self.runs[run]
        return any(window in found for window in note_runs(notes, run))
