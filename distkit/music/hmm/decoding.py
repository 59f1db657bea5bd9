"""Decoding a melody with the chorale HMM: its key, then the likeliest chord on each beat.

The key is the one `key.estimate_key` hears (of 24). In that key, the hidden states are chords,
one per beat (quarter note), and the melody's pitch classes are what they emit; Viterbi decoding
picks the likeliest chord sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, melody_final
from distkit.music.hmm.key import END_WEIGHT, estimate_key, log_emissions

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.context import ContextNet
    from distkit.music.hmm.tables import ChoraleTables, ModeTables

CONTEXT_WEIGHT = 2.0
PENULTIMATE_DOMINANT = 3.0
_FORBIDDEN = -1e9


@dataclass(frozen=True)
class Harmony:
    """The decoded key and each beat's chord (an index into that mode's tables; -1 if silent)."""

    tonic: int
    mode: str
    chords: NDArray[np.int64]
    emission: NDArray[np.float64] | None = None
    """Each beat's log-likelihood under each chord (beats, chords), cadence weights included."""
    bass_gaps: NDArray[np.float64] | None = None
    """Each beat's log-probability of each soprano-to-bass distance (beats, GAPS), if known."""


def decode(
    beats: NDArray[np.int64],
    tables: ChoraleTables,
    context: ContextNet | None = None,
    fixed: NDArray[np.int64] | None = None,
) -> Harmony:
    """The likeliest key for the melody, then the likeliest chord on each beat in that key.

    With a `context` classifier, its log-probabilities (times CONTEXT_WEIGHT) join the emissions,
    and its soprano-to-bass distances go with the harmony to the voicing. `fixed` (beats,) holds
    a chord state for each beat whose chord is given (a passage's kept neighbours), -1 elsewhere:
    Viterbi decodes the other beats between them.
    """
    tonic, mode = estimate_key(beats, tables)
    model = tables.mode(mode)
    emission = log_emissions(beats, tonic, model) + cadence(beats, tonic, model)
    gaps = None
    if context is not None:
        from distkit.music.hmm.context import beat_features

        features = beat_features(beats, tonic, mode)
        emission = emission + CONTEXT_WEIGHT * context.log_posteriors(features, mode)
        gaps = context.gap_log_probs(features)
    if fixed is not None:
        given = np.flatnonzero(fixed >= 0)
        kept = emission[given, fixed[given]]
        emission = emission.copy()
        emission[given] = _FORBIDDEN
        emission[given, fixed[given]] = kept
    chords = viterbi(emission, model)
    chords[~(beats >= 0).any(axis=1)] = -1
    return Harmony(tonic, mode, chords, emission, gaps)


def cadence(beats: NDArray[np.int64], tonic: int, model: ModeTables) -> NDArray[np.float64]:
    """Log-weights (beats, chords) that end the piece on the melody's final in the bass.

    From the beat where the melody's last note begins, only chords over that note's pitch class
    (`melody_final`, the tonic of a chorale tune's mode) may sound. When that final is the key's
    tonic, the beat before favours a chord over the dominant (an authentic close); a modal final
    (a Phrygian close, say) is approached as the tables like.
    """
    weights = np.zeros((len(beats), len(model.bass)))
    steps = beats.reshape(-1)
    final_class = melody_final(steps)
    if final_class is None:
        return weights
    over_final = model.bass == (final_class - tonic) % 12
    if not over_final.any():
        return weights
    last = int(np.flatnonzero(steps >= 0)[-1])
    start = last
    while start > 0 and steps[start - 1] == steps[last]:
        start -= 1
    final = start // STEPS_PER_QUARTER
    weights[final : last // STEPS_PER_QUARTER + 1, ~over_final] = _FORBIDDEN
    if final > 0 and final_class == tonic % 12:
        weights[final - 1, model.bass == 7] += PENULTIMATE_DOMINANT
    return weights


def viterbi(emission: NDArray[np.float64], model: ModeTables) -> NDArray[np.int64]:
    """The likeliest chord sequence for the emissions (log domain)."""
    transition = np.log(model.transition)
    score = np.log(model.start) + emission[0]
    back = np.zeros(emission.shape, dtype=np.int64)
    for beat in range(1, len(emission)):
        candidates = score[:, None] + transition
        back[beat] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + emission[beat]
    path = np.zeros(len(emission), dtype=np.int64)
    path[-1] = int(np.argmax(score + END_WEIGHT * np.log(model.end)))
    for beat in range(len(emission) - 1, 0, -1):
        path[beat - 1] = back[beat, path[beat]]
    return path
