"""Chorales as voice-by-step pitch indices, and random training crops of them.

A chorale becomes a (4, steps) array of tokens: `pitch - LOWEST_PITCH` for a sounding pitch
(the highest, where a voice briefly splits) and REST for silence. Crops past a piece's end are
padded with OUTSIDE, which the network sees as "no piece here", so it learns how pieces end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import PITCHES, highest_pitches
from distkit_coconet.tokens import LOWEST_PITCH, MAX_SHIFT, OUTSIDE, PITCH_SPAN, REST
from distkit_coconet.tokens import TOKENS as TOKENS  # where the other modules look for it

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.chorales import Chorale

CROP_STEPS = 128


def encode(roll: NDArray[Any]) -> NDArray[np.int64]:
    """A (voices, steps, 128) roll as (voices, steps) tokens; a ValueError if a pitch is outside."""
    top = highest_pitches(roll)
    sounding = top >= 0
    if np.any(sounding & ((top < LOWEST_PITCH) | (top >= LOWEST_PITCH + PITCH_SPAN))):
        raise ValueError(
            f"a pitch lies outside MIDI {LOWEST_PITCH}-{LOWEST_PITCH + PITCH_SPAN - 1}"
        )
    return np.where(sounding, top - LOWEST_PITCH, REST).astype(np.int64)


def decode(tokens: NDArray[Any]) -> NDArray[np.bool_]:
    """(voices, steps) tokens as a (voices, steps, 128) roll; REST and OUTSIDE are silence."""
    tokens = np.asarray(tokens)
    roll = np.zeros((*tokens.shape, PITCHES), dtype=bool)
    voice, step = np.nonzero((tokens >= 0) & (tokens < PITCH_SPAN))
    roll[voice, step, tokens[voice, step] + LOWEST_PITCH] = True
    return roll


@dataclass(frozen=True)
class TokenSet:
    """The chorales of one split, each as (4, steps) tokens."""

    pieces: tuple[NDArray[np.int64], ...]

    @classmethod
    def from_chorales(cls, chorales: Sequence[Chorale]) -> TokenSet:
        if not chorales:
            raise ValueError("no chorales to learn from")
        return cls(tuple(encode(chorale.roll) for chorale in chorales))

    @property
    def steps(self) -> int:
        return sum(piece.shape[1] for piece in self.pieces)


def allowed_shifts(piece: NDArray[np.int64]) -> NDArray[np.int64]:
    """The transpositions within +-MAX_SHIFT that keep every pitch of `piece` in range."""
    pitches = piece[(piece >= 0) & (piece < PITCH_SPAN)]
    if not pitches.size:
        return np.zeros(1, dtype=np.int64)
    low = max(-MAX_SHIFT, -int(pitches.min()))
    high = min(MAX_SHIFT, PITCH_SPAN - 1 - int(pitches.max()))
    return np.arange(low, high + 1)


def transpose(piece: NDArray[np.int64], shift: int) -> NDArray[np.int64]:
    """Tokens moved `shift` semitones; rests and padding stay."""
    pitched = (piece >= 0) & (piece < PITCH_SPAN)
    return np.where(pitched, piece + shift, piece)


def random_crop(
    piece: NDArray[np.int64], rng: np.random.Generator, length: int = CROP_STEPS
) -> NDArray[np.int64]:
    """`length` steps from a random start, on a beat; starts reach past either end by up to
    a quarter of the crop, so that openings and endings appear in training padded by OUTSIDE."""
    steps = piece.shape[1]
    margin = length // 4
    start = int(rng.integers(-margin, max(steps - length + margin, -margin) + 1)) // 4 * 4
    crop = np.full((piece.shape[0], length), OUTSIDE, dtype=np.int64)
    low, high = max(start, 0), min(start + length, steps)
    if high > low:
        crop[:, low - start : high - start] = piece[:, low:high]
    return crop


def sample_batch(data: TokenSet, size: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """A (size, 4, CROP_STEPS) batch of randomly transposed crops."""
    batch = np.empty((size, 4, CROP_STEPS), dtype=np.int64)
    for row, index in enumerate(rng.integers(0, len(data.pieces), size)):
        piece = data.pieces[index]
        batch[row] = transpose(random_crop(piece, rng), int(rng.choice(allowed_shifts(piece))))
    return batch


def random_masks(batch: NDArray[np.int64], rng: np.random.Generator) -> NDArray[np.bool_]:
    """Coconet's training masks over alto, tenor and bass: (size, 3, steps), True = hidden.

    Each example hides every cell with its own probability drawn uniformly from (0, 1]; the
    soprano is always given, as it is when harmonizing. Cells outside the piece are never hidden.
    """
    size, _, steps = batch.shape
    rates = 1.0 - rng.random((size, 1, 1))
    hidden: NDArray[np.bool_] = (rng.random((size, 3, steps)) < rates) & (batch[:, 1:] != OUTSIDE)
    return hidden
