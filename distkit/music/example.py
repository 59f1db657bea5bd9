"""A melody to try the music models on: Twinkle Twinkle Little Star, in G major, 12 bars of 4/4."""

from __future__ import annotations

from typing import TYPE_CHECKING

from distkit.music.base import STEPS_PER_QUARTER
from distkit.music.notes import Note, track_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

G4, A4, B4, C5, D5, E5 = 67, 69, 71, 72, 74, 76
_OPENING = [(G4, 1), (G4, 1), (D5, 1), (D5, 1), (E5, 1), (E5, 1), (D5, 2)]
_CLOSING = [(C5, 1), (C5, 1), (B4, 1), (B4, 1), (A4, 1), (A4, 1), (G4, 2)]
_MIDDLE = [(D5, 1), (D5, 1), (C5, 1), (C5, 1), (B4, 1), (B4, 1), (A4, 2)]

EXAMPLE_NAME = "twinkle"
# (MIDI pitch, length in quarter notes), written out for this project.
TWINKLE: tuple[tuple[int, float], ...] = tuple(
    _OPENING + _CLOSING + _MIDDLE + _MIDDLE + _OPENING + _CLOSING
)


def example_melody() -> NDArray[np.bool_]:
    """Twinkle Twinkle Little Star as a (192, 128) bool melody roll."""
    notes = []
    start = 0
    for pitch, quarters in TWINKLE:
        end = start + round(quarters * STEPS_PER_QUARTER)
        notes.append(Note(pitch, start, end))
        start = end
    return track_of(notes, start)
