"""Training the context classifier (`context.ContextNet`): its examples from the chorales, and
minibatch Adam with dropout and weight decay. Not imported by `compose`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches
from distkit.music.hmm.context import GAPS, ContextNet, beat_features
from distkit.music.hmm.key import beat_grid, estimate_key
from distkit.music.hmm.tables import chord_states

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from distkit.music.hmm.tables import ChoraleTables, KeyedMusic


def examples(
    chorales: Iterable[KeyedMusic], tables: ChoraleTables
) -> tuple[NDArray[np.float32], NDArray[np.int64], NDArray[np.int64]]:
    """Features, Bach's chord (an output index; -1 if not a state) and soprano-to-bass distance
    (-1 where either is silent or it is GAPS or more) of every beat with either known.

    The key is the one the HMM hears in the melody, as when harmonizing.
    """
    inputs, labels, gaps = [], [], []
    for chorale in chorales:
        features, states, gap = chorale_examples(chorale, tables)
        keep = (states >= 0) | (gap >= 0)
        inputs.append(features[keep])
        labels.append(states[keep])
        gaps.append(gap[keep])
    return np.vstack(inputs), np.concatenate(labels), np.concatenate(gaps)


def chorale_examples(
    chorale: KeyedMusic, tables: ChoraleTables, key: tuple[int, str] | None = None
) -> tuple[NDArray[np.float32], NDArray[np.int64], NDArray[np.int64]]:
    """`examples` for every beat of one chorale, known or not, in `key` (tonic, mode) if given,
    else in the key the HMM hears in the melody."""
    beats = beat_grid(highest_pitches(chorale.roll[0]))
    tonic, mode = key or estimate_key(beats, tables)
    states = chord_states(chorale.roll, tonic, tables.mode(mode))
    offset = len(tables.major.bass) if mode == "minor" else 0
    states = np.where(states >= 0, states + offset, -1)
    return beat_features(beats, tonic, mode), states, soprano_bass_gaps(chorale.roll)


def soprano_bass_gaps(roll: NDArray[Any]) -> NDArray[np.int64]:
    """Semitones from the soprano down to the bass at each beat's first step; -1 where either is
    silent or the distance is not in 0..GAPS-1."""
    onsets = np.asarray(roll)[:, ::STEPS_PER_QUARTER]
    soprano, bass = highest_pitches(onsets[0]), highest_pitches(onsets[3])
    gap = soprano - bass
    known = (soprano >= 0) & (bass >= 0) & (gap >= 0) & (gap < GAPS)
    return np.where(known, gap, -1)


@dataclass(frozen=True)
class Training:
    """How `train_context` fits the classifier (the shipped values were chosen on validation)."""

    hidden: int = 256
    epochs: int = 8
    batch: int = 128
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    input_dropout: float = 0.1
    hidden_dropout: float = 0.3
    seed: int = 0


def train_context(
    inputs: NDArray[np.float32],
    labels: NDArray[np.int64],
    gaps: NDArray[np.int64],
    major_states: int,
    outputs: int,
    training: Training = Training(),
    *,
    on_epoch: Any = None,
) -> ContextNet:
    """Fit the MLP by minibatch Adam on the summed cross-entropies of its two heads (the chord
    within each example's mode, and the soprano-to-bass distance), each where it is known."""
    rng = np.random.default_rng(training.seed)
    features = inputs.shape[1]
    shapes = [(features, training.hidden), (training.hidden, outputs), (training.hidden, GAPS)]
    params = [
        rng.standard_normal(shapes[0]) * np.sqrt(2 / features),
        np.zeros(training.hidden),
        rng.standard_normal(shapes[1]) * np.sqrt(1 / training.hidden),
        np.zeros(outputs),
        rng.standard_normal(shapes[2]) * np.sqrt(1 / training.hidden),
        np.zeros(GAPS),
    ]
    params = [p.astype(np.float32) for p in params]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    update = 0
    for epoch in range(training.epochs):
        order = rng.permutation(len(labels))
        for start in range(0, len(order), training.batch):
            rows = order[start : start + training.batch]
            batch = (inputs[rows], labels[rows], gaps[rows])
            grads = _gradients(params, batch, major_states, rng, training)
            update += 1
            for index, grad in enumerate(grads):
                grad = grad + training.weight_decay * params[index]
                moments[index] = 0.9 * moments[index] + 0.1 * grad
                squares[index] = 0.999 * squares[index] + 0.001 * grad**2
                step = moments[index] / (1 - 0.9**update)
                scale = np.sqrt(squares[index] / (1 - 0.999**update)) + 1e-8
                params[index] = params[index] - training.learning_rate * step / scale
        if on_epoch is not None:
            on_epoch(epoch, _net(params, major_states))
    return _net(params, major_states)


def _net(params: Sequence[NDArray[np.float32]], major_states: int) -> ContextNet:
    hidden_weights, hidden_bias, output_weights, output_bias, gap_weights, gap_bias = params
    return ContextNet(
        hidden_weights=hidden_weights,
        hidden_bias=hidden_bias,
        output_weights=output_weights,
        output_bias=output_bias,
        gap_weights=gap_weights,
        gap_bias=gap_bias,
        major_states=major_states,
    )


def _gradients(
    params: Sequence[NDArray[np.float32]],
    batch: tuple[NDArray[np.float32], NDArray[np.int64], NDArray[np.int64]],
    major_states: int,
    rng: np.random.Generator,
    training: Training,
) -> list[NDArray[np.float32]]:
    """Both cross-entropies' gradients for one minibatch, with inverted dropout."""
    w1, b1, w2, b2, w3, b3 = params
    inputs, labels, gaps = batch
    keep_in = rng.random(inputs.shape) >= training.input_dropout
    x = inputs * keep_in / (1 - training.input_dropout)
    pre = x @ w1 + b1
    keep_hidden = rng.random(pre.shape) >= training.hidden_dropout
    hidden = np.maximum(pre, 0) * keep_hidden / (1 - training.hidden_dropout)
    minor = labels >= major_states
    other_mode = np.zeros((len(labels), w2.shape[1]), dtype=bool)
    other_mode[minor, :major_states] = True
    other_mode[~minor, major_states:] = True
    d_chords = _softmax_gradient(np.where(other_mode, -1e9, hidden @ w2 + b2), labels)
    d_gaps = _softmax_gradient(hidden @ w3 + b3, gaps)
    d_hidden = (d_chords @ w2.T + d_gaps @ w3.T) * keep_hidden / (1 - training.hidden_dropout)
    d_hidden = d_hidden * (pre > 0)
    return [
        x.T @ d_hidden,
        d_hidden.sum(axis=0),
        hidden.T @ d_chords,
        d_chords.sum(axis=0),
        hidden.T @ d_gaps,
        d_gaps.sum(axis=0),
    ]


def _softmax_gradient(logits: NDArray[Any], targets: NDArray[np.int64]) -> NDArray[Any]:
    """The mean cross-entropy's gradient in the logits, over the rows whose target is known."""
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    known = targets >= 0
    probs[np.flatnonzero(known), targets[known]] -= 1
    probs[~known] = 0
    result: NDArray[Any] = probs / max(int(known.sum()), 1)
    return result


def save_context(net: ContextNet, handle: IO[bytes] | str) -> None:
    np.savez_compressed(
        handle,
        hidden_weights=net.hidden_weights.astype(np.float16),
        hidden_bias=net.hidden_bias.astype(np.float16),
        output_weights=net.output_weights.astype(np.float16),
        output_bias=net.output_bias.astype(np.float16),
        gap_weights=net.gap_weights.astype(np.float16),
        gap_bias=net.gap_bias.astype(np.float16),
        major_states=np.array(net.major_states),
    )
