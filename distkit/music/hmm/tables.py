"""The chorale HMM's tables: learned by counting in Bach's chorales, shipped as package data.

Everything is key-normalised (the tonic is pitch class 0) and kept apart for major and minor.
A chord is what the four voices sound at the start of a beat (a quarter note): its bass pitch
class and its set of pitch classes. Each mode keeps its most frequent chords as the HMM's states;
a rarer chord counts as the nearest of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.chorales import Chorale

MODES = ("major", "minor")
VOCABULARY = 100
TRANSITION_SMOOTHING = 1.0
EMISSION_SMOOTHING = 0.5
_BITS = 1 << np.arange(12)


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


def learn_tables(
    chorales: Iterable[Chorale],
    *,
    vocabulary: int = VOCABULARY,
    transition_smoothing: float = TRANSITION_SMOOTHING,
    emission_smoothing: float = EMISSION_SMOOTHING,
) -> ChoraleTables:
    """Count chords, chord changes and soprano notes in `chorales` and smooth the counts."""
    chorales = list(chorales)
    if not chorales:
        raise ValueError("no chorales to learn the HMM tables from")
    by_mode = {mode: [c for c in chorales if c.mode == mode] for mode in MODES}
    smoothing = (transition_smoothing, emission_smoothing)
    tables = {mode: _mode_tables(by_mode[mode], vocabulary, *smoothing) for mode in MODES}
    counts = np.array([len(by_mode[mode]) for mode in MODES], dtype=np.float64) + 1
    centre = [
        np.concatenate([np.nonzero(c.roll[voice])[1] for c in chorales]).mean()
        for voice in (1, 2, 3)
    ]
    return ChoraleTables(
        major=tables["major"],
        minor=tables["minor"],
        mode_prior=counts / counts.sum(),
        voice_centre=np.array(centre, dtype=np.float64),
    )


def _beat_chords(chorale: Chorale) -> NDArray[np.int64]:
    """Each beat's chord as bass * 4096 + pitch-class bitmask (tonic at 0); -1 without a bass."""
    onsets = chorale.roll[:, ::STEPS_PER_QUARTER]
    lowest = np.argmax(onsets[3], axis=1)
    classes = (np.arange(onsets.shape[-1]) - chorale.tonic) % 12
    present = np.zeros((len(lowest), 12), dtype=bool)
    beat, pitch = np.nonzero(onsets.any(axis=0))
    present[beat, classes[pitch]] = True
    keys = classes[lowest] * 4096 + present @ _BITS
    return np.where(onsets[3].any(axis=1), keys, -1).astype(np.int64)


def _mode_tables(
    chorales: Sequence[Chorale],
    vocabulary: int,
    transition_smoothing: float,
    emission_smoothing: float,
) -> ModeTables:
    beats = [_beat_chords(chorale) for chorale in chorales]
    counts = Counter(int(k) for keys in beats for k in keys if k >= 0)
    if not counts:
        raise ValueError("learning the HMM tables needs both major and minor chorales")
    vocab = np.array([key for key, _ in counts.most_common(vocabulary)], dtype=np.int64)
    n = len(vocab)
    start, end = np.zeros(n), np.zeros(n)
    transition, onset, offbeat = np.zeros((n, n)), np.zeros((n, 12)), np.zeros((n, 12))
    for chorale, keys in zip(chorales, beats, strict=True):
        states = _nearest(keys, vocab)
        sounding = np.flatnonzero(states >= 0)
        if not sounding.size:
            continue
        start[states[sounding[0]]] += 1
        end[states[sounding[-1]]] += 1
        pairs = sounding[:-1][np.diff(sounding) == 1]
        np.add.at(transition, (states[pairs], states[pairs + 1]), 1)
        _count_soprano(chorale, states, onset, offbeat)
    bass, chords = _unpack(vocab)
    return ModeTables(
        bass=bass,
        chords=chords,
        start=_normalised(start, 1.0),
        end=_normalised(end, 1.0),
        transition=_normalised(transition, transition_smoothing),
        onset=_normalised(onset, emission_smoothing),
        offbeat=_normalised(offbeat, emission_smoothing),
    )


def _count_soprano(
    chorale: Chorale,
    states: NDArray[np.int64],
    onset: NDArray[np.float64],
    offbeat: NDArray[np.float64],
) -> None:
    line = highest_pitches(chorale.roll[0])
    steps = np.flatnonzero(line >= 0)
    chord = states[steps // STEPS_PER_QUARTER]
    steps, chord = steps[chord >= 0], chord[chord >= 0]
    classes = (line[steps] - chorale.tonic) % 12
    on = steps % STEPS_PER_QUARTER == 0
    np.add.at(onset, (chord[on], classes[on]), 1)
    np.add.at(offbeat, (chord[~on], classes[~on]), 1)


def _nearest(keys: NDArray[np.int64], vocab: NDArray[np.int64]) -> NDArray[np.int64]:
    """The state of each chord key: itself if in `vocab`, else the chord nearest to it."""
    bass, chords = _unpack(vocab)
    states = np.full(len(keys), -1, dtype=np.int64)
    for key in np.unique(keys[keys >= 0]):
        low, chord = _unpack(np.array([key]))
        differ = (chords != chord).sum(axis=1) + 2 * (bass != low)
        states[keys == key] = int(np.argmin(differ))
    return states


def _unpack(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Chord keys as bass pitch classes (n,) and pitch-class sets (n, 12)."""
    return keys // 4096, (keys[:, None] % 4096 & _BITS) > 0


def _normalised(counts: NDArray[np.float64], smoothing: float) -> NDArray[np.float64]:
    smoothed = counts + smoothing
    result: NDArray[np.float64] = smoothed / smoothed.sum(axis=-1, keepdims=True)
    return result


def save_tables(tables: ChoraleTables, path: Path) -> None:
    """Write `tables` to a compressed .npz (float32 probabilities, a few tens of KB)."""
    arrays: dict[str, Any] = {
        "mode_prior": tables.mode_prior,
        "voice_centre": tables.voice_centre,
    }
    for mode in MODES:
        for field in fields(ModeTables):
            value = getattr(tables.mode(mode), field.name)
            small = value.astype(np.float32) if value.dtype == np.float64 else value
            arrays[f"{mode}_{field.name}"] = small
    np.savez_compressed(path, **arrays)


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
        name: _normalised(value.astype(np.float64), 0.0) if value.dtype == np.float32 else value
        for name, value in values.items()
    }
