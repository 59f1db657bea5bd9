"""Notes and piano-roll tracks, each turned into the other.

A note is a run of True cells of one pitch in a track; a note that ends exactly where another of
the same pitch starts is cut one step short, so the repeat keeps its attack in the roll.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from distkit.music.base import PITCHES

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray


class Note(NamedTuple):
    """A MIDI pitch sounding from step `start` up to, not including, step `end`."""

    pitch: int
    start: int
    end: int


def notes_of(track: NDArray[Any]) -> list[Note]:
    """The notes of a (steps, 128) track, in order of start then pitch."""
    import numpy as np

    from distkit.music.base import note_runs

    runs = note_runs(np.asarray(track)[np.newaxis])
    notes = [Note(pitch, start, end) for _, pitch, start, end in runs.tolist()]
    return sorted(notes, key=lambda note: (note.start, note.pitch))


def track_of(notes: Iterable[Note], steps: int) -> NDArray[np.bool_]:
    """A (steps, 128) bool track with each note laid in, repeats separated."""
    import numpy as np

    track = np.zeros((steps, PITCHES), dtype=bool)
    for pitch, start, end in separate_repeats(notes):
        track[start:end, pitch] = True
    return track


def separate_repeats(notes: Iterable[Note]) -> list[Note]:
    """The notes, each one that runs into a note of its own pitch ending a step early."""
    ordered = sorted(notes, key=lambda note: (note.pitch, note.start, note.end))
    starts = {(note.pitch, note.start) for note in ordered}
    return [
        note._replace(end=note.end - 1)
        if (note.pitch, note.end) in starts and note.end - note.start > 1
        else note
        for note in ordered
    ]
