"""Hand-made chorales and melodies for the chorale HMM's tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from distkit.music.chorales import Chorale

C_MAJOR_CHORDS = [(72, 67, 64, 48), (72, 69, 65, 53), (71, 67, 62, 43), (72, 67, 64, 48)]
A_MINOR_CHORDS = [(69, 64, 60, 45), (69, 65, 62, 50), (68, 64, 59, 40), (69, 64, 60, 45)]


def chorale(
    chords: Sequence[tuple[int, int, int, int]], *, tonic: int, mode: str, name: str = "x"
) -> Chorale:
    """A chorale of one SATB chord per beat, each voice held for the beat."""
    roll = np.zeros((4, 4 * len(chords), 128), dtype=bool)
    for beat, pitches in enumerate(chords):
        for voice, pitch in enumerate(pitches):
            roll[voice, 4 * beat : 4 * beat + 4, pitch] = True
    return Chorale(id=name, roll=roll, tonic=tonic, mode="minor" if mode == "minor" else "major")


def melody(*notes: tuple[int | None, int]) -> np.ndarray:
    """A (steps, 128) melody from (pitch or None for a rest, steps) pairs."""
    roll = np.zeros((sum(steps for _, steps in notes), 128), dtype=bool)
    start = 0
    for pitch, steps in notes:
        if pitch is not None:
            roll[start : start + steps, pitch] = True
        start += steps
    return roll


OLD_HUNDREDTH = melody(
    *[(p, 4) for p in (67, 67, 66, 64, 62, 67, 69, 71)],
    (71, 4), (71, 4), (71, 4), (69, 4), (67, 4), (72, 4), (71, 4), (69, 8),
)  # fmt: skip
