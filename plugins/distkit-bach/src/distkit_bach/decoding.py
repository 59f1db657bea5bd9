"""Choosing notes step by step: likely pitches, without parallel fifths, octaves or crossings."""

from __future__ import annotations

from itertools import combinations, product
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

CANDIDATES = 3
PENALTY = 3.0
SHORT_PENALTY = 1.0
SOUNDING = 0.5
_PAIRS = np.array(list(combinations(range(4), 2)))


def decode_voices(
    probs: NDArray[np.floating],
    soprano: NDArray[np.integer],
    *,
    penalty: float = PENALTY,
    short_penalty: float = SHORT_PENALTY,
) -> NDArray[np.bool_]:
    """Notes (3, steps, pitches) for alto, tenor and bass from their pitch probabilities.

    At each step every voice that likely sounds (expected notes >= 0.5) takes one of its
    CANDIDATES likeliest pitches; the combination chosen maximises the summed log-probability
    minus `penalty` for each parallel fifth or octave with the previous step (soprano included,
    `soprano` gives its pitch index per step, -1 for a rest) and each pair of crossed voices,
    and minus `short_penalty` for each voice that leaves a note after a single step.
    """
    voices, steps, _ = probs.shape
    order = np.argsort(-probs, axis=-1)[..., :CANDIDATES]
    logp = np.log(np.take_along_axis(probs, order, axis=-1) + 1e-9)
    sounding = probs.sum(axis=-1) >= SOUNDING
    combos = np.array(list(product(range(CANDIDATES), repeat=voices)))
    voice_index = np.arange(voices)
    notes = np.zeros(probs.shape, dtype=bool)
    previous = np.full(voices + 1, -1)
    held = np.zeros(voices, dtype=np.int64)
    for step in range(steps):
        heard = sounding[:, step]
        chosen = np.where(heard, order[voice_index, step][voice_index, combos], -1)
        score = np.where(heard, logp[voice_index, step][voice_index, combos], 0).sum(axis=1)
        lines = np.column_stack([np.full(len(combos), soprano[step]), chosen])
        cut_short = ((chosen != previous[1:]) & (previous[1:] >= 0) & (held == 1)).sum(axis=1)
        total = score - penalty * _faults(previous, lines) - short_penalty * cut_short
        best = lines[int(total.argmax())]
        held = np.where(best[1:] == previous[1:], held + 1, 1)
        for voice, pitch in enumerate(best[1:]):
            if pitch >= 0:
                notes[voice, step, pitch] = True
        previous = best
    return notes


def _faults(previous: NDArray[np.integer], lines: NDArray[np.integer]) -> NDArray[np.int64]:
    """Parallel fifths/octaves from `previous` to each row of `lines`, plus crossed pairs."""
    upper, lower = _PAIRS[:, 0], _PAIRS[:, 1]
    high, low = lines[:, upper], lines[:, lower]
    before, after = previous[upper] - previous[lower], high - low
    sounding = (high >= 0) & (low >= 0)
    heard_before = (previous[upper] >= 0) & (previous[lower] >= 0)
    both_move = (high != previous[upper]) & (low != previous[lower])
    same_way = np.sign(high - previous[upper]) == np.sign(low - previous[lower])
    perfect = np.isin(after % 12, (0, 7)) & (after % 12 == before % 12)
    parallel = sounding & heard_before & both_move & same_way & perfect
    crossed = sounding & (after < 0)
    return np.asarray(parallel.sum(axis=1) + crossed.sum(axis=1), dtype=np.int64)
