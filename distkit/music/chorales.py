"""The Bach chorales of music21's corpus as SATB piano rolls, cached once per user."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from distkit.errors import DistkitError
from distkit.music.base import PITCHES, STEPS_PER_QUARTER, note_runs

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

CACHE_VERSION = 3
_SPLIT_BUCKETS = {0: "test", 1: "validation"}
SAME_TUNE = 0.7
"""Soprano similarity at or above which two chorales count as harmonizations of one tune."""


@dataclass(frozen=True)
class Chorale:
    """One chorale: `roll` is a (4, steps, 128) bool SATB piano roll at 4 steps per quarter."""

    id: str
    roll: NDArray[np.bool_]
    tonic: int
    mode: Literal["major", "minor"]
    fermatas: tuple[int, ...] = ()
    """Steps where a soprano note marked with a fermata (a phrase end) begins."""


def cache_dir() -> Path:
    """The folder for prepared data: DISTKIT_CACHE_DIR if set, else the user's cache folder."""
    override = os.environ.get("DISTKIT_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("distkit"))


def load_chorales(*, refresh: bool = False, limit: int | None = None) -> list[Chorale]:
    """Every four-part Bach chorale in music21's corpus, parsed once and then read from the cache.

    `limit` parses (and caches separately) only the first `limit` chorale files, for quick tests.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of chorales, got {limit}")
    suffix = "" if limit is None else f"-first{limit}"
    path = cache_dir() / f"bach-chorales-v{CACHE_VERSION}{suffix}.npz"
    if not refresh and path.exists():
        try:
            return _read_cache(path)
        except (OSError, ValueError, KeyError) as error:
            raise DistkitError(
                f"The chorale cache {path} is unreadable ({error}); "
                "delete it or load with refresh=True."
            ) from error
    chorales = _parse_corpus(limit)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_cache(path, chorales)
    return chorales


def split_of(chorale_id: str) -> str:
    """The fixed split ("train", "validation" or "test") a tune's id belongs to, about 80/10/10."""
    bucket = int(hashlib.sha256(chorale_id.encode()).hexdigest(), 16) % 10
    return _SPLIT_BUCKETS.get(bucket, "train")


def split_chorales(chorales: Iterable[Chorale]) -> dict[str, list[Chorale]]:
    """Chorales grouped into train, validation and test by tune.

    Chorales whose sopranos are harmonizations of one tune (see `tunes`) share a split: the
    split of the group's first id in sorted order. A chorale's split therefore depends on the
    other chorales given; the whole corpus gives the split every figure is measured on.
    """
    splits: dict[str, list[Chorale]] = {"train": [], "validation": [], "test": []}
    for group in tunes(chorales):
        split = split_of(min(chorale.id for chorale in group))
        splits[split].extend(group)
    for part in splits.values():
        part.sort(key=lambda chorale: chorale.id)
    return splits


def soprano_intervals(roll: NDArray[Any]) -> tuple[int, ...]:
    """The soprano's beat-level melody as intervals: the pitch at each beat, repeats merged.

    Sampling on the beats drops passing notes and the choice of note values, which is where
    Bach's harmonizations of one tune differ most; intervals make the key irrelevant.
    """
    import numpy as np

    from distkit.music.base import highest_pitches

    line = highest_pitches(roll[0])[::STEPS_PER_QUARTER]
    line = line[line >= 0]
    if not line.size:
        return ()
    kept = line[np.r_[True, line[1:] != line[:-1]]]
    return tuple(int(step) for step in np.diff(kept))


def soprano_similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Similarity (0 to 1) of two interval sequences: difflib's matching-block ratio."""
    import difflib

    if not first and not second:
        return 1.0
    return difflib.SequenceMatcher(None, first, second, autojunk=False).ratio()


def tunes(chorales: Iterable[Chorale], threshold: float = SAME_TUNE) -> list[list[Chorale]]:
    """The chorales grouped by tune: linked when their soprano similarity reaches `threshold`."""
    import difflib

    chorales = sorted(chorales, key=lambda chorale: chorale.id)
    intervals = [soprano_intervals(chorale.roll) for chorale in chorales]
    parent = list(range(len(chorales)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, sequence in enumerate(intervals):
        matcher = difflib.SequenceMatcher(None, (), sequence, autojunk=False)
        for second in range(first + 1, len(chorales)):
            matcher.set_seq1(intervals[second])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            if matcher.ratio() >= threshold or not (sequence or intervals[second]):
                parent[root(second)] = root(first)
    groups: dict[int, list[Chorale]] = {}
    for index, chorale in enumerate(chorales):
        groups.setdefault(root(index), []).append(chorale)
    return list(groups.values())


def windows(roll: NDArray[Any], length: int = 32, hop: int = 16) -> NDArray[Any]:
    """Windows of `length` steps every `hop` steps from a (tracks, steps, 128) roll."""
    import numpy as np

    if length < 1 or hop < 1:
        raise ValueError(f"length and hop must be positive, got length={length}, hop={hop}")
    tracks, steps, pitches = roll.shape
    starts = range(0, steps - length + 1, hop)
    if not starts:
        return np.zeros((0, tracks, length, pitches), dtype=roll.dtype)
    return np.stack([roll[:, start : start + length] for start in starts])


def transpose(roll: NDArray[Any], semitones: int) -> NDArray[Any]:
    """The roll shifted by `semitones` on its last (pitch) axis; notes may not leave 0-127."""
    import numpy as np

    if semitones == 0:
        return roll.copy()
    pitches_in_use = np.flatnonzero(roll.reshape(-1, roll.shape[-1]).any(axis=0))
    low, high = (pitches_in_use[[0, -1]] + semitones) if pitches_in_use.size else (0, 0)
    if low < 0 or high >= roll.shape[-1]:
        raise ValueError(f"transposing by {semitones} semitones moves notes outside MIDI 0-127")
    return np.roll(roll, semitones, axis=-1)


def _corpus_paths() -> list[Path]:
    from music21 import corpus

    paths = [Path(p) for p in corpus.getComposer("bach")]
    return sorted(p for p in paths if p.suffix in {".mxl", ".xml"})


def _parse_corpus(limit: int | None) -> list[Chorale]:
    paths = _corpus_paths()
    if limit is not None:
        paths = paths[:limit]
    chorales = []
    for path in paths:
        chorale = _parse_chorale(path)
        if chorale is not None:
            chorales.append(chorale)
    return chorales


def _parse_chorale(path: Path) -> Chorale | None:
    """The chorale in `path`, or None when it does not have exactly four parts with notes."""
    import numpy as np
    from music21 import converter

    score: Any = converter.parse(path)
    parts = list(score.parts)
    if len(parts) != 4:
        return None
    steps = round(float(score.highestTime) * STEPS_PER_QUARTER)
    roll = np.zeros((4, steps, PITCHES), dtype=bool)
    for voice, part in enumerate(parts):
        for element in part.flatten().notes:
            start = round(float(element.offset) * STEPS_PER_QUARTER)
            end = round(float(element.offset + element.quarterLength) * STEPS_PER_QUARTER)
            for pitch in element.pitches:
                roll[voice, start : max(end, start + 1), pitch.midi] = True
    if not roll.any(axis=(1, 2)).all():
        return None
    key = score.analyze("key")
    mode: Literal["major", "minor"] = "minor" if key.mode == "minor" else "major"
    fermatas = tuple(
        round(float(element.offset) * STEPS_PER_QUARTER)
        for element in parts[0].flatten().notes
        if any(type(mark).__name__ == "Fermata" for mark in element.expressions)
    )
    return Chorale(
        id=path.stem, roll=roll, tonic=key.tonic.pitchClass, mode=mode, fermatas=fermatas
    )


def _write_cache(path: Path, chorales: Sequence[Chorale]) -> None:
    """Store the rolls as runs (chorale, voice, pitch, start, end): compact and exact."""
    import numpy as np

    runs = [np.zeros((0, 5), dtype=np.int64)]
    fermatas = [np.zeros((0, 2), dtype=np.int64)]
    for index, chorale in enumerate(chorales):
        fermatas.append(np.array([(index, step) for step in chorale.fermatas]).reshape(-1, 2))
        notes = note_runs(chorale.roll)
        runs.append(np.column_stack([np.full(len(notes), index), notes]))
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(
        tmp,
        ids=np.array([c.id for c in chorales], dtype=str),
        steps=np.array([c.roll.shape[1] for c in chorales], dtype=np.int32),
        tonics=np.array([c.tonic for c in chorales], dtype=np.int8),
        minor=np.array([c.mode == "minor" for c in chorales], dtype=bool),
        runs=np.concatenate(runs).astype(np.int16),
        fermatas=np.concatenate(fermatas).astype(np.int32),
    )
    tmp.replace(path)


def _read_cache(path: Path) -> list[Chorale]:
    import numpy as np

    with np.load(path) as data:
        ids, steps, tonics, minor, runs, marks = (
            data[k] for k in ("ids", "steps", "tonics", "minor", "runs", "fermatas")
        )
    rolls = [np.zeros((4, int(n), PITCHES), dtype=bool) for n in steps]
    for index, voice, pitch, start, end in runs.tolist():
        rolls[index][voice, start:end, pitch] = True
    fermatas: list[list[int]] = [[] for _ in ids]
    for index, step in marks.tolist():
        fermatas[index].append(step)
    return [
        Chorale(
            id=str(i),
            roll=r,
            tonic=int(t),
            mode="minor" if m else "major",
            fermatas=tuple(f),
        )
        for i, r, t, m, f in zip(ids, rolls, tonics, minor, fermatas, strict=True)
    ]
