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

    edges = np.diff(np.pad(np.asarray(track, dtype=np.int8), ((1, 1), (0, 0))), axis=0)
    starts_at, pitches = np.nonzero(edges == 1)
    ends = np.nonzero(edges.T == -1)[1]
    by_pitch = np.lexsort((starts_at, pitches))
    notes = [
        Note(int(pitches[i]), int(starts_at[i]), int(end))
        for i, end in zip(by_pitch, ends, strict=True)
    ]
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
