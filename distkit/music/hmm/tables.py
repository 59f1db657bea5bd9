"""The chorale HMM's tables as `compose` reads them from the package data (`learning` counts them
in Bach's chorales).

Everything is key-normalised (the tonic is pitch class 0) and kept apart for major and minor.
A chord is what the four voices sound at the start of a beat (a quarter note): its bass pitch
class and its set of pitch classes. Each mode keeps its most frequent chords as the HMM's states;
a rarer chord counts as the nearest of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODES = ("major", "minor")
CHORD_BITS = 1 << np.arange(12)
"""A pitch-class set as a 12-bit mask: `present @ CHORD_BITS`."""


class KeyedMusic(Protocol):
    """What the HMM learns from: a (4, steps, 128) roll, top voice first, and its key (a
    chorale, or a corpus piece with the key heard in it)."""

    @property
    def roll(self) -> NDArray[np.bool_]: ...

    @property
    def tonic(self) -> int: ...

    @property
    def mode(self) -> str: ...


@dataclass(frozen=True)
class ModeTables:
    """One mode's HMM over chords; probabilities are float64, each row sums to 1."""

    bass: NDArray[np.int64]  # (n,) bass pitch class of each chord
    chords: NDArray[np.bool_]  # (n, 12) pitch classes of each chord
    start: NDArray[np.float64]  # (n,) chord on the first beat
    end: NDArray[np.float64]  # (n,) chord on the last beat
    transition: NDArray[np.float64]  # (n, n) chord on the next beat given this one
    onset: NDArray[np.float64]  # (n, 12) soprano pitch class at the start of the beat
    offbeat: NDArray[np.float64]  # (n, 12) soprano pitch class later in the beat


@dataclass(frozen=True)
class ChoraleTables:
    """Both modes' tables, how often each mode occurs, and the mean pitch of alto, tenor, bass."""

    major: ModeTables
    minor: ModeTables
    mode_prior: NDArray[np.float64]  # (2,) major, minor
    voice_centre: NDArray[np.float64]  # (3,) MIDI pitch

    def mode(self, name: str) -> ModeTables:
        return self.major if name == "major" else self.minor


def read_tables(source: Any) -> ChoraleTables:
    """Tables from an .npz written by `save_tables` (a path or an open binary file)."""
    with np.load(source) as data:

        def mode_tables(mode: str) -> ModeTables:
            values = {f.name: data[f"{mode}_{f.name}"] for f in fields(ModeTables)}
            return ModeTables(**_renormalised(values))

        return ChoraleTables(
            major=mode_tables("major"),
            minor=mode_tables("minor"),
            mode_prior=data["mode_prior"].astype(np.float64),
            voice_centre=data["voice_centre"].astype(np.float64),
        )


def _renormalised(values: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """float32 probabilities back to float64 rows that sum to 1 again."""
    return {
        name: normalised(value.astype(np.float64), 0.0) if value.dtype == np.float32 else value
        for name, value in values.items()
    }


def normalised(counts: NDArray[np.float64], smoothing: float) -> NDArray[np.float64]:
    smoothed = counts + smoothing
    result: NDArray[np.float64] = smoothed / smoothed.sum(axis=-1, keepdims=True)
    return result


def chord_states(roll: NDArray[Any], tonic: int, model: Any) -> NDArray[np.int64]:
    """Each beat's chord in `roll` (4, steps, 128) as a state of `model`; -1 if it is not one."""
    onsets = np.asarray(roll)[:, ::STEPS_PER_QUARTER]
    classes = (np.arange(onsets.shape[-1]) - tonic) % 12
    present = np.zeros((onsets.shape[1], 12), dtype=bool)
    beat, pitch = np.nonzero(onsets.any(axis=0))
    present[beat, classes[pitch]] = True
    lowest = classes[np.argmax(onsets[3], axis=1)]
    keys = lowest * 4096 + present @ CHORD_BITS
    vocabulary = (
        np.asarray(model.bass) * 4096 + np.asarray(model.chords).astype(np.int64) @ CHORD_BITS
    )
    lookup = {int(key): index for index, key in enumerate(vocabulary)}
    states = np.array([lookup.get(int(key), -1) for key in keys], dtype=np.int64)
    return np.where(onsets[3].any(axis=1), states, -1)
