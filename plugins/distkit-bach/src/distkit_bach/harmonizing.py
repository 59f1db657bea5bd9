"""Harmonizing with the U-Net: the melody's line cropped to the model's range, windows blended
across their overlaps, the voices decoded and put back at the melody's octave."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from distkit.music.base import highest_pitches
from distkit_bach.data import LOWEST_PITCH, PITCH_SPAN, WINDOW_STEPS

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit_bach.networks import UNetGenerator

HOP = WINDOW_STEPS // 2
SOPRANO_CENTRE = 67


def voices_under(
    melody: NDArray[np.bool_], generator: UNetGenerator, seed: int | None
) -> NDArray[np.bool_]:
    """Alto, tenor and bass (3, steps, 128) under a (steps, 128) melody with notes."""
    shift = _octave_shift(melody)
    voices = harmonize_cropped(generator, _top_line(melody, shift), seed, key_of(melody))
    return _uncrop(voices, shift)


def key_of(melody: NDArray[np.bool_]) -> tuple[int, str]:
    """The melody's tonic and mode, as distkit's chorale HMM hears them."""
    from distkit.music.hmm import shipped_tables
    from distkit.music.hmm.key import beat_grid, estimate_key

    return estimate_key(beat_grid(highest_pitches(melody)), shipped_tables())


def _top_line(melody: NDArray[np.bool_], shift: int) -> NDArray[np.float32]:
    """The highest note of each step, moved `shift` semitones; a note still outside the model's
    range moves by further octaves into it (its pitch class, which the close needs, is kept)."""
    line = np.zeros((melody.shape[0], PITCH_SPAN), dtype=np.float32)
    steps = np.flatnonzero(melody.any(axis=1))
    top = highest_pitches(melody[steps]) + shift - LOWEST_PITCH
    top = np.where(top < 0, top % 12, top)
    top = np.where(top >= PITCH_SPAN, PITCH_SPAN - 12 + (top - PITCH_SPAN) % 12, top)
    line[steps, top] = 1
    return line


def _octave_shift(melody: NDArray[np.bool_]) -> int:
    """Whole octaves that bring the melody's mean pitch nearest a chorale soprano's."""
    mean = np.nonzero(melody)[1].mean()
    return 12 * round(float(SOPRANO_CENTRE - mean) / 12)


def _uncrop(voices: NDArray[np.bool_], shift: int) -> NDArray[np.bool_]:
    full = np.zeros((*voices.shape[:2], 128), dtype=bool)
    low = LOWEST_PITCH - shift
    keep = slice(max(0, -low), min(PITCH_SPAN, 128 - low))
    full[..., max(0, low) : max(0, low) + keep.stop - keep.start] = voices[..., keep]
    return full


def harmonize_cropped(
    generator: UNetGenerator,
    line: NDArray[np.float32],
    seed: int | None,
    key: tuple[int, str] | None = None,
) -> NDArray[np.bool_]:
    """Three voices (3, steps, 48) for a cropped melody line of any length.

    Given the melody's `key` (tonic pitch class, mode), it opens on the tonic chord and closes on
    the melody's final (see `cadence_probabilities`).
    """
    from distkit_bach.decoding import cadence_probabilities, decode_voices

    soprano = np.where(line.any(axis=1), line.argmax(axis=1), -1)
    probs = blended_probabilities(generator, line, seed)
    if key is not None:
        classes = (np.arange(PITCH_SPAN) + LOWEST_PITCH) % 12
        probs = cadence_probabilities(probs, soprano, classes, *key)
    return decode_voices(probs, soprano)


def blended_probabilities(
    generator: UNetGenerator, line: NDArray[np.float32], seed: int | None
) -> NDArray[np.float64]:
    """Pitch probabilities (3, steps, 48) of the three voices under a melody line of any length.

    Windows of 32 steps overlap by half; their probabilities are blended with triangular
    weights, so the voices run on smoothly across window borders.
    """
    import torch

    steps = len(line)
    padded_steps = max(WINDOW_STEPS, -(-steps // HOP) * HOP)
    padded = np.zeros((padded_steps, PITCH_SPAN), dtype=np.float32)
    padded[:steps] = line
    starts = list(range(0, padded_steps - WINDOW_STEPS + 1, HOP))
    melody = torch.from_numpy(np.stack([padded[s : s + WINDOW_STEPS] for s in starts]))[:, None]
    noise_source = torch.Generator().manual_seed(0 if seed is None else seed)
    noise = torch.randn(melody.shape, generator=noise_source)
    with torch.no_grad():
        probs = torch.sigmoid(generator(melody, noise)).numpy()
    ramp = np.minimum(np.arange(WINDOW_STEPS) + 0.5, WINDOW_STEPS - np.arange(WINDOW_STEPS) - 0.5)
    total = np.zeros((3, padded_steps, PITCH_SPAN))
    weight = np.zeros(padded_steps)
    for window, start in zip(probs, starts, strict=True):
        edge = _edge_weights(ramp, start, padded_steps)
        total[:, start : start + WINDOW_STEPS] += window * edge[None, :, None]
        weight[start : start + WINDOW_STEPS] += edge
    blended: NDArray[np.float64] = (total / weight[None, :, None])[:, :steps]
    return blended


def _edge_weights(ramp: NDArray[np.float64], start: int, total: int) -> NDArray[np.float64]:
    """Triangular weights, flat towards the ends of the melody where no window overlaps."""
    edge = ramp.copy()
    half = WINDOW_STEPS // 2
    if start == 0:
        edge[:half] = ramp.max()
    if start + WINDOW_STEPS == total:
        edge[half:] = ramp.max()
    return edge
