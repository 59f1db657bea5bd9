"""Voice-leading faults a music teacher marks in an SATB arrangement, counted exactly.

Rolls are (4, steps, 128) booleans, voices soprano, alto, tenor, bass; a voice's line is its
highest pitch at each step. The counts serve models at run time (a sampler that steers or chooses
by them) and the teacher's panel (`metrics`, evaluation only), which reports them per 100 beats.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches, note_runs

if TYPE_CHECKING:
    from numpy.typing import NDArray

PERFECT = (0, 7)
OUTER = (0, 3)


def _motions(lines: NDArray[np.int64], upper: int, lower: int) -> dict[str, NDArray[Any]]:
    """Step-to-step motion of two voices where both sound before and after and one moves."""
    a0, a1 = lines[upper, :-1], lines[upper, 1:]
    b0, b1 = lines[lower, :-1], lines[lower, 1:]
    heard = (a0 >= 0) & (a1 >= 0) & (b0 >= 0) & (b1 >= 0)
    up, down = np.sign(a1 - a0), np.sign(b1 - b0)
    return {
        "heard": heard & ((up != 0) | (down != 0)),
        "before": (a0 - b0) % 12,
        "after": (a1 - b1) % 12,
        "similar": (up == down) & (up != 0),
        "contrary": (up == -down) & (up != 0),
        "upper_leap": np.abs(a1 - a0) > 2,
    }


def consecutives(arrangement: NDArray[Any], motion: str) -> int:
    """Consecutive fifths or octaves (unisons, compound intervals) between any two voices.

    `motion` is "similar" (parallel: both move the same way) or "contrary" (a fifth to a twelfth,
    an octave to a unison): the interval class stays a fifth or an octave while both voices move.
    """
    lines = highest_pitches(arrangement)
    count = 0
    for upper, lower in combinations(range(len(lines)), 2):
        m = _motions(lines, upper, lower)
        same = (m["before"] == m["after"]) & np.isin(m["after"], PERFECT)
        count += int((m["heard"] & m[motion] & same).sum())
    return count


def hidden_perfects(arrangement: NDArray[Any]) -> int:
    """Hidden fifths and octaves in the outer voices: similar motion into a perfect interval
    from another interval, with the soprano leaping (more than a whole tone)."""
    m = _motions(highest_pitches(arrangement), *OUTER)
    into = np.isin(m["after"], PERFECT) & (m["before"] != m["after"])
    return int((m["heard"] & m["similar"] & into & m["upper_leap"]).sum())


def _voice_notes(arrangement: NDArray[Any], voice: int) -> NDArray[np.int64]:
    """The notes (pitch, start, end) of one voice's line in time order."""
    line = highest_pitches(arrangement[voice])
    roll = np.zeros((1, len(line), 128), dtype=bool)
    steps = np.flatnonzero(line >= 0)
    roll[0, steps, line[steps]] = True
    runs = note_runs(roll)[:, 1:]
    return runs[np.argsort(runs[:, 1], kind="stable")]


def unresolved_leading_notes(arrangement: NDArray[Any], tonic: int) -> int:
    """Leading notes in alto or tenor over a dominant bass that do not rise a semitone when the
    bass moves to the tonic (the V-I resolution a textbook asks for)."""
    bass = highest_pitches(arrangement[3])
    count = 0
    for voice in (1, 2):
        notes = _voice_notes(arrangement, voice)
        for (pitch, _start, end), (following, _, _) in pairwise(notes):
            if (pitch - tonic) % 12 != 11 or end >= len(bass):
                continue
            v_to_i = (bass[end - 1] - tonic) % 12 == 7 and (bass[end] - tonic) % 12 == 0
            if v_to_i and bass[end - 1] >= 0 and bass[end] >= 0 and following != pitch + 1:
                count += 1
    return count


def unresolved_sevenths(arrangement: NDArray[Any]) -> int:
    """Notes of alto or tenor a seventh above the bass whose next note is not a step down."""
    bass = highest_pitches(arrangement[3])
    count = 0
    for voice in (1, 2):
        notes = _voice_notes(arrangement, voice)
        for (pitch, start, end), (following, _, _) in pairwise(notes):
            under = bass[start:end]
            seventh = ((under >= 0) & np.isin((pitch - under) % 12, (10, 11))).any()
            if seventh and not 1 <= pitch - following <= 2:
                count += 1
    return count


def wide_leaps(arrangement: NDArray[Any]) -> int:
    """Leaps of more than an octave from one note to the next in alto, tenor or bass."""
    count = 0
    for voice in (1, 2, 3):
        pitches = _voice_notes(arrangement, voice)[:, 0]
        count += int((np.abs(np.diff(pitches)) > 12).sum())
    return count


def _beat_lines(arrangement: NDArray[Any]) -> NDArray[np.int64]:
    return highest_pitches(np.asarray(arrangement)[:, ::STEPS_PER_QUARTER])


def wide_spacings(arrangement: NDArray[Any]) -> int:
    """Beats where soprano and alto, or alto and tenor, are more than an octave apart."""
    lines = _beat_lines(arrangement)
    wide = np.zeros(lines.shape[1], dtype=bool)
    for upper in (0, 1):
        both = (lines[upper] >= 0) & (lines[upper + 1] >= 0)
        wide |= both & (lines[upper] - lines[upper + 1] > 12)
    return int(wide.sum())


def crossings(arrangement: NDArray[Any]) -> int:
    """Beats where a voice sounds above the voice written above it."""
    lines = _beat_lines(arrangement)
    crossed = np.zeros(lines.shape[1], dtype=bool)
    for upper in range(3):
        both = (lines[upper] >= 0) & (lines[upper + 1] >= 0)
        crossed |= both & (lines[upper + 1] > lines[upper])
    return int(crossed.sum())


def beats(arrangement: NDArray[Any]) -> float:
    """The number of beats (quarter notes) the arrangement lasts."""
    return float(np.asarray(arrangement).shape[1] / STEPS_PER_QUARTER)


FAULTS: dict[str, Callable[[NDArray[Any], int], int]] = {
    "parallel_5ths_8ves": lambda roll, _: consecutives(roll, "similar"),
    "contrary_5ths_8ves": lambda roll, _: consecutives(roll, "contrary"),
    "hidden_5ths_8ves": lambda roll, _: hidden_perfects(roll),
    "unresolved_leading_notes": unresolved_leading_notes,
    "unresolved_sevenths": lambda roll, _: unresolved_sevenths(roll),
    "leaps_over_octave": lambda roll, _: wide_leaps(roll),
    "spacing_over_octave": lambda roll, _: wide_spacings(roll),
    "crossings": lambda roll, _: crossings(roll),
}
"""Voice-leading faults, each reported per 100 beats."""
