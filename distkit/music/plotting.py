"""Headless piano-roll pictures: pitch up, time in bars across, one colour per voice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.music.base import STEPS_PER_QUARTER, VOICES, as_tracks
from distkit.music.notes import notes_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from distkit.music.time_signatures import TimeSignature

STEPS_PER_BAR = 4 * STEPS_PER_QUARTER  # bars are drawn in 4/4 unless a metre is given
MAX_BAR_TICKS = 48
COLOURS = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def plot_pianoroll(
    roll: Any,
    ax: Axes | None = None,
    time_signature: TimeSignature | None = None,
    names: Sequence[str] | None = None,
) -> Axes:
    """Draw a (steps, 128) melody or a (tracks, steps, 128) arrangement and return the Axes.

    Time runs in bars of `time_signature` (4/4 when None), 0 at the first full bar: a pickup
    lies before 0. Each voice is one collection of rectangles, labelled by its name in `names`
    (soprano, alto, tenor, bass when None), and the bars are labelled at most `MAX_BAR_TICKS`
    times, so drawing time stays bounded for the longest melody.
    """
    import numpy as np
    from matplotlib.collections import PolyCollection
    from matplotlib.ticker import MaxNLocator

    tracks = as_tracks(roll)
    ax = ax if ax is not None else _new_figure(tracks.shape[1]).add_subplot()
    bar_steps = time_signature.bar_steps if time_signature is not None else STEPS_PER_BAR
    pickup = time_signature.pickup if time_signature is not None else 0
    known = list(names) if names is not None else list(VOICES)
    for index, track in enumerate(tracks):
        name = known[index] if index < len(known) else f"track {index + 1}"
        name = name[:1].upper() + name[1:]
        notes = np.array(notes_of(track), dtype=float).reshape(-1, 3)
        pitch = notes[:, 0]
        start, end = (notes[:, 1] - pickup) / bar_steps, (notes[:, 2] - pickup) / bar_steps
        low, high = pitch - 0.4, pitch + 0.4
        corners: Any = np.stack([start, low, start, high, end, high, end, low], axis=1)
        ax.add_collection(
            PolyCollection(
                corners.reshape(-1, 4, 2),
                facecolors=COLOURS[index % len(COLOURS)],
                edgecolors="none",
                alpha=0.8,
                label=name,
            )
        )
    used = np.flatnonzero(tracks.any(axis=(0, 1)))
    low_pitch, high_pitch = (int(used[0]), int(used[-1])) if used.size else (60, 72)
    ax.set_ylim(low_pitch - 2, high_pitch + 2)
    cs = range((low_pitch - 2) // 12 * 12 + 12, high_pitch + 2, 12)
    ax.set_yticks(list(cs), [f"C{c // 12 - 1}" for c in cs])
    bars = max(1, -(-(tracks.shape[1] - pickup) // bar_steps))
    ax.set_xlim(-pickup / bar_steps if pickup else 0, bars)
    if bars <= MAX_BAR_TICKS:
        ax.set_xticks(range(bars + 1))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=MAX_BAR_TICKS, integer=True))
    ax.grid(axis="x", alpha=0.4)
    ax.set_xlabel("bars")
    ax.set_ylabel("pitch")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return ax


def save_pianoroll(
    roll: Any,
    path: str | os.PathLike[str],
    time_signature: TimeSignature | None = None,
    names: Sequence[str] | None = None,
) -> Path:
    """Write `plot_pianoroll` of `roll` as a PNG to `path` and return the path."""
    target = Path(path)
    tracks = as_tracks(roll)
    figure = _new_figure(tracks.shape[1])
    plot_pianoroll(tracks, figure.add_subplot(), time_signature, names)
    figure.savefig(target, format="png", dpi=100)
    return target


def _new_figure(steps: int) -> Figure:
    """An Agg figure, wider for longer music: no display needed, pyplot's state untouched."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width = min(24.0, max(6.4, 2 + 0.8 * steps / STEPS_PER_BAR))
    figure = Figure(figsize=(width, 4.8), layout="tight")
    FigureCanvasAgg(figure)
    return figure
