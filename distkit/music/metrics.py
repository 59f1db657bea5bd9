"""Objective metrics for SATB piano rolls, each from its published definition.

Rolls are (tracks, steps, 128) booleans at 4 steps per quarter note. A "cell" is one (track, step,
pitch) that sounds; a note is a maximal run of steps at one pitch in one track. Definitions follow
MuseGAN (Dong et al., AAAI 2018) for empty bars, qualified notes and tonal distance (Harte et al.,
2006), with the fixes the docs/music-evaluation.md page lists.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import (
    BAR_STEPS,
    MAJOR_SCALE,
    MINOR_SCALE,
    SATB_RANGES,
    STEPS_PER_QUARTER,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

QUALIFIED_STEPS = 2
TONAL_RADII = (1.0, 1.0, 0.5)


def voice_lines(tracks: NDArray[Any]) -> NDArray[np.int64]:
    """The highest pitch of each track at each step, (tracks, steps); -1 where it is silent."""
    highest = tracks.shape[-1] - 1 - np.argmax(tracks[..., ::-1], axis=-1)
    return np.where(tracks.any(axis=-1), highest, -1).astype(np.int64)


def _chroma(per_pitch: NDArray[Any], tonic: int = 0) -> NDArray[np.int64]:
    """Counts per pitch (..., 128) summed into the 12 pitch classes counted from `tonic`."""
    classes = (np.arange(per_pitch.shape[-1]) - tonic) % 12
    chroma: NDArray[np.int64] = per_pitch.astype(np.int64) @ np.eye(12, dtype=np.int64)[classes]
    return chroma


def _pitch_classes(tracks: NDArray[Any], tonic: int = 0) -> NDArray[np.int64]:
    """Sounding cells per pitch class, tonic at 0: (12,)."""
    return _chroma(tracks.reshape(-1, tracks.shape[-1]).sum(axis=0), tonic)


def pitch_class_histogram(tracks: NDArray[Any], tonic: int = 0) -> NDArray[np.float64]:
    """The share of sounding cells in each of the 12 pitch classes, counted from the tonic."""
    counts = _pitch_classes(tracks, tonic).astype(np.float64)
    return counts / counts.sum() if counts.sum() else counts


def histogram_distance(tracks: NDArray[Any], reference: NDArray[Any], tonic: int = 0) -> float:
    """L1 distance (0 to 2) between the key-normalised pitch-class histograms of two rolls."""
    difference = pitch_class_histogram(tracks, tonic) - pitch_class_histogram(reference, tonic)
    return float(np.abs(difference).sum())


def in_scale_ratio(tracks: NDArray[Any], tonic: int, mode: str) -> float:
    """Share of sounding cells in the key's scale (minor: natural plus the raised seventh)."""
    counts = _pitch_classes(tracks, tonic)
    scale = list(MINOR_SCALE if mode == "minor" else MAJOR_SCALE)
    return float(counts[scale].sum() / counts.sum()) if counts.sum() else float("nan")


def polyphony(tracks: NDArray[Any]) -> float:
    """Mean number of notes sounding per time step, all tracks together."""
    return float(tracks.sum() / tracks.shape[1]) if tracks.shape[1] else float("nan")


def empty_bar_rate(tracks: NDArray[Any], bar_steps: int = BAR_STEPS) -> float:
    """Share of (track, bar) pairs where the track plays nothing; a last partial bar counts."""
    bars = -(-tracks.shape[1] // bar_steps)
    padded = np.zeros((tracks.shape[0], bars * bar_steps, tracks.shape[2]), dtype=bool)
    padded[:, : tracks.shape[1]] = tracks
    sounding = padded.reshape(tracks.shape[0], bars, -1).any(axis=-1)
    return float(1 - sounding.mean()) if sounding.size else float("nan")


def note_lengths(tracks: NDArray[Any]) -> NDArray[np.int64]:
    """The length in steps of every note (maximal run at one pitch) in the tracks."""
    padded = np.pad(tracks.astype(np.int8), ((0, 0), (1, 1), (0, 0)))
    edges = np.diff(padded, axis=1).transpose(0, 2, 1)
    starts, ends = np.nonzero(edges.reshape(-1) == 1)[0], np.nonzero(edges.reshape(-1) == -1)[0]
    return (ends - starts).astype(np.int64)


def qualified_note_ratio(tracks: NDArray[Any], min_steps: int = QUALIFIED_STEPS) -> float:
    """Share of notes at least `min_steps` long (2 steps: an eighth note at 4 steps a quarter)."""
    lengths = note_lengths(tracks)
    return float((lengths >= min_steps).mean()) if lengths.size else float("nan")


def tonal_centroids(track: NDArray[Any], beat_steps: int = STEPS_PER_QUARTER) -> NDArray[Any]:
    """Harte's 6-D tonal centroid of each beat of a (steps, 128) roll; NaN for silent beats."""
    beats = -(-track.shape[0] // beat_steps)
    padded = np.zeros((beats * beat_steps, track.shape[1]), dtype=np.int64)
    padded[: track.shape[0]] = track
    chroma = _chroma(padded.reshape(beats, beat_steps, -1).sum(axis=1)).astype(np.float64)
    angles = np.outer((7 / 6, 3 / 2, 2 / 3), np.arange(12)) * np.pi
    radii = np.repeat(TONAL_RADII, 2)[:, None]
    phi = radii * np.stack([np.sin(angles), np.cos(angles)], axis=1).reshape(6, 12)
    with np.errstate(invalid="ignore", divide="ignore"):
        centroids: NDArray[Any] = (chroma / chroma.sum(1, keepdims=True)) @ phi.T
    return centroids


def tonal_distance(track_a: NDArray[Any], track_b: NDArray[Any]) -> float:
    """Mean Euclidean distance between two tracks' tonal centroids over beats where both sound."""
    gaps = np.linalg.norm(tonal_centroids(track_a) - tonal_centroids(track_b), axis=1)
    both = ~np.isnan(gaps)
    return float(gaps[both].mean()) if both.any() else float("nan")


def mean_tonal_distance(tracks: NDArray[Any]) -> float:
    """Tonal distance averaged over every pair of tracks."""
    pairs = np.array(
        [tonal_distance(tracks[i], tracks[j]) for i, j in combinations(range(len(tracks)), 2)]
    )
    return float(np.nanmean(pairs)) if (~np.isnan(pairs)).any() else float("nan")


def out_of_range_ratio(arrangement: NDArray[Any], voices: tuple[int, ...] = (1, 2, 3)) -> float:
    """Share of the `voices`' sounding cells outside their SATB_RANGES."""
    pitches = np.arange(arrangement.shape[-1])
    outside = total = 0
    for voice in voices:
        low, high = SATB_RANGES[voice]
        per_pitch = arrangement[voice].sum(axis=0)
        outside += int(per_pitch[(pitches < low) | (pitches > high)].sum())
        total += int(per_pitch.sum())
    return outside / total if total else float("nan")


def parallel_count(arrangement: NDArray[Any]) -> int:
    """Parallel fifths and octaves (unisons included) between any two voices, step to step.

    Both voices move in the same direction from one step to the next, and the interval between
    them is a perfect fifth (7 semitones, mod 12) or an octave (0, mod 12) before and after.
    """
    lines = voice_lines(arrangement)
    before, after = lines[:, :-1], lines[:, 1:]
    count = 0
    for upper, lower in combinations(range(len(lines)), 2):
        sounding = (before[[upper, lower]] >= 0).all(0) & (after[[upper, lower]] >= 0).all(0)
        moves = np.sign(after[[upper, lower]] - before[[upper, lower]])
        same_way = (moves[0] == moves[1]) & (moves[0] != 0)
        was = (before[upper] - before[lower]) % 12
        now = (after[upper] - after[lower]) % 12
        count += int((sounding & same_way & (was == now) & np.isin(now, (0, 7))).sum())
    return count


def parallels_per_100_steps(arrangement: NDArray[Any]) -> float:
    """Parallel fifths and octaves per 100 time steps."""
    return 100 * parallel_count(arrangement) / int(arrangement.shape[1])


def frame_accuracy(voice: NDArray[Any], reference: NDArray[Any]) -> float:
    """Share of steps where a voice's highest pitch, or its silence, equals the reference's."""
    lines = voice_lines(np.stack([voice, reference]))
    return float((lines[0] == lines[1]).mean()) if lines.shape[1] else float("nan")


def arrangement_metrics(
    arrangement: NDArray[Any], bach: NDArray[Any], tonic: int, mode: str
) -> dict[str, float]:
    """Every metric of a (4, steps, 128) arrangement of a chorale whose real voices are `bach`.

    Single-track metrics look at the accompaniment (alto, tenor, bass) only: the soprano is the
    given melody, the same for every model.
    """
    accompaniment = arrangement[1:]
    return {
        "in_scale": in_scale_ratio(accompaniment, tonic, mode),
        "pc_histogram_l1": histogram_distance(accompaniment, bach[1:], tonic),
        "polyphony": polyphony(accompaniment),
        "empty_bars": empty_bar_rate(accompaniment),
        "qualified_notes": qualified_note_ratio(accompaniment),
        "tonal_distance": mean_tonal_distance(arrangement),
        "out_of_range": out_of_range_ratio(arrangement),
        "parallels_per_100": parallels_per_100_steps(arrangement),
        "frame_accuracy_alto": frame_accuracy(arrangement[1], bach[1]),
        "frame_accuracy_tenor": frame_accuracy(arrangement[2], bach[2]),
        "frame_accuracy_bass": frame_accuracy(arrangement[3], bach[3]),
    }
