"""Metres and pickups for continuing a melody: how many sixteenth-note steps a bar holds, and
how long the pickup (anacrusis) before the first bar line is. distkit's melodies carry neither,
so `compose --continue` is told them (4/4 from a downbeat unless told otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from distkit.errors import UsageError
from distkit.music.melody.events import POSITIONS

STEPS_PER_WHOLE = 16
"""distkit's grid: sixteenth-note steps (four per quarter note)."""
UNITS = (1, 2, 4, 8, 16)
NAMED = {"C": "4/4", "C|": "2/2"}


@dataclass(frozen=True)
class Metre:
    """`beats` beats of a 1/`unit` note per bar (6/8: six eighths)."""

    beats: int
    unit: int

    @property
    def bar_steps(self) -> int:
        return self.beats * (STEPS_PER_WHOLE // self.unit)

    @property
    def beat_steps(self) -> int:
        return STEPS_PER_WHOLE // self.unit

    def __str__(self) -> str:
        return f"{self.beats}/{self.unit}"


COMMON_TIME = Metre(4, 4)


def parse_metre(text: str) -> Metre:
    """A metre written `N/D` (3/4, 6/8, 2/2; C and C| too), or a UsageError that says what is
    allowed: D a whole note to a sixteenth, and a bar at most 4 whole notes long."""
    written = NAMED.get(text.strip(), text.strip())
    beats, slash, unit = written.partition("/")
    if not (slash and beats.isdigit() and unit.isdigit() and int(unit) in UNITS):
        raise UsageError(
            f"a metre is N/D with D one of {', '.join(map(str, UNITS))} (3/4, 6/8), got {text!r}"
        )
    metre = Metre(int(beats), int(unit))
    if not 1 <= metre.bar_steps <= POSITIONS:
        raise UsageError(f"a bar of {text} is not 1 sixteenth to 4 whole notes long")
    return metre


def pickup_steps(beats: str | float, metre: Metre) -> int:
    """The pickup's length in steps: `beats` beats of the metre's note (quarters in 3/4, eighths
    in 6/8), a whole number of sixteenths shorter than a bar; else a UsageError."""
    try:
        value = float(beats)
    except (TypeError, ValueError):
        raise UsageError(f"the pickup is a number of beats, got {beats!r}") from None
    steps = value * metre.beat_steps
    if not (0 <= steps < metre.bar_steps) or abs(steps - round(steps)) > 1e-9:
        raise UsageError(
            f"the pickup must be shorter than a bar of {metre} (under {metre.beats} beats) and a "
            f"whole number of sixteenths, got {beats}"
        )
    return round(steps)


def bars_end(length: int, bars: int, bar_steps: int, pickup: int = 0) -> int:
    """The step where `bars` more bars end after a melody `length` steps long whose first bar
    line falls `pickup` steps in (its last bar completed first)."""
    whole = -(-max(length - pickup, 0) // bar_steps)
    return pickup + (whole + bars) * bar_steps
