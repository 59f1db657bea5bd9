"""How far a melody-only chord classifier gets on Bach's chorales: the validation split only.

Run: python benchmarks/chord_headroom.py [--draws N] [--files N]

Every figure is chorale-hmm's context classifier's accuracy on the labelled validation beats (those
whose chord in Bach is one of the HMM's states), retrained here for each row:
- a learning curve: trained on a quarter, a half, three quarters and all of the training chorales
  (`--draws` random subsets and seeds each), and the gain per doubling of the chorales;
- two oracles, given what a melody alone does not say: how far each beat is from Bach's fermatas
  (his phrase ends), and music21's key of Bach's whole score instead of the key heard in the tune;
- what decoding adds: the shipped model's Viterbi chords against its classifier's first choice.
The test split is never read.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from distkit.music.chorales import Chorale, load_chorales, split_chorales
from distkit.music.hmm import shipped_tables
from distkit.music.hmm.context import ContextNet, beat_features
from distkit.music.hmm.context_training import (
    Training,
    chorale_examples,
    train_context,
)
from distkit.music.hmm.decoding import decode
from distkit.music.hmm.key import beat_grid
from distkit.music.hmm.model import shipped_context
from distkit.music.hmm.tables import ChoraleTables, chord_states

FRACTIONS = (0.25, 0.5, 0.75, 1.0)
FERMATA_FEATURES = 10
"""Beats to the next fermata (0-3, 4+) and since the last one (1-4, 5+ or none), one-hot."""


@dataclass(frozen=True)
class Beats:
    """Stacked examples of the beats whose chord or bass distance is known, with their mode."""

    inputs: np.ndarray
    labels: np.ndarray
    gaps: np.ndarray
    minor: np.ndarray


Example = tuple[np.ndarray, np.ndarray, np.ndarray, bool]
"""A chorale's per-beat features, chord states and bass distances, and whether it is minor."""
Variant = Callable[[Chorale, ChoraleTables], Example]


def heard(chorale: Chorale, tables: ChoraleTables) -> Example:
    """The shipped classifier's inputs, in the key heard in the melody (its last feature is the
    mode: 1 for minor)."""
    features, states, gaps = chorale_examples(chorale, tables)
    return features, states, gaps, bool(features[0, -1])


def with_fermatas(chorale: Chorale, tables: ChoraleTables) -> Example:
    """The inputs plus each beat's distance to Bach's phrase ends (which a melody does not mark)."""
    features, states, gaps, minor = heard(chorale, tables)
    marks = np.zeros(len(features), dtype=bool)
    marks[[step // 4 for step in chorale.fermatas if step // 4 < len(features)]] = True
    ends = np.flatnonzero(marks)
    extra = np.zeros((len(features), FERMATA_FEATURES), dtype=np.float32)
    for beat in range(len(features)):
        ahead, behind = ends[ends >= beat], ends[ends < beat]
        extra[beat, min(int(ahead[0]) - beat, 4) if ahead.size else 4] = 1
        extra[beat, 5 + min(beat - int(behind[-1]) - 1, 4) if behind.size else 9] = 1
    return np.hstack([features, extra]), states, gaps, minor


def scored_key(chorale: Chorale, tables: ChoraleTables) -> Example:
    """The inputs in music21's key of Bach's whole score (which a melody does not give)."""
    features, states, gaps = chorale_examples(chorale, tables, (chorale.tonic, chorale.mode))
    return features, states, gaps, chorale.mode == "minor"


def stack(chorales: Sequence[Chorale], tables: ChoraleTables, variant: Variant) -> Beats:
    parts = []
    for chorale in chorales:
        features, states, gaps, minor = variant(chorale, tables)
        keep = (states >= 0) | (gaps >= 0)
        parts.append((features[keep], states[keep], gaps[keep], np.full(keep.sum(), minor)))
    return Beats(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def accuracy(net: ContextNet, beats: Beats) -> float:
    """The classifier's first choice against Bach's chord, on the labelled beats."""
    right = 0
    for mode, rows in (("major", ~beats.minor), ("minor", beats.minor)):
        offset = net.major_states if mode == "minor" else 0
        guess = net.log_posteriors(beats.inputs[rows], mode).argmax(axis=1) + offset
        right += int((guess == beats.labels[rows]).sum())
    return right / max(int((beats.labels >= 0).sum()), 1)


def fit(
    beats: Beats, tables: ChoraleTables, seed: int, epochs: int = Training.epochs
) -> ContextNet:
    major = len(tables.major.bass)
    outputs = major + len(tables.minor.bass)
    training = Training(seed=seed, epochs=epochs)
    return train_context(beats.inputs, beats.labels, beats.gaps, major, outputs, training)


def learning_curve(
    train: Sequence[Chorale], validation: Beats, tables: ChoraleTables, draws: int
) -> list[tuple[int, list[float]]]:
    """Accuracies of `draws` classifiers per share of the training chorales (the same number of
    updates each: fewer chorales, more epochs)."""
    rng = np.random.default_rng(0)
    rows = []
    for fraction in FRACTIONS:
        count = max(1, round(fraction * len(train)))
        scores = []
        for draw in range(draws):
            chosen = [train[index] for index in rng.permutation(len(train))[:count]]
            epochs = round(Training.epochs / fraction)
            net = fit(stack(chosen, tables, heard), tables, seed=draw, epochs=epochs)
            scores.append(accuracy(net, validation))
        rows.append((count, scores))
    return rows


def per_doubling(rows: list[tuple[int, list[float]]]) -> float:
    """The least-squares slope of mean accuracy against log2(training chorales)."""
    sizes = np.log2([count for count, _ in rows])
    means = [float(np.mean(scores)) for _, scores in rows]
    return float(np.polyfit(sizes, means, 1)[0]) if len(set(sizes)) > 1 else 0.0


def decoded_against_first_choice(
    chorales: Sequence[Chorale], tables: ChoraleTables
) -> tuple[float, float]:
    """On the labelled beats: the shipped model's decoded chords and its classifier's first
    choice, each against Bach's chord."""
    from distkit.music.base import highest_pitches

    net = shipped_context()
    decoded = first = labelled = 0
    for chorale in chorales:
        beats = beat_grid(highest_pitches(chorale.roll[0]))
        harmony = decode(beats, tables, net)
        bach = chord_states(chorale.roll, harmony.tonic, tables.mode(harmony.mode))
        features = beat_features(beats, harmony.tonic, harmony.mode)
        choice = net.log_posteriors(features, harmony.mode).argmax(axis=1)
        known = bach >= 0
        labelled += int(known.sum())
        decoded += int((harmony.chords == bach)[known].sum())
        first += int((choice == bach)[known].sum())
    return decoded / max(labelled, 1), first / max(labelled, 1)


def spread(scores: Sequence[float]) -> str:
    return f"{np.mean(scores):.3f} ± {np.std(scores):.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3, help="classifiers trained per row")
    parser.add_argument("--files", type=int, help="parse only the first N corpus files (quick)")
    options = parser.parse_args(argv)
    for name in ("draws", "files"):
        value = getattr(options, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1, not {value}")
    splits = split_chorales(load_chorales(limit=options.files))
    train, validation = splits["train"], splits["validation"]
    if not train or not validation:
        parser.error("no training or no validation chorales among the files parsed: parse more")
    tables = shipped_tables()
    heard_validation = stack(validation, tables, heard)
    print(
        f"{len(validation)} validation chorales, {int((heard_validation.labels >= 0).sum())} "
        f"labelled beats; classifier accuracy, mean ± sd of {options.draws} trainings"
    )
    rows = learning_curve(train, heard_validation, tables, options.draws)
    for count, scores in rows:
        print(f"trained on {count:>4} chorales: {spread(scores)}")
    print(f"gain per doubling of the training chorales: {per_doubling(rows):+.3f}")
    for label, variant in (
        ("oracle: + distance to Bach's fermatas", with_fermatas),
        ("oracle: music21's key of Bach's score", scored_key),
    ):
        known = stack(validation, tables, variant)
        scores = [
            accuracy(fit(stack(train, tables, variant), tables, seed=draw), known)
            for draw in range(options.draws)
        ]
        print(f"{label}: {spread(scores)}")
    decoded, first = decoded_against_first_choice(validation, tables)
    print(f"shipped model: decoded chords {decoded:.3f}, classifier's first choice {first:.3f}")


if __name__ == "__main__":
    main()
