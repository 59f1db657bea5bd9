"""The folk tunes music21 ships (Essen, O'Neill, Aird, Ryan) as melodies, parsed once and cached.

Each tune keeps its notes and rests in sixteenth-note steps, the onset of each within its bar,
its bar length, and its key: the tonic is the tune's final note (folk tunes end on it) and the
mode is major when the major third above it sounds longer than the minor third. Tunes are split
into train, validation and test by tune, near-copies (one tune printed twice, or a variant)
kept in one split.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from distkit.errors import CorpusError
from distkit.music.melody.events import Events, Key, Mode, encode_placed

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.melody.abc import AbcTune

CACHE_VERSION = 2
COLLECTIONS = ("essenFolksong", "oneills1850", "airdsAirs", "ryansMammoth")
_SPLIT_BUCKETS = {0: "test", 1: "validation"}
SHINGLE = 8
"""Near-copies are found through runs of this many pitch intervals the tunes share."""
SAME_TUNE = 0.5
"""Share of interval runs two tunes have in common at or above which they count as one tune."""


@dataclass(frozen=True)
class Tune:
    """One tune: `pitches` (MIDI, -1 for a rest), `steps`, `positions` (onset step in its bar)
    and `bar_steps` (length of its bar) per note, and its key."""

    id: str
    pitches: NDArray[np.int64]
    steps: NDArray[np.int64]
    positions: NDArray[np.int64]
    bar_steps: NDArray[np.int64]
    key: Key

    def __len__(self) -> int:
        return int(self.pitches.shape[0])

    def notes(self) -> list[tuple[int | None, int]]:
        """(MIDI pitch or None for a rest, steps) of each note."""
        return [
            (None if pitch < 0 else pitch, steps)
            for pitch, steps in zip(self.pitches.tolist(), self.steps.tolist(), strict=True)
        ]

    def events(self) -> Events:
        return encode_placed(self.pitches, self.steps, self.positions, self.bar_steps, self.key)


def load_tunes(
    *,
    refresh: bool = False,
    collections: Sequence[str] = COLLECTIONS,
    workers: int = 1,
    limit: int | None = None,
) -> list[Tune]:
    """Every tune of `collections`, parsed from music21's corpus once and then read from the
    cache (parsing all four takes about 10 minutes of one CPU core). `limit` parses (and
    caches apart) only the first `limit` files, for quick runs and tests."""
    from distkit.music.chorales import cache_dir

    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of files, got {limit}")
    label = "-".join(sorted(collections)) + ("" if limit is None else f"-first{limit}")
    digest = hashlib.sha256(label.encode()).hexdigest()[:10]
    path = cache_dir() / f"folk-tunes-v{CACHE_VERSION}-{digest}.npz"
    if not refresh and path.exists():
        try:
            return _read_cache(path)
        except (OSError, ValueError, KeyError) as error:
            raise CorpusError(
                f"The folk-tune cache {path} is unreadable ({error}); delete it to parse afresh."
            ) from error
    tunes = _parse_corpus(collections, workers, limit)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_cache(path, tunes)
    return tunes


def corpus_files(collections: Sequence[str] = COLLECTIONS) -> list[Path]:
    """The ABC files of `collections` in music21's corpus, in a fixed order."""
    from music21 import corpus

    paths = [Path(p) for p in corpus.getCorePaths()]
    return sorted(p for p in paths if p.parent.name in collections and p.suffix == ".abc")


def split_of(tune_id: str) -> str:
    """The fixed split ("train", "validation" or "test") an id belongs to, about 80/10/10."""
    bucket = int(hashlib.sha256(tune_id.encode()).hexdigest(), 16) % 10
    return _SPLIT_BUCKETS.get(bucket, "train")


def split_tunes(tunes: Iterable[Tune]) -> dict[str, list[Tune]]:
    """Tunes grouped into train, validation and test; near-copies share the split of their
    group's first id in sorted order (see `tune_groups`)."""
    splits: dict[str, list[Tune]] = {"train": [], "validation": [], "test": []}
    for group in tune_groups(tunes):
        splits[split_of(min(tune.id for tune in group))].extend(group)
    for part in splits.values():
        part.sort(key=lambda tune: tune.id)
    return splits


def interval_shingles(tune: Tune) -> set[tuple[int, ...]]:
    """The tune's runs of SHINGLE pitch intervals, rests and repeated notes dropped."""
    import numpy as np

    sounding = tune.pitches[tune.pitches >= 0]
    if sounding.size:
        sounding = sounding[np.r_[True, sounding[1:] != sounding[:-1]]]
    intervals = tuple(np.diff(sounding).tolist())
    return {intervals[i : i + SHINGLE] for i in range(len(intervals) - SHINGLE + 1)}


def tune_groups(tunes: Iterable[Tune], threshold: float = SAME_TUNE) -> list[list[Tune]]:
    """The tunes grouped by near-copy: linked when the runs of intervals they share are at least
    `threshold` of the shorter tune's runs (runs found in more than 1 % of tunes, such as
    scales, do not count)."""
    from collections import Counter

    ordered = sorted(tunes, key=lambda tune: tune.id)
    shingles = [interval_shingles(tune) for tune in ordered]
    frequency = Counter(s for group in shingles for s in group)
    common = max(5, len(ordered) // 100)
    holders: dict[tuple[int, ...], list[int]] = {}
    for index, group in enumerate(shingles):
        for shingle in group:
            if frequency[shingle] <= common:
                holders.setdefault(shingle, []).append(index)
    parent = list(range(len(ordered)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for index, group in enumerate(shingles):
        shared: Counter[int] = Counter()
        for shingle in group:
            shared.update(other for other in holders.get(shingle, ()) if other > index)
        for other, count in shared.items():
            if count >= threshold * max(1, min(len(group), len(shingles[other]))):
                parent[root(other)] = root(index)
    groups: dict[int, list[Tune]] = {}
    for index, tune in enumerate(ordered):
        groups.setdefault(root(index), []).append(tune)
    return list(groups.values())


def tune_key(pitches: NDArray[np.int64], steps: NDArray[np.int64]) -> Key:
    """The key of a whole tune: its final as tonic; major when the major third outlasts the
    minor third above it."""

    sounding = pitches >= 0
    if not sounding.any():
        return Key(0, "major")
    tonic = int(pitches[sounding][-1]) % 12
    classes = pitches % 12
    major = int(steps[sounding & (classes == (tonic + 4) % 12)].sum())
    minor = int(steps[sounding & (classes == (tonic + 3) % 12)].sum())
    mode: Mode = "minor" if minor > major else "major"
    return Key(tonic, mode)


def _parse_corpus(collections: Sequence[str], workers: int, limit: int | None) -> list[Tune]:
    files = corpus_files(collections)[:limit]
    if not files:
        raise CorpusError(f"music21's corpus has none of the collections {', '.join(collections)}")
    if workers > 1:
        from multiprocessing import get_context

        with get_context("spawn").Pool(workers) as pool:
            parts = pool.map(_parse_file, files, chunksize=1)
    else:
        parts = [_parse_file(path) for path in files]
    return [tune for part in parts for tune in part]


def _parse_file(path: Path) -> list[Tune]:
    """The tunes of one ABC file; tunes without a metre, or unreadable, are left out."""
    from distkit.music.melody.abc import AbcError, read_tune, split_tunes

    tunes = []
    for index, (number, lines) in enumerate(split_tunes(path.read_text(encoding="latin-1"))):
        label = str(int(number)) if number.isdigit() else number or str(index + 1)
        tune_id = f"{path.parent.name}/{path.stem}/{label}"
        try:
            tune = _tune(read_tune(number, lines), tune_id)
        except (AbcError, ValueError, KeyError, IndexError, ZeroDivisionError):
            continue
        if tune is not None:
            tunes.append(tune)
    return tunes


def _tune(abc: AbcTune, tune_id: str) -> Tune | None:
    """A tune on the sixteenth-note grid: onsets rounded, bar positions from its bar lines (a
    first bar shorter than the metre's is a pickup, placed at the end of its bar)."""
    import bisect

    import numpy as np

    bar = round(abc.bar * 16)
    lines = [round(line * 16) for line in abc.bar_lines]
    pickup = bar - lines[0] if lines and 0 < lines[0] < bar else 0
    rows: list[list[int]] = []
    for pitch, onset, length in abc.notes:
        start, end = round(onset * 16), round((onset + length) * 16)
        if end <= start:
            continue
        before = bisect.bisect_right(lines, start) - 1
        since = start - lines[before] if before >= 0 else start + pickup
        rows.append([-1 if pitch is None else pitch, end - start, since % bar, bar])
    while rows and rows[0][0] < 0:
        rows.pop(0)
    while rows and rows[-1][0] < 0:
        rows.pop()
    if len(rows) < 8 or bar < 1:
        return None
    table = np.array(rows, dtype=np.int64)
    if (table[:, 0] > 127).any():
        return None
    key = tune_key(table[:, 0], table[:, 1])
    return Tune(tune_id, table[:, 0], table[:, 1], table[:, 2], table[:, 3], key)


def _write_cache(path: Path, tunes: Sequence[Tune]) -> None:
    import numpy as np

    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(
        tmp,
        ids=np.array([t.id for t in tunes], dtype=str),
        lengths=np.array([len(t) for t in tunes], dtype=np.int64),
        tonics=np.array([t.key.tonic for t in tunes], dtype=np.int8),
        minor=np.array([t.key.mode == "minor" for t in tunes], dtype=bool),
        notes=np.concatenate(
            [np.column_stack([t.pitches, t.steps, t.positions, t.bar_steps]) for t in tunes]
        ).astype(np.int16)
        if tunes
        else np.zeros((0, 4), dtype=np.int16),
    )
    tmp.replace(path)


def _read_cache(path: Path) -> list[Tune]:
    import numpy as np

    with np.load(path) as data:
        ids, lengths, tonics, minor, notes = (
            data[k] for k in ("ids", "lengths", "tonics", "minor", "notes")
        )
    notes = notes.astype(np.int64)
    bounds = np.r_[0, np.cumsum(lengths)]
    return [
        Tune(
            str(ids[i]),
            notes[bounds[i] : bounds[i + 1], 0],
            notes[bounds[i] : bounds[i + 1], 1],
            notes[bounds[i] : bounds[i + 1], 2],
            notes[bounds[i] : bounds[i + 1], 3],
            Key(int(tonics[i]), "minor" if minor[i] else "major"),
        )
        for i in range(len(ids))
    ]
