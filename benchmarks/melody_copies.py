"""Does a continuation copy a training tune? Runs of notes compared with the training split's.

The one definition of a run of notes is `distkit.music.melody.runs.note_runs` (a pitch AND a
length per note, compared by intervals and lengths, so a transposed copy counts; rests left out),
which the sampler's copy guard uses too. Here the training runs are kept exactly (as sets of
tuples, not hashes), so the measure does not depend on the guard's index.

The issue asks how often a continuation "copies a training tune for 8 or more notes running".
Plagiarism is taking from one work more than an independent writer in the same idiom would
share with it anyway, so every length is measured on the models' continuations AND on the real
held-out continuations (tunes no model saw), and at several lengths (8, 12, 16 notes): the real
rate at each length is what the idiom shares by tradition and chance, the model's excess over it
is copying.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from distkit.music.melody.folk import Tune
from distkit.music.melody.runs import Note, note_runs

RUNS = (8, 12, 16)
"""The run lengths measured; 8 is the issue's."""


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
