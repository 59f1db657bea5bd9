"""The network and its training windows: shapes, causality, likelihoods that are distributions."""

from __future__ import annotations

import numpy as np
import torch
from distkit_melody.data import Sequences, all_windows, packed_stream, random_batch, stack
from distkit_melody.network import IGNORE, MelodyTransformer
from distkit_melody.predictor import TransformerPredictor

from distkit.music.melody.events import DURATION_TOKENS, PITCH_TOKENS, Events


def random_events(rng: np.random.Generator, length: int) -> Events:
    return Events(
        rng.integers(0, PITCH_TOKENS, length),
        rng.integers(0, DURATION_TOKENS, length),
        rng.integers(0, 16, length),
        np.full(length, 16),
    )


def small_network() -> MelodyTransformer:
    torch.manual_seed(0)
    return MelodyTransformer(width=32, layers=2, heads=2, context=16, dropout=0.0).eval()


def test_every_event_is_in_exactly_one_evaluation_window():
    rng = np.random.default_rng(0)
    data = Sequences([random_events(rng, 37), random_events(rng, 5)], [0, 1])
    windows = all_windows(data, 16)
    assert len(windows) == 3 + 1
    assert sum(int((w["target_pitch"] != IGNORE).sum()) for w in windows) == 42


def test_a_packed_window_starts_each_tune_with_the_start_event():
    rng = np.random.default_rng(1)
    data = Sequences([random_events(rng, 4), random_events(rng, 3)], [0, 0])
    stream = packed_stream(data, rng)
    assert len(stream["pitch"]) == 7
    assert (stream["pitch"] == PITCH_TOKENS).sum() == 2  # one start event per tune
    batch = random_batch(stream, 3, 5, rng)
    assert batch["pitch"].shape == (3, 5)


def test_the_network_does_not_see_the_future():
    rng = np.random.default_rng(2)
    network = small_network()
    events = random_events(rng, 12)
    batch = stack(all_windows(Sequences([events], [0]), 16))
    changed = {name: value.clone() for name, value in batch.items()}
    changed["pitch"][0, 8:] = (changed["pitch"][0, 8:] + 1) % PITCH_TOKENS
    with torch.no_grad():
        before, after = network.hidden(batch), network.hidden(changed)
    assert torch.allclose(before[0, :8], after[0, :8], atol=1e-5)
    assert not torch.allclose(before[0, 8:], after[0, 8:])


def test_the_predictor_gives_distributions_and_matches_the_likelihood():
    rng = np.random.default_rng(3)
    predictor = TransformerPredictor(small_network())
    events = random_events(rng, 6)
    nll = predictor.event_nll(events, minor=False)
    for index in range(len(events)):
        head = Events(
            *(
                a[:index]
                for a in (events.pitches, events.durations, events.positions, events.bar_steps)
            )
        )
        position, pitch = int(events.positions[index]), int(events.pitches[index])
        pitches = predictor.pitch_probabilities(head, False, position, 16)
        durations = predictor.duration_probabilities(head, False, position, 16, pitch)
        assert np.isclose(pitches.sum(), 1.0)
        assert np.isclose(durations.sum(), 1.0)
        expected = -np.log(pitches[pitch]) - np.log(durations[int(events.durations[index])])
        assert np.isclose(nll[index], expected, atol=1e-4)
