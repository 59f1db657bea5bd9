"""A melody's metre as a MIDI file states it: read from its time signatures, written back.

A pickup (anacrusis) is the way notation programs and DAWs write one: a short first bar with its
own time signature (1/4 before a 3/4 tune), then the tune's. Only what distkit's sixteenth-note
grid can count is taken: a beat of a whole note to a sixteenth, a bar of at most four whole notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from distkit.music import smf
from distkit.music.base import STEPS_PER_QUARTER

STEPS_PER_WHOLE = 4 * STEPS_PER_QUARTER
UNITS = (1, 2, 4, 8, 16)
LONGEST_BAR = 4 * STEPS_PER_WHOLE


@dataclass(frozen=True)
class TimeSignature:
    """`beats` beats of a 1/`unit` note per bar, the first bar line `pickup` steps in."""

    beats: int
    unit: int
    pickup: int = 0

    @property
    def beat_steps(self) -> int:
        return STEPS_PER_WHOLE // self.unit

    @property
    def bar_steps(self) -> int:
        return self.beats * self.beat_steps

    @property
    def pickup_beats(self) -> float:
        return self.pickup / self.beat_steps

    def __str__(self) -> str:
        return f"{self.beats}/{self.unit}"

    def bar_starts(self, steps: int) -> list[int]:
        """The step where each bar of a piece `steps` long begins (the pickup is bar 1 when
        there is one, as a MIDI editor counts it), and `steps` at the end."""
        starts = [0] if self.pickup == 0 else [0, self.pickup]
        while starts[-1] + self.bar_steps < steps:
            starts.append(starts[-1] + self.bar_steps)
        return [start for start in starts if start < steps] + [steps]


def read(events: Sequence[smf.TimeSignatureEvent], ticks_per_quarter: int) -> TimeSignature | None:
    """The metre that a file's time signatures give: the one at its start, or, where that
    one's single bar is shorter than the next signature's bar (a pickup), the next one with the
    first bar as its pickup. None when the file sets none at its start or one off the grid."""
    if not events or events[0].tick != 0:
        return None
    first = _counted(events[0])
    if first is None:
        return None
    if len(events) > 1:
        second = _counted(events[1])
        ticks = events[1].tick * STEPS_PER_QUARTER
        if (
            second is not None
            and ticks == first.bar_steps * ticks_per_quarter
            and first.bar_steps < second.bar_steps
        ):
            return TimeSignature(second.beats, second.unit, first.bar_steps)
    return first


def _counted(event: smf.TimeSignatureEvent) -> TimeSignature | None:
    signature = TimeSignature(event.numerator, event.denominator)
    if event.denominator not in UNITS or not 1 <= signature.bar_steps <= LONGEST_BAR:
        return None
    return signature


def changes(signature: TimeSignature, step_seconds: float) -> list[Any]:
    """pretty_midi's time signature changes for `signature`: its pickup as a bar of its own (in
    the signature's beats where they divide it, else in sixteenths), then the metre."""
    import pretty_midi

    written = []
    if signature.pickup:
        if signature.pickup % signature.beat_steps == 0:
            beats, unit = signature.pickup // signature.beat_steps, signature.unit
        else:
            beats, unit = signature.pickup, STEPS_PER_WHOLE
        written.append(pretty_midi.TimeSignature(beats, unit, 0.0))
    start = signature.pickup * step_seconds
    written.append(pretty_midi.TimeSignature(signature.beats, signature.unit, start))
    return written
