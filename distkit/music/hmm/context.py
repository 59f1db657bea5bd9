"""A chord classifier that reads the melody around each beat, to sharpen the HMM's emissions.

The HMM hears one beat of melody at a time (and its neighbours only through chord changes);
Bach's choice of chord depends on where the tune goes next. `ContextNet` is a small MLP (one
hidden layer, numpy only) that gives each beat a probability for each of the mode's chord states
from the melody's steps in WINDOW beats either side, in the key the HMM hears, plus where the
beat lies (how near the start and the end). `decoding.decode` adds its log-probabilities to the
emissions. A second head gives the distance from the soprano down to the bass on each beat, which
`voicing` uses to choose the bass's octave. This module is what harmonizing needs; the training
(`context_training.train_context`) is apart, run by `python -m distkit.music.hmm`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER
from distkit.music.hmm.tables import MODES

if TYPE_CHECKING:
    from numpy.typing import NDArray

WINDOW = 3
STEP_FEATURES = 15
"""Per step: the pitch class relative to the tonic (12) or a rest (1), a note starting here, and
the pitch's height against the melody's mean in octaves."""
PLACE_FEATURES = 8
"""Beats to the melody's last beat (0, 1, 2, 3+), beats from the start (0, 1, 2+), minor mode."""
GAPS = 48
"""Soprano-to-bass distances the classifier's second head tells apart: 0 to 47 semitones."""


@dataclass(frozen=True)
class ContextNet:
    """The MLP's weights; the outputs are the major states, then the minor states."""

    hidden_weights: NDArray[np.float32]  # (features, hidden)
    hidden_bias: NDArray[np.float32]  # (hidden,)
    output_weights: NDArray[np.float32]  # (hidden, major states + minor states)
    output_bias: NDArray[np.float32]  # (major states + minor states,)
    gap_weights: NDArray[np.float32]  # (hidden, GAPS)
    gap_bias: NDArray[np.float32]  # (GAPS,)
    major_states: int

    def log_posteriors(self, features: NDArray[np.float32], mode: str) -> NDArray[np.float64]:
        """Each beat's log-probability (beats, states) of each of `mode`'s chord states."""
        hidden = np.maximum(features @ self.hidden_weights + self.hidden_bias, 0.0)
        logits = (hidden @ self.output_weights + self.output_bias).astype(np.float64)
        logits = logits[:, _mode_slice(mode, self.major_states)]
        result: NDArray[np.float64] = logits - _log_sum_exp(logits)
        return result

    def gap_log_probs(self, features: NDArray[np.float32]) -> NDArray[np.float64]:
        """Each beat's log-probability (beats, GAPS) of each soprano-to-bass distance."""
        hidden = np.maximum(features @ self.hidden_weights + self.hidden_bias, 0.0)
        logits = (hidden @ self.gap_weights + self.gap_bias).astype(np.float64)
        result: NDArray[np.float64] = logits - _log_sum_exp(logits)
        return result


def beat_features(beats: NDArray[np.int64], tonic: int, mode: str) -> NDArray[np.float32]:
    """The classifier's input (beats, features) for a melody grid (beats, 4) of MIDI pitches."""
    count = len(beats)
    steps = beats.reshape(-1)
    sounding = steps >= 0
    per_step = np.zeros((len(steps), STEP_FEATURES), dtype=np.float32)
    per_step[np.arange(len(steps)), np.where(sounding, (steps - tonic) % 12, 12)] = 1
    per_step[:, 13] = sounding & np.r_[True, steps[1:] != steps[:-1]]
    mean = steps[sounding].mean() if sounding.any() else 0.0
    per_step[:, 14] = np.where(sounding, (steps - mean) / 12, 0.0)
    per_beat = per_step.reshape(count, STEPS_PER_QUARTER * STEP_FEATURES)
    padding = np.zeros((WINDOW, per_beat.shape[1]), dtype=np.float32)
    padded = np.vstack([padding, per_beat, padding])
    window = [padded[offset : offset + count] for offset in range(2 * WINDOW + 1)]
    heard = np.flatnonzero((beats >= 0).any(axis=1))
    last = int(heard[-1]) if heard.size else count - 1
    place = np.zeros((count, PLACE_FEATURES), dtype=np.float32)
    place[np.arange(count), np.clip(last - np.arange(count), 0, 3)] = 1
    place[np.arange(count), 4 + np.clip(np.arange(count), 0, 2)] = 1
    place[:, 7] = mode == "minor"
    return np.hstack([*window, place])


def read_context(handle: IO[bytes] | str) -> ContextNet:
    with np.load(handle) as data:
        return ContextNet(
            hidden_weights=data["hidden_weights"].astype(np.float32),
            hidden_bias=data["hidden_bias"].astype(np.float32),
            output_weights=data["output_weights"].astype(np.float32),
            output_bias=data["output_bias"].astype(np.float32),
            gap_weights=data["gap_weights"].astype(np.float32),
            gap_bias=data["gap_bias"].astype(np.float32),
            major_states=int(data["major_states"]),
        )


def _mode_slice(mode: str, major_states: int) -> slice:
    return slice(0, major_states) if mode == MODES[0] else slice(major_states, None)


def _log_sum_exp(logits: NDArray[np.float64]) -> NDArray[np.float64]:
    peak = logits.max(axis=1, keepdims=True)
    total: NDArray[np.float64] = peak + np.log(np.exp(logits - peak).sum(axis=1, keepdims=True))
    return total
