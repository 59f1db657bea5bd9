"""Any multi-part music as N-voice piano rolls: a music21 corpus or a folder of the user's files.

A source is a name music21 ships (`bach`, `palestrina`, `string-quartets`, or any composer
folder of its corpus) or a folder of MIDI, MusicXML, kern or ABC files. Each piece becomes a
(voices, steps, 128) bool roll at 4 steps per quarter, top voice first: its parts ordered by mean
pitch, or, when a file has one part of chords, its notes split by range. A file that cannot be
read, or has the wrong number of parts, is skipped with a one-line reason. The pieces are parsed
once and cached in the user's cache folder under a key made of the files' contents, and split
into train, validation and test by work (a mass, a movement, a file) and by tune.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from distkit.errors import CorpusError
from distkit.music.base import PITCHES, STEPS_PER_QUARTER, note_runs
from distkit.music.chorales import cache_dir, split_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

CACHE_VERSION = 1
SUFFIXES = (".mid", ".midi", ".xml", ".mxl", ".musicxml", ".krn", ".abc")
MIN_PIECES = 3
"""Fewer readable pieces than this is not a corpus: there would be nothing left to validate on."""
MAX_STEPS = 200_000
"""A piece longer than this (about 800 bars of 4/4 at 4 steps per quarter) is refused."""


@dataclass(frozen=True)
class NamedCorpus:
    """A corpus music21 ships: which of its files, and how to read them."""

    description: str
    folders: tuple[str, ...]
    suffixes: tuple[str, ...] = (".mxl", ".xml", ".krn")
    time_scale: float = 1.0
    """Note values are multiplied by this: Palestrina's half-note beat is read as a quarter."""
    voice_names: tuple[str, ...] = ()


NAMED: dict[str, NamedCorpus] = {
    "bach": NamedCorpus(
        "J. S. Bach's four-part chorales",
        ("bach",),
        voice_names=("soprano", "alto", "tenor", "bass"),
    ),
    "palestrina": NamedCorpus(
        "Palestrina's mass movements (kern encodings (c) 2000 John Miller)",
        ("palestrina",),
        suffixes=(".krn",),
        time_scale=0.5,
        voice_names=("cantus", "altus", "tenor", "bassus"),
    ),
    "string-quartets": NamedCorpus(
        "Haydn, Mozart and Beethoven string quartet movements",
        ("haydn", "mozart", "beethoven"),
        suffixes=(".mxl",),
        voice_names=("violin I", "violin II", "viola", "cello"),
    ),
}


@dataclass(frozen=True)
class Piece:
    """One piece: `roll` is (voices, steps, 128) bool, top voice first; `work` is what the split
    keeps together (the movements of one mass, the sections of one movement)."""

    id: str
    work: str
    roll: NDArray[np.bool_]


@dataclass(frozen=True)
class Skipped:
    """A file left out, and why (one line)."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    """The pieces read from `source`, the files skipped, and the voices' names."""

    source: str
    voices: int
    pieces: tuple[Piece, ...]
    skipped: tuple[Skipped, ...] = ()
    voice_names: tuple[str, ...] = ()
    key: str = ""
    """The cache key: a digest of the files' contents and how they were read."""
    files: int = field(default=0)

    @property
    def steps(self) -> int:
        return sum(int(piece.roll.shape[1]) for piece in self.pieces)

    def summary(self) -> str:
        """One line: how many pieces were kept, of how many files, and how much music."""
        bars = self.steps / (4 * STEPS_PER_QUARTER)
        skipped = f", skipped {len(self.skipped)}" if self.skipped else ""
        return (
            f"{self.source}: kept {len(self.pieces)} pieces in {self.voices} voices "
            f"({bars:,.0f} bars of 4/4) from {self.files} files{skipped}"
        )

    def split(self) -> dict[str, list[Piece]]:
        """The pieces grouped into train, validation and test: a work, and every piece whose top
        voice is a near-copy of one in it, share one split (that of the group's first id)."""
        return split_pieces(self.pieces)


def load_corpus(
    source: str | os.PathLike[str],
    *,
    voices: int = 4,
    refresh: bool = False,
    log: Callable[[str], None] | None = None,
) -> Corpus:
    """The corpus `source` in `voices` voices, parsed once and then read from the cache.

    A CorpusError (one line) when the source is neither a folder nor a known name, or when fewer
    than MIN_PIECES pieces could be read; each skipped file is reported through `log`.
    """
    if voices < 1:
        raise CorpusError(f"a corpus needs at least one voice, got {voices}")
    if not str(source).strip():  # Path("") is the current folder, which nobody means by ""
        raise CorpusError("no corpus given: name a folder of music files or a corpus name")
    label, files, spec = _resolve(source)
    if not files:
        raise CorpusError(f"{label}: no MIDI, MusicXML, kern or ABC files in it")
    key = _cache_key(files, voices, spec)
    path = cache_dir() / f"corpus-v{CACHE_VERSION}-{key}.npz"
    corpus = None
    if not refresh and path.exists():
        try:
            corpus = _read_cache(path, label)
        except (OSError, ValueError, KeyError):
            corpus = None  # a damaged cache is parsed again and replaced
    if corpus is None:
        corpus = _parse(label, files, voices, spec, key, log)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_cache(path, corpus)
    elif log is not None:
        for skipped in corpus.skipped:
            log(f"skipped {skipped}")
    if len(corpus.pieces) < MIN_PIECES:
        raise CorpusError(
            f"{label}: only {len(corpus.pieces)} readable piece(s) in {voices} voices "
            f"(of {corpus.files} files); at least {MIN_PIECES} are needed"
        )
    return corpus


def describe_sources() -> str:
    """The named corpora, for help texts."""
    return ", ".join(NAMED)


def training_corpus(
    source: str | os.PathLike[str], *, voices: int, log: Callable[[str], None]
) -> tuple[Corpus, dict[str, list[Piece]]]:
    """The corpus a model trains on, its summary told to `log`, and its split; a CorpusError
    (one line, before any training) when fewer than two pieces fall in the training split."""
    corpus = load_corpus(source, voices=voices, log=log)
    log(corpus.summary())
    parts = corpus.split()
    if len(parts["train"]) < 2:
        raise CorpusError(
            f"{corpus.source}: only {len(parts['train'])} piece(s) fall in the training split; "
            "give more music"
        )
    return corpus, parts


def split_pieces(pieces: Iterable[Piece]) -> dict[str, list[Piece]]:
    """Train, validation and test by work and by tune (see `Corpus.split`)."""
    from distkit.music.chorales import tunes

    pieces = sorted(pieces, key=lambda piece: piece.id)
    parent = {piece.work: piece.work for piece in pieces}

    def root(work: str) -> str:
        while parent[work] != work:
            work = parent[work]
        return work

    groups: list[list[Piece]] = cast("list[list[Piece]]", tunes(cast("list[Any]", pieces)))
    for group in groups:
        first = root(group[0].work)
        for piece in group[1:]:
            other = root(piece.work)
            if other != first:
                parent[other] = first
    members: dict[str, list[Piece]] = {}
    for piece in pieces:
        members.setdefault(root(piece.work), []).append(piece)
    splits: dict[str, list[Piece]] = {"train": [], "validation": [], "test": []}
    for group in members.values():
        splits[split_of(min(piece.work for piece in group))].extend(group)
    for part in splits.values():
        part.sort(key=lambda piece: piece.id)
    return splits


def roll_from_parts(parts: Sequence[Sequence[tuple[float, float, int]]], voices: int) -> Any:
    """A (voices, steps, 128) roll from parts given as (start, end, pitch) notes in steps.

    Parts with notes are ordered by mean pitch, highest first. One part holding chords is split
    by range: at each step its k sounding pitches, highest first, go to the voices in order,
    spread evenly when k differs from `voices`. Any other count of parts is a ValueError.
    """
    import numpy as np

    parts = [part for part in parts if part]
    if not parts:
        raise ValueError("no notes")
    steps = max(int(end) for part in parts for _, end, _ in part)
    if steps > MAX_STEPS:
        raise ValueError(f"{steps} steps long; at most {MAX_STEPS} are read")
    if len(parts) == voices:
        order = sorted(parts, key=lambda part: -sum(p for _, _, p in part) / len(part))
        roll = np.zeros((voices, steps, PITCHES), dtype=bool)
        for voice, part in enumerate(order):
            for start, end, pitch in part:
                roll[voice, int(start) : max(int(end), int(start) + 1), pitch] = True
        return roll
    if len(parts) == 1 and voices > 1:
        return _split_by_range(parts[0], voices, steps)
    raise ValueError(f"has {len(parts)} parts with notes; {voices} are needed (or one of chords)")


def _split_by_range(part: Sequence[tuple[float, float, int]], voices: int, steps: int) -> Any:
    import numpy as np

    sounding = np.zeros((steps, PITCHES), dtype=bool)
    for start, end, pitch in part:
        sounding[int(start) : max(int(end), int(start) + 1), pitch] = True
    if sounding.sum(axis=1).max() < 2:
        raise ValueError("has one part without chords; it cannot be split into voices")
    roll = np.zeros((voices, steps, PITCHES), dtype=bool)
    for step in np.flatnonzero(sounding.any(axis=1)):
        pitches = np.flatnonzero(sounding[step])[::-1]
        picks = np.round(np.linspace(0, len(pitches) - 1, voices)).astype(int)
        roll[np.arange(voices), step, pitches[picks]] = True
    return roll


def _resolve(source: str | os.PathLike[str]) -> tuple[str, list[Path], dict[str, Any]]:
    """(label, files, how to read them) for a folder or a named corpus."""
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
        return str(path), files, {"root": str(path), "time_scale": 1.0, "voice_names": []}
    name = str(source)
    if os.sep in name or path.exists():
        raise CorpusError(f"{source} is not a folder of music files")
    spec = NAMED.get(name) or NamedCorpus(f"music21's {name} corpus", (name,))
    root = _music21_corpus_root()
    folders = [root / folder for folder in spec.folders]
    if not all(folder.is_dir() for folder in folders):
        raise CorpusError(
            f"{name!r} is neither a folder nor a corpus name (named: {describe_sources()}, "
            "or a composer folder of music21's corpus)"
        )
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.suffix in spec.suffixes)
    return (
        name,
        files,
        {
            "root": str(root),
            "time_scale": spec.time_scale,
            "voice_names": list(spec.voice_names),
        },
    )


def _music21_corpus_root() -> Path:
    try:
        import music21
    except ImportError:
        raise CorpusError(
            "a named corpus needs music21: pip install 'distkit-cli[chorales]'"
        ) from None
    return Path(music21.__file__).parent / "corpus"


def _cache_key(files: Sequence[Path], voices: int, spec: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps([CACHE_VERSION, voices, spec["time_scale"]]).encode())
    root = Path(spec["root"])
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as error:
            digest.update(type(error).__name__.encode())
    return digest.hexdigest()[:20]


def _parse(
    label: str,
    files: Sequence[Path],
    voices: int,
    spec: dict[str, Any],
    key: str,
    log: Callable[[str], None] | None,
) -> Corpus:
    root = Path(spec["root"])
    pieces, skipped = [], []
    for path in files:
        name = str(path.relative_to(root))
        try:
            _check_kern_spines(path, voices)
            _check_midi_length(path, spec["time_scale"])
            roll = roll_from_parts(_read_parts(path, spec["time_scale"]), voices)
        except Exception as error:  # music21 raises many kinds for a file it cannot read
            reason = _reason(error)
            skipped.append(Skipped(name, reason))
            if log is not None:
                log(f"skipped {name}: {reason}")
            continue
        pieces.append(Piece(id=name, work=_work_of(name), roll=roll))
    return Corpus(
        source=label,
        voices=voices,
        pieces=tuple(pieces),
        skipped=tuple(skipped),
        voice_names=tuple(spec["voice_names"]),
        key=key,
        files=len(files),
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, ValueError) and type(error) is ValueError:
        return str(error)
    lines = str(error).strip().splitlines()
    detail = f": {lines[0][:120]}" if lines else ""
    return f"cannot be read ({type(error).__name__}{detail})"


def _check_kern_spines(path: Path, voices: int) -> None:
    """A ValueError, before the slow parse, for a kern file with another number of voices."""
    if path.suffix.lower() != ".krn":
        return
    with path.open("rb") as file:
        for raw in file:
            if raw.startswith(b"**"):
                spines = raw.strip().split(b"\t").count(b"**kern")
                if spines not in (voices, 1):
                    raise ValueError(
                        f"has {spines} parts with notes; {voices} are needed (or one of chords)"
                    )
                return


def _check_midi_length(path: Path, time_scale: float) -> None:
    """A ValueError (or MidiError, UsageError), before music21's parse, for a MIDI file longer
    than MAX_STEPS or one that is not a readable Standard MIDI File: music21 builds a measure for
    every bar of a note that lasts millions of quarter notes, in a 36-byte file, until memory
    runs out. Read with distkit's own reader, in time linear in the file's size."""
    if path.suffix.lower() not in (".mid", ".midi"):
        return
    from distkit.files.reading import MiB, read_regular
    from distkit.music import smf

    parsed = smf.parse(read_regular(path, max_bytes=16 * MiB, what="MIDI file"))
    steps = parsed.last_tick * STEPS_PER_QUARTER * time_scale / parsed.ticks_per_quarter
    if steps > MAX_STEPS:
        raise ValueError(f"{steps:.0f} steps long; at most {MAX_STEPS} are read")


def _read_parts(path: Path, time_scale: float) -> list[list[tuple[float, float, int]]]:
    """Each part of the file as (start, end, pitch) notes in steps; grace notes are dropped."""
    from music21 import converter

    score: Any = converter.parse(path)
    scale = STEPS_PER_QUARTER * time_scale
    parts = []
    for part in getattr(score, "parts", None) or [score]:
        notes: list[tuple[float, float, int]] = []
        for element in part.flatten().notes:
            length = float(element.quarterLength)
            if length <= 0:
                continue
            start = round(float(element.offset) * scale)
            end = round((float(element.offset) + length) * scale)
            notes.extend((start, max(end, start + 1), p.midi) for p in element.pitches)
        parts.append(notes)
    return parts


def _work_of(name: str) -> str:
    """What a split keeps together: a Palestrina mass (its number), or the movement file."""
    stem = Path(name).stem
    if name.startswith("palestrina"):
        numbers = [part for part in stem.split("_") if part.isdigit()]
        if numbers:
            return f"palestrina mass {numbers[0]}"
    return str(Path(name).with_suffix(""))


def _write_cache(path: Path, corpus: Corpus) -> None:
    import numpy as np

    runs = [np.zeros((0, 5), dtype=np.int64)]
    for index, piece in enumerate(corpus.pieces):
        notes = note_runs(piece.roll)
        runs.append(np.column_stack([np.full(len(notes), index), notes]))
    meta = {
        "voices": corpus.voices,
        "ids": [p.id for p in corpus.pieces],
        "works": [p.work for p in corpus.pieces],
        "steps": [int(p.roll.shape[1]) for p in corpus.pieces],
        "skipped": [[s.file, s.reason] for s in corpus.skipped],
        "voice_names": list(corpus.voice_names),
        "key": corpus.key,
        "files": corpus.files,
    }
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, meta=np.array(json.dumps(meta)), runs=np.concatenate(runs))
    tmp.replace(path)


def _read_cache(path: Path, label: str) -> Corpus:
    import numpy as np

    with np.load(path) as data:
        meta = json.loads(str(data["meta"]))
        runs = data["runs"]
    voices = int(meta["voices"])
    rolls = [np.zeros((voices, int(n), PITCHES), dtype=bool) for n in meta["steps"]]
    for index, voice, pitch, start, end in runs.tolist():
        rolls[index][voice, start:end, pitch] = True
    return Corpus(
        source=label,
        voices=voices,
        pieces=tuple(
            Piece(id=i, work=w, roll=r)
            for i, w, r in zip(meta["ids"], meta["works"], rolls, strict=True)
        ),
        skipped=tuple(Skipped(f, r) for f, r in meta["skipped"]),
        voice_names=tuple(meta["voice_names"]),
        key=str(meta["key"]),
        files=int(meta["files"]),
    )
