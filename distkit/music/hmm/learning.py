"""Learning the chorale HMM: its tables counted in Bach's chorales, and (with
`context_training`) its context classifier; `regenerate` relearns both from the training split.
Imported by `python -m distkit.music.hmm` and the benchmarks, never by `compose`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches
from distkit.music.hmm.tables import CHORD_BITS, MODES, ChoraleTables, ModeTables, normalised

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.context import ContextNet
    from distkit.music.hmm.context_training import Training
    from distkit.music.hmm.tables import KeyedMusic

VOCABULARY = 100
TRANSITION_SMOOTHING = 1.0
EMISSION_SMOOTHING = 0.5
ABSENT_MODE_PRIOR = 1e-9
"""The prior of a mode no piece of the corpus is in: its key is then never the one heard."""


def learn_tables(
    chorales: Iterable[KeyedMusic],
    *,
    vocabulary: int = VOCABULARY,
    transition_smoothing: float = TRANSITION_SMOOTHING,
    emission_smoothing: float = EMISSION_SMOOTHING,
) -> ChoraleTables:
    """Count chords, chord changes and soprano notes in `chorales` and smooth the counts.

    `chorales` are anything with a four-voice `roll`, a `tonic` and a `mode` (a corpus's pieces
    with their keys too). When all are in one mode, the other mode gets the same tables and a
    prior of ABSENT_MODE_PRIOR."""
    chorales = list(chorales)
    if not chorales:
        raise ValueError("no chorales to learn the HMM tables from")
    by_mode = {mode: [c for c in chorales if c.mode == mode] for mode in MODES}
    smoothing = (transition_smoothing, emission_smoothing)
    heard = [mode for mode in MODES if by_mode[mode]]
    tables = {mode: _mode_tables(by_mode[mode], vocabulary, *smoothing) for mode in heard}
    counts = np.array([len(by_mode[mode]) for mode in MODES], dtype=np.float64) + 1
    if len(heard) == 1:  # a corpus in one mode: the other borrows its tables and is never heard
        tables[MODES[1 - MODES.index(heard[0])]] = tables[heard[0]]
        counts = np.array([1.0 if by_mode[mode] else ABSENT_MODE_PRIOR for mode in MODES])
    centre = [
        np.concatenate([np.nonzero(c.roll[voice])[1] for c in chorales]).mean()
        for voice in (1, 2, 3)
    ]
    return ChoraleTables(
        major=tables["major"],
        minor=tables["minor"],
        mode_prior=counts / counts.sum(),
        voice_centre=np.array(centre, dtype=np.float64),
    )


def _beat_chords(chorale: KeyedMusic) -> NDArray[np.int64]:
    """Each beat's chord as bass * 4096 + pitch-class bitmask (tonic at 0); -1 without a bass."""
    onsets = chorale.roll[:, ::STEPS_PER_QUARTER]
    lowest = np.argmax(onsets[3], axis=1)
    classes = (np.arange(onsets.shape[-1]) - chorale.tonic) % 12
    present = np.zeros((len(lowest), 12), dtype=bool)
    beat, pitch = np.nonzero(onsets.any(axis=0))
    present[beat, classes[pitch]] = True
    keys = classes[lowest] * 4096 + present @ CHORD_BITS
    return np.where(onsets[3].any(axis=1), keys, -1).astype(np.int64)


def _mode_tables(
    chorales: Sequence[KeyedMusic],
    vocabulary: int,
    transition_smoothing: float,
    emission_smoothing: float,
) -> ModeTables:
    beats = [_beat_chords(chorale) for chorale in chorales]
    counts = Counter(int(k) for keys in beats for k in keys if k >= 0)
    if not counts:
        raise ValueError("learning the HMM tables needs both major and minor chorales")
    vocab = np.array([key for key, _ in counts.most_common(vocabulary)], dtype=np.int64)
    n = len(vocab)
    start, end = np.zeros(n), np.zeros(n)
    transition, onset, offbeat = np.zeros((n, n)), np.zeros((n, 12)), np.zeros((n, 12))
    for chorale, keys in zip(chorales, beats, strict=True):
        states = _nearest(keys, vocab)
        sounding = np.flatnonzero(states >= 0)
        if not sounding.size:
            continue
        start[states[sounding[0]]] += 1
        end[states[sounding[-1]]] += 1
        pairs = sounding[:-1][np.diff(sounding) == 1]
        np.add.at(transition, (states[pairs], states[pairs + 1]), 1)
        _count_soprano(chorale, states, onset, offbeat)
    bass, chords = _unpack(vocab)
    return ModeTables(
        bass=bass,
        chords=chords,
        start=normalised(start, 1.0),
        end=normalised(end, 1.0),
        transition=normalised(transition, transition_smoothing),
        onset=normalised(onset, emission_smoothing),
        offbeat=normalised(offbeat, emission_smoothing),
    )


def _count_soprano(
    chorale: KeyedMusic,
    states: NDArray[np.int64],
    onset: NDArray[np.float64],
    offbeat: NDArray[np.float64],
) -> None:
    line = highest_pitches(chorale.roll[0])
    steps = np.flatnonzero(line >= 0)
    chord = states[steps // STEPS_PER_QUARTER]
    steps, chord = steps[chord >= 0], chord[chord >= 0]
    classes = (line[steps] - chorale.tonic) % 12
    on = steps % STEPS_PER_QUARTER == 0
    np.add.at(onset, (chord[on], classes[on]), 1)
    np.add.at(offbeat, (chord[~on], classes[~on]), 1)


def _nearest(keys: NDArray[np.int64], vocab: NDArray[np.int64]) -> NDArray[np.int64]:
    """The state of each chord key: itself if in `vocab`, else the chord nearest to it."""
    bass, chords = _unpack(vocab)
    states = np.full(len(keys), -1, dtype=np.int64)
    for key in np.unique(keys[keys >= 0]):
        low, chord = _unpack(np.array([key]))
        differ = (chords != chord).sum(axis=1) + 2 * (bass != low)
        states[keys == key] = int(np.argmin(differ))
    return states


def _unpack(keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Chord keys as bass pitch classes (n,) and pitch-class sets (n, 12)."""
    return keys // 4096, (keys[:, None] % 4096 & CHORD_BITS) > 0


def save_tables(tables: ChoraleTables, path: Path) -> None:
    """Write `tables` to a compressed .npz (float32 probabilities, a few tens of KB)."""
    arrays: dict[str, Any] = {
        "mode_prior": tables.mode_prior,
        "voice_centre": tables.voice_centre,
    }
    for mode in MODES:
        for field in fields(ModeTables):
            value = getattr(tables.mode(mode), field.name)
            small = value.astype(np.float32) if value.dtype == np.float64 else value
            arrays[f"{mode}_{field.name}"] = small
    np.savez_compressed(path, **arrays)


def regenerate(
    path: Path, context_path: Path | None = None, ornaments_path: Path | None = None
) -> ChoraleTables:
    """Learn the tables from the training split of the chorales and write them to `path`; train
    the context classifier on the same chorales and write it to `context_path`, and count the
    ornamentation layer's figures in them into `ornaments_path`."""
    from distkit.music.chorales import load_chorales, split_chorales
    from distkit.music.hmm.context_training import save_context
    from distkit.music.hmm.ornament_learning import learn_ornaments, save_ornaments

    train = split_chorales(load_chorales())["train"]
    if ornaments_path is not None:
        save_ornaments(learn_ornaments(train), ornaments_path)
    if context_path is None:
        tables = learn_tables(train)
        save_tables(tables, path)
        return tables
    tables, context = learn_model(train)
    save_tables(tables, path)
    save_context(context, str(context_path))
    return tables


def learn_model(
    pieces: Sequence[KeyedMusic], training: Training | None = None
) -> tuple[ChoraleTables, ContextNet]:
    """The tables counted in `pieces` and the context classifier trained on the same pieces
    with those tables' chords (`pieces`: four-voice rolls with a tonic and a mode)."""
    from distkit.music.hmm.context_training import Training, examples, train_context

    tables = learn_tables(pieces)
    inputs, labels, gaps = examples(pieces, tables)
    states = len(tables.major.bass), len(tables.major.bass) + len(tables.minor.bass)
    return tables, train_context(inputs, labels, gaps, *states, training or Training())
