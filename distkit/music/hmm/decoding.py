"""Decoding a melody with the chorale HMM: its key, then the likeliest chord on each beat.

The key is the one (of 24) under which the forward algorithm finds the melody likeliest. In that
key, the hidden states are chords, one per beat (quarter note), and the melody's pitch classes
are what they emit; Viterbi decoding picks the likeliest chord sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, melody_final

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.context import ContextNet
    from distkit.music.hmm.tables import ChoraleTables, ModeTables

ONSET_WEIGHT = 0.6
OFFBEAT_WEIGHT = 0.1
END_WEIGHT = 1.0
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


def beat_grid(line: NDArray[np.int64]) -> NDArray[np.int64]:
    """A melody line (steps,) as (beats, 4) pitches, padded with -1 (silence) to whole beats."""
    beats = -(-len(line) // STEPS_PER_QUARTER)
    grid = np.full(beats * STEPS_PER_QUARTER, -1, dtype=np.int64)
    grid[: len(line)] = line
    return grid.reshape(beats, STEPS_PER_QUARTER)


def decode(
    beats: NDArray[np.int64], tables: ChoraleTables, context: ContextNet | None = None
) -> Harmony:
    """The likeliest key for the melody, then the likeliest chord on each beat in that key.

    With a `context` classifier, its log-probabilities (times CONTEXT_WEIGHT) join the emissions,
    and its soprano-to-bass distances go with the harmony to the voicing.
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
    chords = viterbi(emission, model)
    chords[~(beats >= 0).any(axis=1)] = -1
    return Harmony(tonic=tonic, mode=mode, chords=chords, emission=emission, bass_gaps=gaps)


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


def log_emissions(beats: NDArray[np.int64], tonic: int, model: ModeTables) -> NDArray[np.float64]:
    """Log-likelihood of each beat's melody notes under each chord: (beats, chords)."""
    classes = np.where(beats >= 0, (beats - tonic) % 12, -1)
    onset = np.log(model.onset.T)
    offbeat = np.log(model.offbeat.T)
    emission = np.zeros((len(beats), len(model.bass)))
    on = classes[:, 0] >= 0
    emission[on] += ONSET_WEIGHT * onset[classes[on, 0]]
    for step in range(1, classes.shape[1]):
        off = classes[:, step] >= 0
        emission[off] += OFFBEAT_WEIGHT * offbeat[classes[off, step]]
    return emission


def estimate_key(beats: NDArray[np.int64], tables: ChoraleTables) -> tuple[int, str]:
    """The tonic and mode under which the HMM gives the melody the highest likelihood."""
    best = (-np.inf, 0, "major")
    for index, mode in enumerate(("major", "minor")):
        model = tables.mode(mode)
        for tonic in range(12):
            score = log_likelihood(log_emissions(beats, tonic, model), model)
            score += np.log(tables.mode_prior[index])
            best = max(best, (score, tonic, mode), key=lambda entry: entry[0])
    return best[1], best[2]


def log_likelihood(emission: NDArray[np.float64], model: ModeTables) -> float:
    """The forward algorithm's log-likelihood of the emissions, ending on a final chord."""
    peak = emission.max(axis=1, keepdims=True)
    scaled = np.exp(emission - peak)
    total = float(peak.sum())
    alpha = model.start * scaled[0]
    for row in scaled[1:]:
        norm = alpha.sum()
        total += np.log(norm)
        alpha = (alpha / norm) @ model.transition * row
    return total + float(np.log(alpha @ model.end**END_WEIGHT))


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
