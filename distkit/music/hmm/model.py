"""ChoraleHMM: a hidden Markov model over Bach's chords that harmonizes a melody, numpy only.

`tables` learns the model from the chorales, `context` a classifier of each beat's chord (and
the bass's distance below the soprano) from the melody around it, `decoding` finds the melody's
key and chords, `voicing` spreads the chords over alto, tenor and bass, and `ornaments` fills
their beats with Bach's figures (or, without it, `passing` lets the bass pass between notes a
third apart). Regenerate the shipped tables, classifier and figures with
`python -m distkit.music.hmm` (`learning`; nothing here trains). numpy is imported only when a
melody is harmonized, so registering the model keeps distkit's start-up fast.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from distkit.music.base import STEPS_PER_QUARTER, MusicModel, as_melody, highest_pitches

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.hmm.context import ContextNet
    from distkit.music.hmm.decoding import Harmony
    from distkit.music.hmm.ornaments import OrnamentTables
    from distkit.music.hmm.tables import ChoraleTables

TABLES = "chorale_hmm.npz"
TAKES = 4
"""Takes drawn for one seeded infill (chosen on validation: benchmarks/seam_takes.py); the one
with the fewest voice-leading faults in the window and its seams is kept (`fewest_faults`)."""
SEAM_STEPS = 2 * STEPS_PER_QUARTER
CONTEXT = "chorale_context.npz"
ORNAMENTS = "chorale_ornaments.npz"
ORNAMENT = True
"""Whether chorale-hmm ornaments its lower voices by default (`ornaments`)."""


class ChoraleHMM(MusicModel):
    """Alto, tenor and bass under a melody from an HMM over Bach's chords, with voice leading.

    Deterministic: `seed` is accepted for the common interface and not used (the ornaments are
    drawn with a seed of their own). A beat (4 steps) where the melody is silent throughout, and
    every step after its last note, is silent in every voice; elsewhere each lower voice starts
    the beat on a note of its chord and, with the ornamentation layer (`ornaments`, on by
    default), may move on the beat's second eighth as Bach's voices do; without it, alto and
    tenor hold their note for the whole beat and the bass passes (with the context classifier)
    through the step between two notes a third apart.
    """

    name = "chorale-hmm"
    description = (
        "HMM over Bach's chords with a melody-context classifier (Viterbi per beat) and "
        "voice-led SATB; numpy only"
    )
    style = "bach-chorale"
    panel_file = "distkit.music.hmm:data/panel.json"

    def __init__(
        self,
        tables: ChoraleTables | None = None,
        context: ContextNet | None = None,
        ornaments: OrnamentTables | None = None,
        *,
        ornament: bool = ORNAMENT,
    ) -> None:
        """The shipped tables and context classifier, or those given. A `context` without
        `tables` goes with the shipped tables; `tables` without a `context` are used alone (the
        shipped classifier was trained with the shipped tables' chords). With `ornament`, the
        lower voices take figures from `ornaments` (the shipped ones, learned from the same
        chorales, when neither they nor `tables` are given) instead of the bass's passing notes
        between thirds alone."""
        self.tables = tables if tables is not None else shipped_tables()
        self.context = context if (context is not None or tables is not None) else shipped_context()
        self.ornament = ornament
        if ornaments is None and tables is None and ornament:
            ornaments = shipped_ornaments()
        self.ornaments = ornaments

    def harmonize(self, melody: NDArray[Any], *, seed: int | None = None) -> NDArray[np.bool_]:
        """The melody as the soprano plus alto, tenor and bass: (4, steps, 128) bool."""
        import numpy as np

        roll = as_melody(melody)
        arrangement = np.zeros((4, *roll.shape), dtype=bool)
        arrangement[0] = roll
        _draw(arrangement, self._lines(roll))
        return arrangement

    def infill(
        self, arrangement: NDArray[Any], mask: NDArray[Any], *, seed: int | None = None
    ) -> NDArray[np.bool_]:
        """`arrangement` (4, steps, 128) with alto, tenor and bass redrawn where `mask`
        (4, steps) is True, every other cell kept exactly (the soprano always).

        The chords of the beats with no redrawn cell are kept (where the tables know them) and
        Viterbi re-decodes those between; each kept note is a fixed point of the voicing, whose
        costs across each edge of the passage (from the pitch a kept beat ends on) count as
        anywhere else, so the redrawn notes join their neighbours. Without a `seed` this is
        deterministic (the cheapest voicing, so the model's own harmonization comes back as it
        was); with one, the voicing and its chords are drawn from the same lattice
        (`voice_chords`), so each seed is another take.
        """
        import numpy as np

        from distkit.music.hmm.decoding import decode
        from distkit.music.hmm.key import beat_grid, estimate_key
        from distkit.music.hmm.tables import chord_states

        given = np.asarray(arrangement).astype(bool)
        redraw = np.asarray(mask).astype(bool)
        redraw[0] = False
        result = given.copy()
        if not redraw.any():
            return result
        melody = given[0]
        beats = beat_grid(highest_pitches(melody))
        padded = np.zeros((4, len(beats) * STEPS_PER_QUARTER), dtype=bool)
        padded[:, : redraw.shape[1]] = redraw
        open_beats = np.asarray(padded.reshape(4, len(beats), STEPS_PER_QUARTER).any(axis=(0, 2)))
        tonic, mode = estimate_key(beats, self.tables)
        states = chord_states(given, tonic, self.tables.mode(mode))
        fixed_chords = np.where(open_beats[: len(states)], -1, states)
        kept = _Kept(given, padded[1:, : given.shape[1]])
        harmony = (
            decode(beats, self.tables, self.context, fixed_chords) if (beats >= 0).any() else None
        )
        if seed is None:
            return self._take(given, redraw, melody, harmony, kept, None)
        generators = [np.random.default_rng(seed)]
        generators += [np.random.default_rng((seed, index)) for index in range(1, TAKES)]
        takes = [
            self._take(given, redraw, melody, harmony, kept, generator) for generator in generators
        ]
        return takes[fewest_faults(takes, redraw, tonic)]

    def _take(
        self,
        given: NDArray[np.bool_],
        redraw: NDArray[np.bool_],
        melody: NDArray[np.bool_],
        harmony: Harmony | None,
        kept: _Kept,
        rng: np.random.Generator | None,
    ) -> NDArray[np.bool_]:
        """`given` with the `redraw` cells taken from one voicing of the window's `harmony`
        (decoded once for every take: only the voicing is drawn)."""
        import numpy as np

        fresh = np.zeros_like(given)
        _draw(fresh, self._lines(melody, kept=kept, rng=rng, harmony=harmony))
        result = given.copy()
        result[redraw] = fresh[redraw]
        return result

    def _lines(
        self,
        melody: NDArray[np.bool_],
        fixed_chords: NDArray[np.int64] | None = None,
        kept: _Kept | None = None,
        rng: np.random.Generator | None = None,
        harmony: Harmony | None = None,
    ) -> NDArray[np.int64]:
        """Alto, tenor and bass pitches (3, steps) under `melody`; -1 where silent. The key
        and chords are decoded (keeping `fixed_chords`) unless `harmony` gives them."""
        import numpy as np

        from distkit.music.hmm.decoding import decode
        from distkit.music.hmm.key import beat_grid
        from distkit.music.hmm.passing import fill_thirds
        from distkit.music.hmm.voicing import voice_chords

        melody_line = highest_pitches(melody)
        steps = np.arange(len(melody_line))
        beats = beat_grid(melody_line)
        if not (beats >= 0).any():
            return np.full((3, len(melody_line)), -1, dtype=np.int64)
        if harmony is None:
            harmony = decode(beats, self.tables, self.context, fixed_chords)
        if kept is None:
            voices = voice_chords(harmony, beats, self.tables, rng=rng)
        else:
            starts, ends = kept.beat_pitches(len(beats))
            voices = voice_chords(harmony, beats, self.tables, starts, ends, rng)
        lines = voices[:, steps // STEPS_PER_QUARTER]
        lines[:, int(np.flatnonzero(melody_line >= 0)[-1]) + 1 :] = -1
        if kept is not None:
            lines = np.where(kept.cells, kept.lines, lines)
        if self.ornaments is not None and self.ornament:
            from distkit.music.hmm.ornaments import ornament

            free = None if kept is None else ~kept.cells
            return ornament(lines, melody_line, self.ornaments, harmony.tonic, harmony.mode, free)
        if self.context is not None:
            upper = np.vstack([melody_line, lines[:2]])
            lines[2] = fill_thirds(lines[2], upper, harmony.tonic, harmony.mode)
        return lines


class _Kept:
    """The alto, tenor and bass notes a passage keeps: `lines` (3, steps), each voice's
    highest pitch or -1, and `cells` (3, steps), True where the note is kept."""

    def __init__(self, arrangement: NDArray[np.bool_], redrawn: NDArray[np.bool_]) -> None:
        import numpy as np

        self.lines = highest_pitches(arrangement[1:])
        self.cells = ~np.asarray(redrawn)

    def beat_pitches(self, beats: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The pitch each voice has at the start of each of `beats` beats where it is kept
        there (-1 elsewhere), and the pitch it ends that beat on where the end is kept too."""
        import numpy as np

        steps = beats * STEPS_PER_QUARTER
        lines = np.full((3, steps), -1, dtype=np.int64)
        cells = np.zeros((3, steps), dtype=bool)
        lines[:, : self.lines.shape[1]] = self.lines[:, :steps]
        cells[:, : self.cells.shape[1]] = self.cells[:, :steps]
        starts = np.where(cells[:, ::STEPS_PER_QUARTER], lines[:, ::STEPS_PER_QUARTER], -1)
        last = slice(STEPS_PER_QUARTER - 1, None, STEPS_PER_QUARTER)
        ends = np.where(cells[:, last] & (starts >= 0), lines[:, last], -1)
        return starts, ends


def _draw(arrangement: NDArray[np.bool_], lines: NDArray[np.int64]) -> None:
    """Set the cells of `lines` (3, steps) in tracks 1-3 of `arrangement`."""
    import numpy as np

    steps = np.arange(lines.shape[1])
    for track, pitches in enumerate(lines, start=1):
        sounding = pitches >= 0
        arrangement[track, steps[sounding], pitches[sounding]] = True


@cache
def shipped_tables() -> ChoraleTables:
    """The tables learned from the training chorales, read once from the package data."""
    from importlib import resources

    from distkit.music.hmm.tables import read_tables

    with resources.files("distkit.music.hmm").joinpath("data", TABLES).open("rb") as handle:
        return read_tables(handle)


@cache
def shipped_ornaments() -> OrnamentTables:
    """The ornamentation layer counted in the training chorales, read once from the package data."""
    from importlib import resources

    from distkit.music.hmm.ornaments import read_ornaments

    with resources.files("distkit.music.hmm").joinpath("data", ORNAMENTS).open("rb") as handle:
        return read_ornaments(handle)


@cache
def shipped_context() -> ContextNet:
    """The context classifier trained on the training chorales, read once from the package data."""
    from importlib import resources

    from distkit.music.hmm.context import read_context

    with resources.files("distkit.music.hmm").joinpath("data", CONTEXT).open("rb") as handle:
        return read_context(handle)


def fewest_faults(takes: list[NDArray[np.bool_]], redraw: NDArray[np.bool_], tonic: int) -> int:
    """The index of the take with the fewest voice-leading faults (those bach-coconet's sampler
    also counts) over the redrawn steps and SEAM_STEPS either side; the first of equals."""
    import numpy as np

    from distkit.music.voice_leading import FAULTS

    if len(takes) == 1:
        return 0
    steps = np.flatnonzero(redraw.any(axis=0))
    start = max(int(steps[0]) - SEAM_STEPS, 0)
    end = int(steps[-1]) + 1 + SEAM_STEPS
    counts = [sum(count(take[:, start:end], tonic) for count in FAULTS.values()) for take in takes]
    return int(np.argmin(counts))
