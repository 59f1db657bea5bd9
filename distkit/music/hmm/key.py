"""The chorale HMM's ear: a melody on its beat grid, and the key (of 24) under which the
forward algorithm finds it likeliest. What decoding, the context classifier's training and the
plugins that borrow the HMM's key all use."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.tables import ChoraleTables, ModeTables

ONSET_WEIGHT = 0.6
OFFBEAT_WEIGHT = 0.1
END_WEIGHT = 1.0


def beat_grid(line: NDArray[np.int64]) -> NDArray[np.int64]:
    """A melody line (steps,) as (beats, 4) pitches, padded with -1 (silence) to whole beats."""
    beats = -(-len(line) // STEPS_PER_QUARTER)
    grid = np.full(beats * STEPS_PER_QUARTER, -1, dtype=np.int64)
    grid[: len(line)] = line
    return grid.reshape(beats, STEPS_PER_QUARTER)


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
