"""The style check: a small classifier that tells styles apart by the texture under a melody.

Evaluation only (no model imports this). An excerpt is a (4, steps, 128) roll, top voice first.
Its features describe what a harmonizer chose, not the melody it was given: the range, motion
and rhythm of the three lower voices, the intervals between neighbouring voices, the vertical
sonorities on the beats, and how the outer voices move against each other. The classifier is a
multinomial logistic regression on standardized features, fitted by gradient descent in numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches

if TYPE_CHECKING:
    from numpy.typing import NDArray

DURATION_BINS = (1, 2, 3, 4, 6, 8, 12, 16)


def _onsets(line: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Steps where a new note starts in a line of highest pitches (-1 silent)."""
    previous = np.r_[-1, line[:-1]]
    starts: NDArray[np.bool_] = (line >= 0) & (line != previous)
    return starts


def _note_lengths(line: NDArray[np.int64]) -> NDArray[np.int64]:
    """The length in steps of each run of one sounding pitch."""
    changes = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    lengths = np.diff(np.r_[changes, len(line)])
    kept: NDArray[np.int64] = lengths[line[changes] >= 0]
    return kept


def voice_features(line: NDArray[np.int64]) -> list[float]:
    """Range, motion and rhythm of one voice's line."""
    sounding = line[line >= 0]
    if not sounding.size:
        return [0.0] * (9 + len(DURATION_BINS))
    notes = line[_onsets(line)]
    steps = np.diff(notes) if notes.size > 1 else np.zeros(1)
    moves = np.abs(steps)
    lengths = _note_lengths(line)
    histogram = np.histogram(np.clip(lengths, 1, 16), bins=(*DURATION_BINS, 99))[0]
    return [
        float(sounding.mean()) / 12,
        float(sounding.std()) / 12,
        float(sounding.max() - sounding.min()) / 12,
        float((line < 0).mean()),
        float(_onsets(line).sum()) / len(line) * STEPS_PER_QUARTER,
        float((moves == 0).mean()),
        float(((moves >= 1) & (moves <= 2)).mean()),
        float(((moves >= 3) & (moves <= 7)).mean()),
        float((moves > 7).mean()),
        *(histogram / max(histogram.sum(), 1)).tolist(),
    ]


def feature_names() -> list[str]:
    """What each entry of `texture_features` measures, in its order (voices 2-4 under the top
    voice 1; a gap is the interval from the upper voice to the lower; onset positions are the
    sixteenths of the beat the lower voices' notes start on)."""
    per_voice = ["mean pitch", "pitch spread", "range", "silent", "onsets per beat", "repeats"]
    per_voice += ["steps", "skips", "leaps"] + [f"notes of {n} sixteenths" for n in DURATION_BINS]
    names = [f"voice {voice} {name}" for voice in (2, 3, 4) for name in per_voice]
    for upper, lower in ((1, 2), (2, 3), (3, 4), (1, 4)):
        names += [f"gap {upper}-{lower} {name}" for name in ("mean", "spread", "crossed")]
    names += [f"sonority {interval} above the bass" for interval in range(12)]
    names += ["pitch classes per beat", "outer voices similar", "outer voices contrary"]
    names += ["outer voices oblique"]
    names += [f"onsets on sixteenth {position + 1} of the beat" for position in range(4)]
    return names


def texture_features(excerpt: NDArray[Any]) -> NDArray[np.float64]:
    """The feature vector of one excerpt (see the module's docstring)."""
    lines = highest_pitches(np.asarray(excerpt, dtype=bool))
    features: list[float] = []
    for voice in (1, 2, 3):
        features += voice_features(lines[voice])
    for upper, lower in ((0, 1), (1, 2), (2, 3), (0, 3)):
        both = (lines[upper] >= 0) & (lines[lower] >= 0)
        gaps = (lines[upper] - lines[lower])[both]
        if gaps.size:
            features += [float(gaps.mean()) / 12, float(gaps.std()) / 12, float((gaps < 0).mean())]
        else:
            features += [0.0, 0.0, 0.0]
    beats = lines[:, ::STEPS_PER_QUARTER]
    sonority = np.zeros(12)
    distinct = []
    for beat in beats.T:
        sounding = beat[beat >= 0]
        if sounding.size >= 2:
            bass = sounding.min()
            for pitch in sounding:
                if pitch != bass:
                    sonority[(pitch - bass) % 12] += 1
            distinct.append(len(set((sounding % 12).tolist())))
    features += (sonority / max(sonority.sum(), 1)).tolist()
    features += [float(np.mean(distinct)) if distinct else 0.0]
    top, bass = beats[0], beats[3]
    both = (top[1:] >= 0) & (top[:-1] >= 0) & (bass[1:] >= 0) & (bass[:-1] >= 0)
    up, down = np.diff(top)[both], np.diff(bass)[both]
    if up.size:
        features += [
            float(((up * down) > 0).mean()),
            float(((up * down) < 0).mean()),
            float(((up == 0) ^ (down == 0)).mean()),
        ]
    else:
        features += [0.0, 0.0, 0.0]
    onsets = np.stack([_onsets(line) for line in lines[1:]])
    usable = onsets.shape[1] // STEPS_PER_QUARTER * STEPS_PER_QUARTER
    positions = onsets[:, :usable].reshape(3, -1, STEPS_PER_QUARTER).sum(axis=(0, 1))
    features += (positions / max(positions.sum(), 1)).tolist()
    return np.asarray(features, dtype=np.float64)


@dataclass(frozen=True)
class StyleClassifier:
    """A fitted classifier: the styles, the features' scaling, and the weights."""

    styles: tuple[str, ...]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    bias: NDArray[np.float64]

    def probabilities(self, features: NDArray[Any]) -> NDArray[np.float64]:
        x = (np.atleast_2d(features) - self.mean) / self.scale
        logits = x @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        probabilities: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def classify(self, excerpts: Sequence[NDArray[Any]]) -> list[str]:
        """The style each excerpt is heard as."""
        if not excerpts:
            return []
        features = np.stack([texture_features(excerpt) for excerpt in excerpts])
        return [self.styles[i] for i in self.probabilities(features).argmax(axis=1)]


def fit_classifier(
    features: NDArray[Any],
    labels: Sequence[str],
    *,
    penalty: float = 1e-2,
    iterations: int = 2000,
    rate: float = 0.5,
) -> StyleClassifier:
    """Multinomial logistic regression with an L2 `penalty`, classes weighted equally."""
    styles = tuple(sorted(set(labels)))
    x = np.asarray(features, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = (x - mean) / scale
    target = np.zeros((len(labels), len(styles)))
    target[np.arange(len(labels)), [styles.index(label) for label in labels]] = 1.0
    counts = target.sum(axis=0)
    sample_weight = (target / counts).sum(axis=1) * len(labels) / len(styles)
    weights = np.zeros((x.shape[1], len(styles)))
    bias = np.zeros(len(styles))
    for _ in range(iterations):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        error = (probabilities - target) * sample_weight[:, None] / len(labels)
        weights -= rate * (x.T @ error + penalty * weights)
        bias -= rate * error.sum(axis=0)
    return StyleClassifier(styles, mean, scale, weights, bias)
