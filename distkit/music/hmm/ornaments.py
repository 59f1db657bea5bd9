"""The ornamentation layer: how Bach fills a beat of alto, tenor or bass between two chords.

The voicing gives each lower voice one note per beat (a quarter note). Bach's inner voices and
bass move on the beat's second eighth about a third of the time: a passing note between notes a
third apart, a neighbour note, an anticipation of the next beat's note, a skip, an octave.
`OrnamentTables` hold, for each voice, whether the soprano moves inside the beat and the
interval to the voice's next beat note, a distribution over those FIGURES, counted in the
training chorales (`ornament_learning`). `ornament` draws one figure per beat and voice from it
and writes its second eighth, unless that would cross a neighbouring voice, leave the voice's
range, or add a voice-leading fault (`voice_leading.FAULTS`) around the beat; then the figure is
drawn again among the others (a held note is always allowed). The draws come from a fixed seed,
so a melody is always ornamented the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import MAJOR_SCALE, MINOR_SCALE, SATB_RANGES, STEPS_PER_QUARTER

if TYPE_CHECKING:
    from numpy.typing import NDArray

FIGURES = (
    "held",
    "passing",
    "upper neighbour",
    "lower neighbour",
    "anticipation",
    "step towards",
    "step away",
    "skip to a step",
    "octave",
    "leap",
)
"""What a voice does on the second eighth of a beat, from its note `a` on the beat towards its
note `b` on the next: stays; a note between them a step from each; a step above or below when
`b` is `a`; `b` itself; a step towards or away from `b`; a skip to a step from `b`; `a` an
octave away; another leap."""
HELD = 0
INTERVALS = 9
"""Intervals to the next beat are kept up to a fifth (7 semitones) either way; 8 stands for 8
to 11 semitones, 9 for an octave or more."""
SEED = 0
"""The seed of every ornamentation, so that a melody is ornamented the same way each time (and
a passage's takes keep the model's own ornaments where their notes are the model's own)."""
HALF_BEAT = STEPS_PER_QUARTER // 2
HELD_ON = 8 * STEPS_PER_QUARTER
"""No figure is written where a voice's note sounding on the next beat lasts longer than this
(its fault would lie beyond the window the check reads)."""
STRENGTH = 1.5
"""How much more often than counted a figure other than a held note is drawn (its weight times
STRENGTH): the checks turn some down, so the counted rate alone falls short of Bach's."""


@dataclass(frozen=True)
class OrnamentTables:
    """P(figure | voice, soprano moves in the beat, interval to the next beat's note):
    `figures` (3 voices: alto, tenor, bass; 2; 2 * INTERVALS + 1; len(FIGURES)), rows sum to 1."""

    figures: NDArray[np.float64]


def interval_index(interval: int) -> int:
    """The row of `OrnamentTables.figures` for a move of `interval` semitones to the next beat."""
    size = abs(interval)
    bucket = size if size <= 7 else (8 if size < 12 else INTERVALS)
    return INTERVALS + (bucket if interval >= 0 else -bucket)


def figure_of(a: int, x: int, b: int) -> int:
    """Which of FIGURES a beat is that starts on `a`, has `x` on its second eighth and moves on
    to `b` on the next beat."""
    if x == a:
        return HELD
    step = abs(x - a) <= 2
    if step and min(a, b) < x < max(a, b) and abs(b - x) <= 2:
        return FIGURES.index("passing")
    if step and b == a:
        return FIGURES.index("upper neighbour" if x > a else "lower neighbour")
    if x == b:
        return FIGURES.index("anticipation")
    if step:
        towards = (x - a) * (b - a) > 0
        return FIGURES.index("step towards" if towards else "step away")
    if abs(b - x) <= 2:
        return FIGURES.index("skip to a step")
    if abs(x - a) == 12:
        return FIGURES.index("octave")
    return FIGURES.index("leap")


def read_ornaments(source: Any) -> OrnamentTables:
    """Tables from an .npz written by `ornament_learning.save_ornaments` (path or binary file)."""
    with np.load(source) as data:
        figures = data["figures"].astype(np.float64)
    return OrnamentTables(figures / figures.sum(axis=-1, keepdims=True))


def ornament(
    lines: NDArray[np.int64],
    soprano: NDArray[np.int64],
    tables: OrnamentTables,
    tonic: int,
    mode: str,
    free: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """Alto, tenor and bass `lines` (3, steps; -1 silent) with figures drawn on each beat a
    voice holds one note through and moves on from, where `free` (3, steps) allows (all steps
    when None). `soprano` (steps,) is the melody's line; `tonic` and `mode` give the scale."""
    result = np.array(lines, dtype=np.int64)
    beats = result.shape[1] // STEPS_PER_QUARTER
    draws = np.random.default_rng(SEED).random((beats, 3))
    writer = _Writer(result, soprano, tonic, mode)
    for beat in range(beats - 1):
        start = beat * STEPS_PER_QUARTER
        moving = int(len(np.unique(soprano[start : start + STEPS_PER_QUARTER])) > 1)
        for voice in (2, 1, 0):
            span = result[voice, start : start + STEPS_PER_QUARTER]
            a, b = int(span[0]), int(result[voice, start + STEPS_PER_QUARTER])
            if a < 0 or b < 0 or (span != a).any():
                continue
            if free is not None and not free[voice, start : start + STEPS_PER_QUARTER].all():
                continue
            weights = tables.figures[voice, moving, interval_index(b - a)].copy()
            weights[HELD + 1 :] *= STRENGTH
            writer.write(voice, beat, a, b, weights, float(draws[beat, voice]))
    return result


class _Writer:
    """Writes one figure at a time into `lines`, checking each against its neighbours."""

    def __init__(
        self, lines: NDArray[np.int64], soprano: NDArray[np.int64], tonic: int, mode: str
    ) -> None:
        self.lines, self.tonic = lines, tonic
        self.everything = np.vstack([soprano, lines])
        degrees = MINOR_SCALE if mode == "minor" else MAJOR_SCALE
        self.scale = {(tonic + degree) % 12 for degree in degrees}

    def write(
        self, voice: int, beat: int, a: int, b: int, weights: NDArray[np.float64], draw: float
    ) -> None:
        """Draw figures (by inverse CDF with `draw`) until one fits, and write its note."""
        start = beat * STEPS_PER_QUARTER
        while weights[HELD] < weights.sum():
            figure = int(np.searchsorted(np.cumsum(weights) / weights.sum(), draw, side="right"))
            figure = min(figure, len(weights) - 1)
            if figure == HELD:
                return
            note = self._note(figure, a, b, start)
            if note is not None and self._fits(voice, start, note):
                self.lines[voice, start + HALF_BEAT : start + STEPS_PER_QUARTER] = note
                self.everything[voice + 1] = self.lines[voice]
                return
            weights[figure] = 0.0

    def _step(self, pitch: int, way: int) -> int | None:
        """The next note of the scale from `pitch` a semitone or a tone `way` (+1 or -1)."""
        for size in (1, 2):
            if (pitch + way * size) % 12 in self.scale:
                return pitch + way * size
        return None

    def _note(self, figure: int, a: int, b: int, start: int) -> int | None:
        """The second eighth of `figure` from `a` towards `b`, or None where it has none."""
        name = FIGURES[figure]
        way = 1 if b > a else -1
        if name == "passing":
            inside = [p for p in range(a + way, b, way) if abs(p - a) <= 2 and abs(b - p) <= 2]
            if abs(b - a) == 4:
                return (a + b) // 2
            scale = [p for p in inside if p % 12 in self.scale]
            return scale[0] if scale else None
        if name in ("upper neighbour", "lower neighbour"):
            return self._step(a, 1 if name == "upper neighbour" else -1) if a == b else None
        if name == "anticipation":
            return b if b != a else None
        if name in ("step towards", "step away"):
            if a == b:
                return None
            note = self._step(a, way if name == "step towards" else -way)
            return None if note is None or figure_of(a, note, b) != figure else note
        chord = {int(p) % 12 for p in self.everything[:, start] if p >= 0}
        if name == "skip to a step":
            notes = [self._step(b, -way), self._step(b, way)]
            fitting = [n for n in notes if n is not None and n % 12 in chord]
            return next((n for n in fitting if figure_of(a, n, b) == figure), None)
        if name == "octave":
            return a + 12 * (way if b != a else 1)
        leaps = [p for p in range(a - 11, a + 12) if p % 12 in chord]
        leaps = [p for p in leaps if figure_of(a, p, b) == figure]
        return min(leaps, key=lambda p: abs(p - b)) if leaps else None

    def _fits(self, voice: int, start: int, note: int) -> bool:
        """Whether `note` on the beat's second half stays in range, below the voice above and
        above the voice below, and adds no fault from the beat before to where the notes
        sounding on the next beat go."""
        low, high = SATB_RANGES[voice + 1]
        if not low <= note <= high:
            return False
        steps = slice(start + HALF_BEAT, start + STEPS_PER_QUARTER)
        above = self.everything[voice, steps]
        if ((above >= 0) & (above <= note)).any():
            return False
        if voice < 2:
            below = self.everything[voice + 2, steps]
            if ((below >= 0) & (below >= note)).any():
                return False
        end = self._window_end(start + STEPS_PER_QUARTER)
        if end is None:
            return False
        first = max(start - STEPS_PER_QUARTER, 0)  # from a beat: faults on beats see beats
        before = self.everything[:, first:end]
        after = before.copy()
        after[voice + 1, steps.start - first : steps.stop - first] = note
        return bool(_faults(after, self.tonic) <= _faults(before, self.tonic))

    def _window_end(self, step: int) -> int | None:
        """The step after the first note of each voice following `step`'s notes: a note held
        on past the next beat (an alto a seventh above a passing bass, say) is judged by where
        it goes, so the window reaches that far. None when a note is held on for more than
        HELD_ON steps (no figure is written under it: the work stays bounded per beat)."""
        lines = self.everything
        if step >= lines.shape[1]:
            return int(lines.shape[1])
        ahead = lines[:, step : step + HELD_ON + 1]
        moves = ahead != ahead[:, :1]
        if ahead.shape[1] > HELD_ON and not moves.any(axis=1).all():
            return None
        reach = [int(np.argmax(row)) + 1 if row.any() else ahead.shape[1] for row in moves]
        return step + max(reach)


def _faults(lines: NDArray[np.int64], tonic: int) -> int:
    """The voice-leading faults in four short lines (4, steps; -1 silent)."""
    from distkit.music.voice_leading import FAULTS

    roll = np.zeros((*lines.shape, 128), dtype=bool)
    voice, step = np.nonzero(lines >= 0)
    roll[voice, step, lines[voice, step]] = True
    return sum(count(roll, tonic) for count in FAULTS.values())
