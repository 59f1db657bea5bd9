"""Continuing a melody event by event with any model that predicts the next event.

The model gives the next pitch's distribution, then the duration's given that pitch. Durations
that would run past the last bar are never drawn; with `close`, the piece's last note is the
tonic, held through at least the last beat: other pitches may not reach into the last beat, and
when only the last beat is left the pitch is redrawn among the tonic's octaves (in the model's
proportions).

How the next event is drawn is a `Sampling`: a temperature (both distributions), a nucleus
(`top_p`: the pitch is drawn among the likeliest pitches that together hold that share), and a
weight on pitches outside the key's scale (1 leaves them as the model gives them), and a weight
on each next note that would complete a run of 8 notes found in a training tune (`copy_weight`:
0 forbids such notes, the copy guard; see `distkit.music.melody.runs`). The guard weighs whole
notes: a (pitch, length) pair that would copy is down-weighted, each pitch's probability by the
share of its lengths' probability that is down-weighted, and the rest renormalised; when every
candidate note would copy, the guard gives way (the model's own choice). Models keep the setting
chosen on the validation split in their settings file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from distkit.music.base import MAJOR_SCALE, MINOR_SCALE
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

    from distkit.music.melody.runs import RunIndex

FINAL_STEPS = 4
"""With `close`, the last beat (four sixteenths) belongs to the final tonic."""
Note = tuple[int | None, int]
"""A MIDI pitch (None for a rest) and its length in sixteenth-note steps."""


@dataclass(frozen=True)
class Sampling:
    """How the next event is drawn from the model's distributions."""

    temperature: float = 1.0
    top_p: float = 1.0
    """The pitch is drawn among the fewest likeliest pitches whose probabilities add up to this."""
    out_of_scale: float = 1.0
    """Weight multiplying the probability of each pitch outside the key's scale."""
    copy_weight: float = 1.0
    """Weight multiplying the probability of a note that would end a run of 8 notes found in a
    training tune (0: never; 1: no guard)."""

    def __post_init__(self) -> None:
        if not self.temperature > 0:
            raise ValueError(f"the temperature must be positive, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if not 0 <= self.out_of_scale <= 1:
            raise ValueError(f"out_of_scale must be in [0, 1], got {self.out_of_scale}")
        if not 0 <= self.copy_weight <= 1:
            raise ValueError(f"copy_weight must be in [0, 1], got {self.copy_weight}")


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


def out_of_scale_tokens(minor: bool) -> list[int]:
    """The pitch tokens outside the key's scale (major; or minor with both sevenths)."""
    scale = MINOR_SCALE if minor else MAJOR_SCALE
    return [token for token in range(REST) if (token + LOWEST) % 12 not in scale]


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
    sampling: Sampling | None = None,
    runs: RunIndex | None = None,
) -> list[Note]:
    """New notes after `notes` (which start `start_in_bar` steps into a bar) until step `end`
    (counted from the first note); their lengths add up to `end` minus the given length.

    With `runs` and a `copy_weight` under 1, a note that would end a run of the index (counting
    the given notes before it) is weighted by `copy_weight`."""
    import numpy as np

    sampling = sampling or Sampling()
    rng = np.random.default_rng(seed)
    minor = key.mode == "minor"
    history = list(notes)
    now = sum(steps for _, steps in notes)
    if now >= end:
        return []
    new: list[Note] = []
    lengths = np.array(DURATIONS)
    tonics = tonic_tokens()
    outside = out_of_scale_tokens(minor)
    while now < end:
        events = encode(history, key, bar_steps, start_in_bar)
        position = (start_in_bar + now) % bar_steps
        remaining = end - now
        weighted = _sharpen(
            predictor.pitch_probabilities(events, minor, position, bar_steps), sampling.temperature
        )
        in_key = weighted.copy()
        in_key[outside] *= sampling.out_of_scale
        if in_key.sum() > 0:  # else the model gives weight only to pitches outside the scale
            weighted = in_key
        copying = None
        if runs is not None and sampling.copy_weight < 1:
            copying = runs.completing(
                history,
                (key.reference + LOWEST + np.arange(REST))[:, None],
                _note_steps(lengths, remaining, close, tonics),
            )
            if copying.any():
                guarded = weighted.copy()
                guarded[:REST] *= _kept_shares(
                    predictor,
                    events,
                    minor,
                    position,
                    bar_steps,
                    copying,
                    sampling,
                    _fitting(lengths, remaining, close, tonics),
                )
                if guarded.sum() > 0:  # else every candidate would copy: the guard gives way
                    weighted = guarded
                else:
                    copying = None
            else:
                copying = None
        pitch = _draw(_nucleus(weighted, sampling.top_p), rng)
        fits = lengths <= remaining
        if close and pitch not in tonics:
            fits &= lengths <= remaining - FINAL_STEPS  # the last beat is the tonic's
            if not fits.any():
                pitch = _draw(_only(weighted, tonics), rng)
                fits = lengths <= remaining
        durations = predictor.duration_probabilities(events, minor, position, bar_steps, pitch)
        durations = _sharpen(durations, sampling.temperature) * fits
        if durations.sum() <= 0:  # the model gives no weight to any length that fits
            durations = fits.astype(float)
        if copying is not None and pitch < REST:
            guarded = durations * np.where(copying[pitch], sampling.copy_weight, 1.0)
            if guarded.sum() <= 0:  # the model gives no weight to a length that does not copy
                guarded = (fits & ~copying[pitch]).astype(float)
            if guarded.sum() > 0:
                durations = guarded
        steps = int(lengths[_draw(durations, rng)])
        if close and pitch in tonics and steps > remaining - FINAL_STEPS:
            steps = remaining  # the tonic that reaches the last beat is held to the end
        note = (token_pitch(pitch, key), steps)
        history.append(note)
        new.append(note)
        now += steps
    return new


def _note_steps(
    lengths: NDArray[np.int64], remaining: int, close: bool, tonics: Sequence[int]
) -> NDArray[np.int64]:
    """The length each (pitch token, duration token) note would get (pitch tokens as rows, rests
    left out): with `close`, a tonic reaching into the last beat is held to the end."""
    import numpy as np

    steps = np.tile(lengths, (REST, 1))
    if close:
        for token in tonics:
            steps[token, lengths > remaining - FINAL_STEPS] = remaining
    return steps


def _fitting(
    lengths: NDArray[np.int64], remaining: int, close: bool, tonics: Sequence[int]
) -> NDArray[np.bool_]:
    """Which duration tokens each pitch token (rows, rests left out) may take."""
    import numpy as np

    fits = np.tile(lengths <= remaining, (REST, 1))
    if close:
        others = [token for token in range(REST) if token not in tonics]
        fits[others] &= lengths <= remaining - FINAL_STEPS
    return fits


def _kept_shares(
    predictor: EventPredictor,
    events: Events,
    minor: bool,
    position: int,
    bar_steps: int,
    copying: NDArray[np.bool_],
    sampling: Sampling,
    fits: NDArray[np.bool_],
) -> NDArray[np.float64]:
    """For each pitch token (rests left out), the share of its fitting lengths' probability that
    the copy guard keeps: 1 where no length copies."""
    import numpy as np

    shares = np.ones(REST)
    for token in np.flatnonzero((copying & fits).any(axis=1)).tolist():
        durations = predictor.duration_probabilities(events, minor, position, bar_steps, token)
        durations = _sharpen(durations, sampling.temperature) * fits[token]
        if durations.sum() <= 0:
            durations = fits[token].astype(float)
        kept = durations * np.where(copying[token], sampling.copy_weight, 1.0)
        shares[token] = kept.sum() / durations.sum()
    return shares


def _sharpen(probabilities: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    import numpy as np

    values = np.asarray(probabilities, dtype=float).clip(min=0)
    if temperature != 1.0:
        values = values ** (1.0 / temperature)
    return values


def _nucleus(probabilities: NDArray[np.float64], top_p: float) -> NDArray[np.float64]:
    """Only the fewest likeliest entries whose share of the total reaches `top_p` (the likeliest
    is always kept); the rest set to 0."""
    import numpy as np

    total = float(probabilities.sum())
    if top_p >= 1 or total <= 0:
        return probabilities
    order = np.argsort(-probabilities, kind="stable")
    before = np.cumsum(probabilities[order]) - probabilities[order]
    kept = np.zeros_like(probabilities)
    chosen = order[before < top_p * total]
    kept[chosen] = probabilities[chosen]
    return kept


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
