"""Runs of notes, the one definition of copying a tune, and the training split's index of them.

A note is a pitch AND a length, so two runs are the same when every note's length and every step
between neighbouring pitches (the interval) are equal: a copy moved to another key still counts.
Rests are left out of the runs (a run goes on across a rest), and a run's first note is compared
by its length alone. `benchmarks/melody_copies.py` measures copies with `note_runs`, and the
sampler's guard (`RunIndex.completing`) looks up the same runs, hashed.

The index holds a 64-bit hash of every distinct 8-note run of the training tunes, sorted (a
polynomial hash of the run's numbers modulo 2**64: two different runs share a hash with a
chance of about one in 10**14 per pair, and a shared hash can only make the guard stricter).
It ships as package data, built by `python -m distkit.music.melody --runs` from the train split.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

Note = tuple[int | None, int]
RUN = 8
"""The run length the guard forbids: the issue's "8 or more notes running"."""
MULTIPLIER = 0x9E3779B97F4A7C15
"""An odd 64-bit multiplier (the golden ratio's), for the polynomial hash."""
RUNS_FILE = "training-runs-8.npy"


def note_runs(notes: Sequence[Note], run: int) -> list[tuple[int, ...]]:
    """Every run of `run` sounding notes as (first length, interval, length, ...)."""
    sounding = [(p, s) for p, s in notes if p is not None]
    runs = []
    for i in range(len(sounding) - run + 1):
        window = sounding[i : i + run]
        key = [window[0][1]]
        for (a, _), (b, length) in pairwise(window):
            key.extend((b - a, length))
        runs.append(tuple(key))
    return runs


def fold(state: ArrayLike, values: ArrayLike) -> NDArray[np.uint64]:
    """The hash state after one more number, elementwise: state * MULTIPLIER + value (mod 2**64;
    a negative value counts as its 64-bit two's complement)."""
    import numpy as np

    with np.errstate(over="ignore"):
        states = np.asarray(state, dtype=np.uint64)
        numbers = np.asarray(values, dtype=np.int64).astype(np.uint64)
        return states * np.uint64(MULTIPLIER) + numbers


def run_hashes(runs: Sequence[tuple[int, ...]]) -> NDArray[np.uint64]:
    """The hash of each run (all of one length), starting from state 0."""
    import numpy as np

    if not runs:
        return np.zeros(0, dtype=np.uint64)
    table = np.array(runs, dtype=np.int64)
    state = np.zeros(len(runs), dtype=np.uint64)
    for column in table.T:
        state = fold(state, column)
    return state


class RunIndex:
    """The sorted hashes of every distinct `run`-note run of some tunes."""

    def __init__(self, hashes: NDArray[np.uint64], run: int = RUN) -> None:
        import numpy as np

        self.hashes = np.unique(np.asarray(hashes, dtype=np.uint64))
        self.run = run

    @classmethod
    def of_tunes(cls, tunes: Iterable[Sequence[Note]], run: int = RUN) -> RunIndex:
        """The index of every run of `run` notes in `tunes` (each a list of notes)."""
        import numpy as np

        parts = [run_hashes(note_runs(notes, run)) for notes in tunes]
        return cls(np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64), run)

    def save(self, path: Path) -> None:
        """The hashes as a .npy file, with the run length as its first entry."""
        import numpy as np

        tmp = path.with_name(path.name + ".partial.npy")
        np.save(tmp, np.r_[np.uint64(self.run), self.hashes])
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> RunIndex:
        import numpy as np

        values = np.load(path)
        return cls(values[1:], int(values[0]))

    def __len__(self) -> int:
        return int(self.hashes.shape[0])

    def contains(self, hashes: NDArray[np.uint64]) -> NDArray[np.bool_]:
        """Which of `hashes` (any shape) are in the index."""
        import numpy as np

        if not len(self):
            return np.zeros(np.shape(hashes), dtype=bool)
        places = np.searchsorted(self.hashes, hashes).clip(max=len(self) - 1)
        return np.asarray(self.hashes[places] == hashes)

    def copies(self, notes: Sequence[Note]) -> bool:
        """True when `notes` hold a run of `self.run` notes that the index has."""
        return bool(self.contains(run_hashes(note_runs(notes, self.run))).any())

    def completing(
        self, notes: Sequence[Note], pitches: ArrayLike, lengths: ArrayLike
    ) -> NDArray[np.bool_]:
        """For candidate next notes (`pitches` and `lengths`, broadcast together; MIDI pitches,
        sounding), which would end a run of the index after `notes`. All False while `notes`
        have fewer than `run - 1` sounding notes."""
        import numpy as np

        shape = np.broadcast_shapes(np.shape(pitches), np.shape(lengths))
        sounding = [(p, s) for p, s in notes if p is not None][-(self.run - 1) :]
        if len(sounding) < self.run - 1 or not len(self):
            return np.zeros(shape, dtype=bool)
        state = run_hashes(note_runs(sounding, self.run - 1))[0]
        intervals = np.asarray(pitches, dtype=np.int64) - int(sounding[-1][0])  # type: ignore[arg-type]
        hashes = fold(fold(state, intervals), np.broadcast_to(np.asarray(lengths), shape))
        return self.contains(np.broadcast_to(hashes, shape))


@functools.lru_cache(maxsize=1)
def shipped_runs() -> RunIndex:
    """The training split's 8-note runs, shipped in distkit.music.melody's data folder."""
    from distkit.errors import NotFoundError

    path = Path(__file__).parent / "data" / RUNS_FILE
    try:
        return RunIndex.load(path)
    except FileNotFoundError:
        raise NotFoundError(f"the training-run index {RUNS_FILE} is not installed") from None


def build_runs(out: Path, log: Callable[[str], object] = print) -> RunIndex:
    """The index of the train split's runs (music21's folk corpus, parsed once and cached),
    written to `out`."""
    from distkit.music.melody.folk import load_tunes, split_tunes

    train = split_tunes(load_tunes())["train"]
    index = RunIndex.of_tunes((tune.notes() for tune in train), RUN)
    out.parent.mkdir(parents=True, exist_ok=True)
    index.save(out)
    log(f"{len(train)} train tunes: {len(index)} distinct {RUN}-note runs -> {out}")
    return index
