"""Training windows from the cached chorales (or any corpus): 2-bar SATB windows, cropped in
pitch and transposed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import MAJOR_SCALE, MINOR_SCALE

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.tables import KeyedMusic

LOWEST_PITCH = 36
PITCH_SPAN = 48
WINDOW_STEPS = 32
HOP_STEPS = 16
MAX_SHIFT = 6


@dataclass(frozen=True)
class WindowSet:
    """Windows as full-range rolls (n, 4, steps, 128) with each window's key."""

    rolls: NDArray[np.bool_]
    tonics: NDArray[np.int64]
    minor: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.rolls)


def window_set(chorales: Sequence[KeyedMusic], *, hop: int = HOP_STEPS) -> WindowSet:
    """Every 32-step window whose four voices all sound and fit the cropped pitch range (of
    chorales, or of any four-voice pieces with their keys)."""
    from distkit.music.chorales import windows

    rolls, tonics, minor = [], [], []
    for chorale in chorales:
        cut = windows(chorale.roll, length=WINDOW_STEPS, hop=hop)
        keep = np.all(np.any(cut, axis=(2, 3)), axis=1) & _in_crop(cut)
        rolls.append(cut[keep])
        tonics += [chorale.tonic] * int(keep.sum())
        minor += [chorale.mode == "minor"] * int(keep.sum())
    if not rolls:
        raise ValueError("no chorales to cut windows from")
    return WindowSet(np.concatenate(rolls), np.array(tonics), np.array(minor, dtype=bool))


def _in_crop(rolls: NDArray[Any]) -> NDArray[np.bool_]:
    used = np.any(rolls, axis=(1, 2))
    outside = np.any(used[:, :LOWEST_PITCH], axis=1) | np.any(
        used[:, LOWEST_PITCH + PITCH_SPAN :], axis=1
    )
    inside: NDArray[np.bool_] = np.logical_not(outside)
    return inside


def crop(rolls: NDArray[Any], shift: int = 0) -> NDArray[Any]:
    """The cropped pitch range of `rolls` after transposing them up by `shift` semitones."""
    low = LOWEST_PITCH - shift
    return rolls[..., low : low + PITCH_SPAN]


def sample_batch(
    data: WindowSet, size: int, rng: np.random.Generator, *, augment: bool = True
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """A random batch (size, 4, 32, 48) of cropped windows and their tonics after transposition.

    With `augment`, each window is transposed by a random shift within +-6 semitones that keeps
    every note inside the cropped range.
    """
    picks = rng.integers(0, len(data), size)
    batch = np.empty((size, 4, WINDOW_STEPS, PITCH_SPAN), dtype=np.float32)
    tonics = data.tonics[picks].copy()
    for row, index in enumerate(picks):
        roll = data.rolls[index]
        shift = 0
        if augment:
            shift = int(rng.choice(allowed_shifts(roll)))
        batch[row] = crop(roll, shift)
        tonics[row] = (tonics[row] + shift) % 12
    return batch, tonics


def allowed_shifts(roll: NDArray[Any]) -> NDArray[np.int64]:
    """The transpositions within +-MAX_SHIFT that keep `roll` inside the cropped range."""
    pitches = np.flatnonzero(roll.reshape(-1, roll.shape[-1]).any(axis=0))
    low = max(-MAX_SHIFT, LOWEST_PITCH - int(pitches[0]))
    high = min(MAX_SHIFT, LOWEST_PITCH + PITCH_SPAN - 1 - int(pitches[-1]))
    return np.arange(low, high + 1)


def scale_mask(tonics: NDArray[Any], minor: NDArray[Any]) -> NDArray[np.bool_]:
    """(n, 12) pitch classes in each key's scale (harmonic and natural minor together)."""
    mask = np.zeros((len(tonics), 12), dtype=bool)
    for row, (tonic, is_minor) in enumerate(zip(tonics, minor, strict=True)):
        degrees = MINOR_SCALE if is_minor else MAJOR_SCALE
        mask[row, [(int(tonic) + d) % 12 for d in degrees]] = True
    return mask
