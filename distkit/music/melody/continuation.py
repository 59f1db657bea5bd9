"""Continuing a melody event by event with any model that predicts the next event.

The model gives the next pitch's distribution, then the duration's given that pitch. Durations
that would run past the last bar are never drawn; with `close`, the piece's last note is the
tonic, held through at least the last beat: other pitches may not reach into the last beat, and
when only the last beat is left the pitch is redrawn among the tonic's octaves (in the model's
proportions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from distkit.music.melody.events import (
    DURATIONS,
    LOWEST,
    REST,
    Events,
    Key,
    encode,
    token_pitch,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

FINAL_STEPS = 4
"""With `close`, the last beat (four sixteenths) belongs to the final tonic."""
Note = tuple[int | None, int]
"""A MIDI pitch (None for a rest) and its length in sixteenth-note steps."""


class EventPredictor(Protocol):
    """What a melody model gives to be continued by `continue_notes`."""

    def pitch_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int
    ) -> NDArray[np.float64]: ...

    def duration_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int, pitch: int
    ) -> NDArray[np.float64]: ...


def tonic_tokens() -> list[int]:
    """The pitch tokens of the tonic in every octave (tokens count from the tonic)."""
    return [token for token in range(REST) if (token + LOWEST) % 12 == 0]


def continue_notes(
    predictor: EventPredictor,
    notes: Sequence[Note],
    key: Key,
    end: int,
    *,
    bar_steps: int,
    start_in_bar: int = 0,
    seed: int | None = None,
    close: bool = False,
    temperature: float = 1.0,
) -> list[Note]:
    """New notes after `notes` (which start `start_in_bar` steps into a bar) until step `end`
    (counted from the first note); their lengths add up to `end` minus the given length."""
    import numpy as np

    if temperature <= 0:
        raise ValueError(f"the temperature must be positive, got {temperature}")
    rng = np.random.default_rng(seed)
    minor = key.mode == "minor"
    history = list(notes)
    now = sum(steps for _, steps in notes)
    if now >= end:
        return []
    new: list[Note] = []
    lengths = np.array(DURATIONS)
    tonics = tonic_tokens()
    while now < end:
        events = encode(history, key, bar_steps, start_in_bar)
        position = (start_in_bar + now) % bar_steps
        remaining = end - now
        pitches = _sharpen(
            predictor.pitch_probabilities(events, minor, position, bar_steps), temperature
        )
        pitch = _draw(pitches, rng)
        fits = lengths <= remaining
        if close and pitch not in tonics:
            fits &= lengths <= remaining - FINAL_STEPS  # the last beat is the tonic's
            if not fits.any():
                pitch = _draw(_only(pitches, tonics), rng)
                fits = lengths <= remaining
        durations = predictor.duration_probabilities(events, minor, position, bar_steps, pitch)
        durations = _sharpen(durations, temperature) * fits
        if durations.sum() <= 0:  # the model gives no weight to any length that fits
            durations = fits.astype(float)
        steps = int(lengths[_draw(durations, rng)])
        if close and pitch in tonics and steps > remaining - FINAL_STEPS:
            steps = remaining  # the tonic that reaches the last beat is held to the end
        note = (token_pitch(pitch, key), steps)
        history.append(note)
        new.append(note)
        now += steps
    return new


def _sharpen(probabilities: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    import numpy as np

    values = np.asarray(probabilities, dtype=float).clip(min=0)
    if temperature != 1.0:
        values = values ** (1.0 / temperature)
    return values


def _only(probabilities: NDArray[np.float64], tokens: Sequence[int]) -> NDArray[np.float64]:
    import numpy as np

    kept = np.zeros_like(probabilities)
    kept[list(tokens)] = probabilities[list(tokens)]
    if kept.sum() <= 0:
        kept[list(tokens)] = 1.0
    return kept


def _draw(weights: NDArray[np.float64], rng: np.random.Generator) -> int:
    total = float(weights.sum())
    return int(rng.choice(len(weights), p=weights / total))
