"""Where a chorale's lower voices sit below its melody: a register prior for the sampler.

In the 272 training chorales, each lower voice's pitches, measured from the mean pitch of the
chorale's soprano, are close to normal; REGISTER holds each voice's mean distance below the
soprano's mean and its spread, in semitones (`register_of` measures them; a test checks them
against the corpus). A Bach harmonizer keeps its alto, tenor and bass there under any melody;
a network shown a violin's wide line lets them follow it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from distkit.music.base import highest_pitches
from distkit_coconet.tokens import PITCH_SPAN, TOKENS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import NDArray

REGISTER = ((5.35, 2.91), (10.90, 3.31), (19.82, 4.63))
"""Alto, tenor and bass: semitones below the soprano's mean pitch, and the spread about it."""


def register_of(rolls: Iterable[NDArray[np.bool_]]) -> tuple[tuple[float, float], ...]:
    """Each lower voice's (mean distance below the soprano's mean pitch, spread) in semitones,
    over every sounding step of `rolls` ((4, steps, 128) each), each roll measured from its own
    soprano's mean."""
    below: list[list[NDArray[np.int64]]] = [[], [], []]
    for roll in rolls:
        lines = highest_pitches(np.asarray(roll, dtype=bool))
        soprano = lines[0][lines[0] >= 0]
        if not soprano.size:
            continue
        for voice in range(3):
            line = lines[voice + 1]
            below[voice].append(soprano.mean() - line[line >= 0])
    found = []
    for distances in below:
        pooled = np.concatenate(distances) if distances else np.zeros(0)
        found.append((float(pooled.mean()), float(pooled.std())) if pooled.size else (0.0, 0.0))
    return tuple(found)


def register_penalties(soprano: NDArray[np.int64]) -> torch.Tensor:
    """(3, TOKENS): for alto, tenor and bass, half the squared distance of each pitch token from
    where REGISTER puts the voice under `soprano` (tokens), in the voice's spreads; 0 for the
    rest token, and 0 everywhere when the soprano never sounds."""
    line = np.asarray(soprano, dtype=np.int64)
    sounding = line[(line >= 0) & (line < PITCH_SPAN)]
    penalties = torch.zeros((3, TOKENS))
    if not sounding.size:
        return penalties
    pitches = torch.arange(PITCH_SPAN, dtype=torch.float32)
    centre = float(sounding.mean())
    for voice, (below, spread) in enumerate(REGISTER):
        penalties[voice, :PITCH_SPAN] = 0.5 * ((pitches - (centre - below)) / spread) ** 2
    return penalties
