"""Choosing notes step by step: likely pitches, without consecutive fifths, octaves or crossings,
opening on the tonic chord and closing on the melody's final."""

from __future__ import annotations

from itertools import combinations, product
from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER

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
    minus `penalty` for each consecutive fifth or octave, in similar or contrary motion, with the
    previous step (soprano included,
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
    """Consecutive fifths/octaves, in similar or contrary motion, from `previous` to each row of
    `lines`, plus crossed pairs."""
    upper, lower = _PAIRS[:, 0], _PAIRS[:, 1]
    high, low = lines[:, upper], lines[:, lower]
    before, after = previous[upper] - previous[lower], high - low
    sounding = (high >= 0) & (low >= 0)
    heard_before = (previous[upper] >= 0) & (previous[lower] >= 0)
    both_move = (high != previous[upper]) & (low != previous[lower])
    perfect = np.isin(after % 12, (0, 7)) & (after % 12 == before % 12)
    parallel = sounding & heard_before & both_move & perfect
    crossed = sounding & (after < 0)
    return np.asarray(parallel.sum(axis=1) + crossed.sum(axis=1), dtype=np.int64)


def cadence_probabilities(
    probs: NDArray[np.floating],
    soprano: NDArray[np.integer],
    pitch_classes: NDArray[np.integer],
    tonic: int,
    mode: str,
) -> NDArray[np.float64]:
    """`probs` (3, steps, pitches) held to a tonic opening and a close on the melody's final.

    When the melody's first note is in the tonic triad, its first beat is harmonized by the
    tonic chord (of the mode) over the tonic. Its last note (the tune's final, `melody_final`)
    is harmonized by the major triad over it (as Bach closes 251 of the 272 training chorales,
    minor ones included), with the dominant in the bass on the beat before when the final is the
    tonic. After the last note every voice rests. `pitch_classes` gives each pitch index's pitch
    class; `soprano` is -1 at rests.
    """
    probs = np.asarray(probs, dtype=np.float64).copy()
    steps = np.flatnonzero(soprano >= 0)
    if not steps.size:
        return probs
    triad = [(tonic + d) % 12 for d in (0, 3 if mode == "minor" else 4, 7)]
    chord = np.isin(pitch_classes, triad)
    root = pitch_classes == tonic % 12
    first, last = int(steps[0]), int(steps[-1])
    final = _class(soprano[last], pitch_classes)
    start = last
    while start > 0 and soprano[start - 1] == soprano[last]:
        start -= 1
    if _class(soprano[first], pitch_classes) in triad:
        beat_end = (first // STEPS_PER_QUARTER + 1) * STEPS_PER_QUARTER
        _hold(probs, slice(first, beat_end), (chord, chord, root))
    probs[:, last + 1 :] = 0.0
    if final >= 0:
        closing = np.isin(pitch_classes, [(final + d) % 12 for d in (0, 4, 7)])
        _hold(probs, slice(start, last + 1), (closing, closing, pitch_classes == final))
        before = (start // STEPS_PER_QUARTER - 1) * STEPS_PER_QUARTER
        if before >= 0 and final == tonic % 12:
            dominant = pitch_classes == (tonic + 7) % 12
            _hold(probs, slice(before, before + STEPS_PER_QUARTER), (None, None, dominant))
    return probs


def _class(index: int, pitch_classes: NDArray[np.integer]) -> int:
    return int(pitch_classes[index]) if 0 <= index < len(pitch_classes) else -1


def _hold(
    probs: NDArray[np.float64],
    steps: slice,
    allowed: tuple[NDArray[np.bool_] | None, ...],
) -> None:
    """Keep only the `allowed` pitches of each voice at `steps`, renormalised so it sounds."""
    for voice, mask in enumerate(allowed):
        if mask is None:
            continue
        kept = probs[voice, steps] * mask + 1e-6 * mask
        probs[voice, steps] = kept / kept.sum(axis=-1, keepdims=True)
