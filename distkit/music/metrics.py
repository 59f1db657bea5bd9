"""The teacher's panel: how an SATB harmonization compares with Bach's, as a music teacher reads it.

Rolls are (4, steps, 128) booleans at 4 steps per quarter note, voices soprano, alto, tenor,
bass; a voice's line is its highest pitch at each step. Every metric returns a `Tally` (hits
out of a total) for one chorale, so that figures over many chorales are ratios of sums and
bootstrap intervals resample whole chorales. The voice-leading faults are counted by
`voice_leading`, which models may use at run time; this module is evaluation only.
docs/music-evaluation.md says what each metric sees and what it does not.
"""

from __future__ import annotations

__all__ = [
    "FAULTS",
    "Figure",
    "Tally",
    "beat_chord_accuracy",
    "beat_chords",
    "beats",
    "consecutives",
    "crossings",
    "fermata_cadences",
    "final_cadence",
    "final_tonic",
    "frame_accuracy",
    "goals",
    "hidden_perfects",
    "panel",
    "summarise",
    "unresolved_leading_notes",
    "unresolved_sevenths",
    "wide_leaps",
    "wide_spacings",
]

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches, melody_final
from distkit.music.voice_leading import (
    FAULTS,
    beats,
    consecutives,
    crossings,
    hidden_perfects,
    unresolved_leading_notes,
    unresolved_sevenths,
    wide_leaps,
    wide_spacings,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

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


def frame_accuracy(voice: NDArray[Any], reference: NDArray[Any]) -> Tally:
    """Steps where a voice's highest pitch, or its silence, equals the reference's."""
    lines = highest_pitches(np.stack([voice, reference]))
    return Tally(float((lines[0] == lines[1]).sum()), float(lines.shape[1]))


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
