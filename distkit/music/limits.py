"""The bounds that keep composing's work finite whatever the input: how big a MIDI file, how
long a melody and how long a WAV may be, and running out of memory as one clear error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from distkit.errors import DistkitError, UsageError
from distkit.music.base import BAR_STEPS, STEPS_PER_QUARTER

MiB = 1024 * 1024
MAX_MIDI_BYTES = 2 * MiB
"""Far above any real melody (a Bach chorale is a few kB); parsing stays well under 1 GiB."""
MAX_BARS = 4096
MAX_STEPS = MAX_BARS * BAR_STEPS
"""Over two hours at 100 quarter notes a minute; a (4, MAX_STEPS, 128) roll is 32 MiB."""
MAX_TRACKS = 16
"""Tracks read into one arrangement: at most 16 x 8 MiB of piano roll."""
MAX_WAV_SECONDS = 4 * 3600
"""A 16-bit mono WAV of four hours at 22,050 Hz is 635 MB."""
TEMPO_RANGE = (20.0, 300.0)
"""Quarter notes a minute that compose, the studio (page and server) and the MIDI writer take."""

P = ParamSpec("P")
R = TypeVar("R")


def check_steps(steps: int, what: str) -> None:
    """A UsageError naming the limit when `what` (e.g. "song.mid") lasts over MAX_STEPS steps."""
    if steps > MAX_STEPS:
        bars = -(-steps // BAR_STEPS)
        raise UsageError(
            f"{what} lasts {bars:,} bars; a melody may be at most {MAX_BARS:,} bars "
            f"({MAX_STEPS:,} sixteenth-note steps)"
        )


def check_wav_seconds(steps: int, tempo: float) -> None:
    """A UsageError naming the limit when `steps` at `tempo` would make too long a WAV."""
    seconds = steps * 60.0 / tempo / STEPS_PER_QUARTER
    if seconds > MAX_WAV_SECONDS:
        raise UsageError(
            f"the WAV would last {seconds / 3600:,.1f} hours at {tempo:g} quarter notes a "
            f"minute; distkit renders at most {MAX_WAV_SECONDS // 3600} hours"
        )


def check_tempo(tempo: float) -> float:
    """`tempo` as a float, or a UsageError saying the range (nan and infinities included)."""
    low, high = TEMPO_RANGE
    if not low <= tempo <= high:  # False for nan
        raise UsageError(
            f"the tempo must be between {low:g} and {high:g} quarter notes a minute, not {tempo:g}"
        )
    return float(tempo)


def memory_errors_reported(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function so that running out of memory in it is a DistkitError, one line."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except MemoryError as error:  # chained, so that --debug shows where
                raise DistkitError(
                    f"ran out of memory while {action}; nothing was written"
                ) from error

        return wrapper

    return decorate
