"""Bach-likeness of generated accompaniment on held-out windows, logged during training."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import highest_pitches
from distkit_bach.data import LOWEST_PITCH, crop, scale_mask

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit_bach.data import WindowSet

# Alto, tenor and bass ranges in MIDI pitches (G3-D5 widened a step, C3-A4, D2-E4).
VOICE_RANGES = ((53, 77), (48, 69), (38, 64))


def accompaniment_metrics(generated: NDArray[np.bool_], data: WindowSet) -> dict[str, float]:
    """Compare generated alto/tenor/bass (n, 3, steps, 48) with Bach's on the same windows."""
    real = crop(data.rolls[:, 1:]).astype(bool)
    keyed = scale_mask(data.tonics, data.minor)
    fake_hist, real_hist = (
        _pitch_class_histogram(generated, data),
        _pitch_class_histogram(real, data),
    )
    return {
        "pc_hist_l1": float(np.abs(fake_hist - real_hist).sum()),
        "in_scale": _in_scale(generated, keyed),
        "in_scale_bach": _in_scale(real, keyed),
        "in_range": _in_range(generated),
        "polyphony": float(generated.sum(axis=(1, 3)).mean() / generated.shape[1]),
        "frame_accuracy": _frame_accuracy(generated, real),
    }


def _pitch_class_histogram(rolls: NDArray[np.bool_], data: WindowSet) -> NDArray[np.float64]:
    """Key-normalised pitch-class histogram (tonic at 0) of every sounding cell."""
    counts = np.zeros(12)
    per_pitch = rolls.sum(axis=(1, 2))
    for tonic in range(12):
        rows = data.tonics == tonic
        by_pitch = per_pitch[rows].sum(axis=0)
        classes = (np.arange(rolls.shape[-1]) + LOWEST_PITCH - tonic) % 12
        np.add.at(counts, classes, by_pitch)
    histogram: NDArray[np.float64] = counts / max(counts.sum(), 1)
    return histogram


def _in_scale(rolls: NDArray[np.bool_], keyed: NDArray[np.bool_]) -> float:
    classes = (np.arange(rolls.shape[-1]) + LOWEST_PITCH) % 12
    in_key = keyed[:, classes][:, None, None, :]
    return float((rolls & in_key).sum() / max(rolls.sum(), 1))


def _in_range(rolls: NDArray[np.bool_]) -> float:
    pitches = np.arange(rolls.shape[-1]) + LOWEST_PITCH
    inside = sum(
        rolls[:, voice, :, (pitches >= low) & (pitches <= high)].sum()
        for voice, (low, high) in enumerate(VOICE_RANGES)
    )
    return float(inside / max(rolls.sum(), 1))


def _frame_accuracy(fake: NDArray[np.bool_], real: NDArray[np.bool_]) -> float:
    """Share of (voice, step) frames whose top pitch, or silence, matches Bach's."""

    return float((highest_pitches(fake) == highest_pitches(real)).mean())
