"""The teacher's panel: how an SATB harmonization compares with Bach's, as a music teacher reads it.

Rolls are (4, steps, 128) booleans at 4 steps per quarter note, voices soprano, alto, tenor,
bass; a voice's line is its highest pitch at each step. Every metric returns a `Tally` (hits
out of a total) for one chorale, so that figures over many chorales are ratios of sums and
bootstrap intervals resample whole chorales. docs/music-evaluation.md says what each metric
sees and what it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches, melody_final, note_runs

if TYPE_CHECKING:
    from numpy.typing import NDArray

PERFECT = (0, 7)
OUTER = (0, 3)
PER_BEATS = 100
BOOTSTRAP = 1000


@dataclass(frozen=True)
class Tally:
    """`hits` out of `total`: matches out of beats, faults out of beats, cadences out of one."""

    hits: float
    total: float


def beat_chords(arrangement: NDArray[Any]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each beat's bass pitch class (-1 if the bass is silent) and pitch-class set as a bitmask.

    A beat's chord is what sounds on its first step, all four voices together.
    """
    onsets = np.asarray(arrangement)[:, ::STEPS_PER_QUARTER]
    bass = highest_pitches(onsets[3])
    classes = np.zeros((onsets.shape[1], 12), dtype=np.int64)
    beat, pitch = np.nonzero(onsets.any(axis=0))
    classes[beat, pitch % 12] = 1
    masks = classes @ (1 << np.arange(12))
    return np.where(bass >= 0, bass % 12, -1), masks.astype(np.int64)


def beat_chord_accuracy(arrangement: NDArray[Any], bach: NDArray[Any]) -> Tally:
    """Beats (where Bach's bass sounds) whose bass pitch class and pitch-class set equal Bach's."""
    bass, chord = beat_chords(arrangement)
    bach_bass, bach_chord = beat_chords(bach)
    counted = bach_bass >= 0
    same = (bass == bach_bass) & (chord == bach_chord) & counted
    return Tally(float(same.sum()), float(counted.sum()))


def _cadence_bass(arrangement: NDArray[Any]) -> tuple[int, int]:
    """The bass pitch class of the final beat and of the last earlier beat with another bass."""
    bass, _ = beat_chords(arrangement)
    sounding = bass[bass >= 0]
    if not sounding.size:
        return -1, -1
    final = int(sounding[-1])
    before = sounding[sounding != final]
    return final, int(before[-1]) if before.size else -1


def final_tonic(arrangement: NDArray[Any], tonic: int) -> Tally:
    """1 out of 1 when the last bass note is the tonic."""
    final, _ = _cadence_bass(arrangement)
    return Tally(float(final == tonic % 12), 1.0)


def final_cadence(arrangement: NDArray[Any], tonic: int) -> Tally:
    """1 out of 1 when the bass ends dominant then tonic (an authentic cadence's bass)."""
    final, before = _cadence_bass(arrangement)
    return Tally(float(final == tonic % 12 and before == (tonic + 7) % 12), 1.0)


def fermata_cadences(arrangement: NDArray[Any], fermatas: Sequence[int]) -> Tally:
    """Phrase ends (fermata beats) whose chord is a root-position major or minor triad.

    A cadence's goal chord in a chorale is a complete consonant triad over its root, whatever
    key the phrase ends in; this sees that, not which key it is.
    """
    bass, chord = beat_chords(arrangement)
    hits = 0
    beats = sorted({step // STEPS_PER_QUARTER for step in fermatas if step < len(bass) * 4})
    for beat in beats:
        root = int(bass[beat])
        if root < 0:
            continue
        relative = {(pc - root) % 12 for pc in range(12) if chord[beat] >> pc & 1}
        hits += relative in ({0, 4, 7}, {0, 3, 7})
    return Tally(float(hits), float(len(beats)))


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


def frame_accuracy(voice: NDArray[Any], reference: NDArray[Any]) -> Tally:
    """Steps where a voice's highest pitch, or its silence, equals the reference's."""
    lines = highest_pitches(np.stack([voice, reference]))
    return Tally(float((lines[0] == lines[1]).sum()), float(lines.shape[1]))


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


def panel(
    arrangement: NDArray[Any], bach: NDArray[Any], tonic: int, fermatas: Sequence[int] = ()
) -> dict[str, Tally]:
    """Every panel metric of one chorale's arrangement against Bach's voices `bach`.

    `tonic` is the key's (music21's analysis of Bach's score): the leading notes are read in it.
    The close is judged on the melody's final (`melody_final`), the tonic a harmonizer can hear.
    """
    final = melody_final(highest_pitches(bach[0]))
    home = tonic if final is None else final
    figures = {
        "beat_chord": beat_chord_accuracy(arrangement, bach),
        "final_tonic": final_tonic(arrangement, home),
        "final_key_tonic": final_tonic(arrangement, tonic),
        "final_cadence": final_cadence(arrangement, home),
        "fermata_cadences": fermata_cadences(arrangement, fermatas),
    }
    length = beats(arrangement) / PER_BEATS
    for name, fault in FAULTS.items():
        figures[name] = Tally(float(fault(arrangement, tonic)), length)
    for voice, label in ((1, "alto"), (2, "tenor"), (3, "bass")):
        figures[f"frame_{label}"] = frame_accuracy(arrangement[voice], bach[voice])
    return figures


@dataclass(frozen=True)
class Figure:
    """A figure over many chorales (a ratio of sums) and its 95 % bootstrap interval."""

    value: float
    low: float
    high: float


def summarise(
    tallies: Sequence[Mapping[str, Tally]], *, resamples: int = BOOTSTRAP, seed: int = 0
) -> dict[str, Figure]:
    """Each metric over the chorales, with a 95 % interval from resampling whole chorales."""
    if not tallies:
        raise ValueError("no chorales to summarise")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(tallies), (resamples, len(tallies)))
    figures = {}
    for name in tallies[0]:
        hits = np.array([t[name].hits for t in tallies])
        total = np.array([t[name].total for t in tallies])
        with np.errstate(invalid="ignore", divide="ignore"):
            value = hits.sum() / total.sum()
            samples = hits[picks].sum(axis=1) / total[picks].sum(axis=1)
        low, high = np.nanpercentile(samples, (2.5, 97.5)) if total.sum() else (np.nan, np.nan)
        figures[name] = Figure(float(value), float(low), float(high))
    return figures


def goals(figures: dict[str, Figure], bach: dict[str, Figure]) -> dict[str, bool]:
    """The goals a harmonizer is held to, judged on the figures (not their intervals): Bach's
    own cadence and fault rates, beat chords and bass frames near his, and every melody ending
    on the tonic."""
    met = {
        "beat_chord >= 0.45": figures["beat_chord"].value >= 0.45,
        "final cadence >= Bach's": figures["final_cadence"].value >= bach["final_cadence"].value,
        "frame_bass >= 0.40": figures["frame_bass"].value >= 0.40,
        "every melody ends on the tonic": figures["final_tonic"].value == 1.0,
    }
    for fault in FAULTS:
        met[f"{fault} <= Bach's"] = figures[fault].value <= bach[fault].value + 1e-9
    return met
