"""Melody models: `continue_melody` for any event predictor, and the built-in n-gram model.

A melody is distkit's (steps, 128) roll at four steps per quarter note, in 4/4 from a downbeat
unless `bar_steps` and `pickup` say otherwise; its key is estimated from its notes (by the
Krumhansl-Kessler profiles, or by the model's own likelihood of them: `keys.melody_key`, each
model's setting), and the continuation is written in it. A model whose sampling has a
`copy_weight` under 1 is guarded against copying 8 notes of a training tune (`runs`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from distkit.errors import UsageError
from distkit.music.base import BAR_STEPS
from distkit.music.melody.continuation import EventPredictor, Sampling, continue_notes
from distkit.music.melody.events import Key, melody_notes, roll_of
from distkit.music.melody.keys import KEY_METHODS, melody_key
from distkit.music.melody.metre import bars_end
from distkit.music.melody.runs import shipped_runs

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.melody.ngram import NgramModel

MAX_BARS = 64
"""The most bars one call continues by: far more than a tune's phrase, small enough to serve."""


def check_bars(bars: Any) -> int:
    """`bars` as a whole number from 1 to MAX_BARS, or a UsageError that says what it got."""
    if isinstance(bars, bool) or not isinstance(bars, int):
        raise UsageError(f"the number of bars to continue must be a whole number, got {bars!r}")
    if not 1 <= bars <= MAX_BARS:
        raise UsageError(f"the number of bars to continue must be 1 to {MAX_BARS}, got {bars}")
    return bars


def check_metre(bar_steps: Any, pickup: Any) -> None:
    """A UsageError unless `bar_steps` is 1 to POSITIONS steps and `pickup` 0 to one less."""
    from distkit.music.melody.events import POSITIONS

    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (bar_steps, pickup))
    if not whole or not 1 <= bar_steps <= POSITIONS or not 0 <= pickup < bar_steps:
        raise UsageError(
            f"a bar must be 1 to {POSITIONS} steps and the pickup shorter, got {bar_steps!r} "
            f"and {pickup!r}"
        )


class MelodyModel:
    """A music model that continues melodies; subclasses give `predictor()`.

    Registered like any music model, it has `harmonize` only to say that it writes melodies.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    harmonizes: ClassVar[bool] = False
    """Read by listings of harmonizers (the teacher's panel): a melody model is not one."""

    def predictor(self) -> EventPredictor:
        raise NotImplementedError

    def sampling(self) -> Sampling:
        """How events are drawn (chosen on the validation split where it was measured)."""
        return Sampling()

    def key_method(self) -> str:
        """How the melody's key is found: "profile" (Krumhansl-Kessler) or "model" (the
        predictor's own likelihood, where it has `event_nll`)."""
        return "profile"

    def continue_melody(
        self,
        melody: Any,
        bars: int,
        *,
        seed: int | None = None,
        close: bool = False,
        bar_steps: int = BAR_STEPS,
        pickup: int = 0,
    ) -> NDArray[np.bool_]:
        """The melody followed by `bars` more bars of `bar_steps` steps (after completing its
        last bar), its first bar line `pickup` steps in; with `close` the last note is the
        tonic."""
        from distkit.music.base import as_melody

        bars = check_bars(bars)
        check_metre(bar_steps, pickup)
        roll = as_melody(melody)
        if not roll.any():
            raise UsageError("the melody has no notes to continue")
        notes = melody_notes(roll)
        while notes and notes[-1][0] is None:  # trailing silence is not part of the tune
            notes.pop()
        length = sum(steps for _, steps in notes)
        end = bars_end(length, bars, bar_steps, pickup)
        predictor = self.predictor()
        start_in_bar = (bar_steps - pickup) % bar_steps
        key = self.key_of(notes, bar_steps=bar_steps, pickup=pickup, predictor=predictor)
        sampling = self.sampling()
        new = continue_notes(
            predictor,
            notes,
            key,
            end,
            bar_steps=bar_steps,
            start_in_bar=start_in_bar,
            seed=seed,
            close=close,
            sampling=sampling,
            runs=shipped_runs() if sampling.copy_weight < 1 else None,
        )
        return roll_of([*notes, *new])

    def key_of(
        self,
        notes: Sequence[tuple[int | None, int]],
        *,
        bar_steps: int = BAR_STEPS,
        pickup: int = 0,
        predictor: EventPredictor | None = None,
    ) -> Key:
        """The key the model continues `notes` in, by its `key_method`."""
        predictor = predictor or self.predictor()
        scorer = getattr(predictor, "event_nll", None)
        start_in_bar = (bar_steps - pickup) % bar_steps
        return melody_key(self.key_method(), scorer, notes, bar_steps, start_in_bar)

    def harmonize(self, melody: Any, *, seed: int | None = None) -> NDArray[np.bool_]:
        raise UsageError(
            f"{self.name} is a melody model: it continues melodies (compose --continue N "
            f"--melody-model {self.name}); harmonize with another model"
        )


class FolkNgram(MelodyModel):
    """The n-gram baseline, trained on the folk tunes' train split; its tables ship with distkit."""

    name = "folk-ngram"
    description = (
        "n-gram melody model (pitch and rhythm, Witten-Bell smoothing) trained on about 10,000 "
        "folk tunes; continues melodies"
    )
    tables: ClassVar[str] = "ngram.npz"

    def predictor(self) -> NgramModel:
        return shipped_ngram()

    def sampling(self) -> Sampling:
        return settings_sampling(data_file(SETTINGS))

    def key_method(self) -> str:
        return settings_key_method(data_file(SETTINGS))


SETTINGS = "ngram.json"
"""The orders and the sampling chosen on validation, beside the tables."""


def data_file(name: str) -> Path:
    """A file of distkit.music.melody's data folder (package data)."""
    return Path(__file__).parent / "data" / name


def _settings(path: Path) -> dict[str, Any]:
    import json

    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def settings_key_method(path: Path) -> str:
    """The key method a settings file records (`key`); "profile" when missing or unknown."""
    method = _settings(path).get("key")
    return method if method in KEY_METHODS else "profile"


def settings_sampling(path: Path) -> Sampling:
    """The sampling a settings file records (`temperature`, `top_p`, `out_of_scale`,
    `copy_weight`); each missing or unusable value is the plain model's (1)."""
    record = _settings(path)
    values = {}
    for name in ("temperature", "top_p", "out_of_scale", "copy_weight"):
        try:
            values[name] = float(record[name])
            Sampling(**{name: values[name]})
        except (KeyError, ValueError, TypeError):
            values.pop(name, None)
    return Sampling(**values)


@functools.lru_cache(maxsize=1)
def shipped_ngram() -> NgramModel:
    """The n-gram tables shipped in distkit.music.melody's data folder (read once)."""
    from distkit.errors import NotFoundError
    from distkit.music.melody.ngram import NgramModel

    try:
        return NgramModel.load(data_file(FolkNgram.tables))
    except FileNotFoundError:
        raise NotFoundError(f"the n-gram tables {FolkNgram.tables} are not installed") from None
