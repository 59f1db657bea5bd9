"""Learning the ornamentation layer: how often Bach's alto, tenor and bass take each figure,
counted in the training chorales (any four-voice pieces with a roll). Imported by
`python -m distkit.music.hmm` and the benchmarks, never by `compose`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches
from distkit.music.hmm.ornaments import (
    FIGURES,
    HALF_BEAT,
    INTERVALS,
    OrnamentTables,
    figure_of,
    interval_index,
)

if TYPE_CHECKING:
    from distkit.music.hmm.tables import KeyedMusic

PRIOR = 1.0
"""Pseudo-counts spread over the figures as the voice takes them at that interval whatever the
soprano does, so a rare context leans on the commoner one."""


def count_figures(pieces: Iterable[KeyedMusic]) -> np.ndarray:
    """Counts (3, 2, 2 * INTERVALS + 1, len(FIGURES)) of each figure on every beat where a lower
    voice sounds throughout and on the next beat: by voice, whether the soprano moves inside
    the beat, and the interval from the voice's note on the beat to its note on the next."""
    counts = np.zeros((3, 2, 2 * INTERVALS + 1, len(FIGURES)))
    for piece in pieces:
        lines = highest_pitches(piece.roll)
        beats = lines.shape[1] // STEPS_PER_QUARTER - 1
        for beat in range(beats):
            start = beat * STEPS_PER_QUARTER
            span = lines[:, start : start + STEPS_PER_QUARTER]
            moving = int(len(np.unique(span[0])) > 1)
            for voice in (1, 2, 3):
                a, x = int(span[voice, 0]), int(span[voice, HALF_BEAT])
                b = int(lines[voice, start + STEPS_PER_QUARTER])
                if min(a, b) < 0 or (span[voice] < 0).any():
                    continue
                counts[voice - 1, moving, interval_index(b - a), figure_of(a, x, b)] += 1
    return counts


def learn_ornaments(pieces: Iterable[KeyedMusic], prior: float = PRIOR) -> OrnamentTables:
    """The figures' conditional distributions, smoothed towards each voice's figures at that
    interval (and, where a voice never moved by it, towards held notes)."""
    counts = count_figures(pieces)
    marginal = counts.sum(axis=1, keepdims=True)
    marginal[..., 0] += 1e-6
    marginal = marginal / marginal.sum(axis=-1, keepdims=True)
    smoothed = counts + prior * marginal
    return OrnamentTables(smoothed / smoothed.sum(axis=-1, keepdims=True))


def save_ornaments(tables: OrnamentTables, path: Path) -> None:
    """Write `tables` to a compressed .npz (float32, a few KB)."""
    np.savez_compressed(path, figures=tables.figures.astype(np.float32))
