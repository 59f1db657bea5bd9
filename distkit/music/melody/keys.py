"""The key a melody model hears in a melody: the one of 24 under which the model finds the given
notes likeliest.

A melody model reads pitches relative to a tonic and a mode, and learned them with the tune's own
key (its final note and the mode of its third). Writing the given notes in each of the 24 keys
and keeping the key with the lowest total negative log-likelihood asks the model itself which
key it would have written them in; the Krumhansl-Kessler profiles (`events.estimate_key`) ask a
listening experiment instead. Which of the two a model uses is its setting, chosen on the
validation split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from distkit.music.melody.events import Events, Key, encode, estimate_key

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Scorer = Callable[[Events, bool], "NDArray[np.float64]"]
"""A model's negative log-likelihood of each event of a melody, given its mode (minor or not)."""
KeyMethod = Literal["profile", "model"]
KEY_METHODS: tuple[KeyMethod, ...] = ("profile", "model")
ALL_KEYS = tuple(Key(tonic, mode) for mode in ("major", "minor") for tonic in range(12))


def key_scores(
    scorer: Scorer, notes: Sequence[tuple[int | None, int]], bar_steps: int, start_in_bar: int = 0
) -> dict[Key, float]:
    """The total negative log-likelihood (nats) of `notes` written in each of the 24 keys."""
    return {
        key: float(scorer(encode(notes, key, bar_steps, start_in_bar), key.mode == "minor").sum())
        for key in ALL_KEYS
    }


def likeliest_key(
    scorer: Scorer, notes: Sequence[tuple[int | None, int]], bar_steps: int, start_in_bar: int = 0
) -> Key:
    """The key under which `scorer` finds `notes` likeliest (the first of ALL_KEYS on a tie); C
    major when there are no sounding notes."""
    if not any(pitch is not None for pitch, _ in notes):
        return Key(0, "major")
    scores = key_scores(scorer, notes, bar_steps, start_in_bar)
    return min(ALL_KEYS, key=lambda key: scores[key])


def melody_key(
    method: str,
    scorer: Scorer | None,
    notes: Sequence[tuple[int | None, int]],
    bar_steps: int,
    start_in_bar: int = 0,
) -> Key:
    """The key by `method`: "model" (needs a scorer; without one, the profiles) or "profile"."""
    if method == "model" and scorer is not None:
        return likeliest_key(scorer, notes, bar_steps, start_in_bar)
    return estimate_key(notes)
