"""The n-gram model's maths: distributions sum to one, smoothing keeps every event possible."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.music.melody.events import DURATION_TOKENS, PITCH_TOKENS, Events
from distkit.music.melody.ngram import NgramModel


def tune(pitches: list[int], durations: list[int], bar: int = 16) -> Events:
    positions, now = [], 0
    for duration in durations:
        positions.append(now % bar)
        now += duration + 1
    return Events(
        np.array(pitches), np.array(durations), np.array(positions), np.full(len(pitches), bar)
    )


tunes = st.lists(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, PITCH_TOKENS - 1), min_size=n, max_size=n),
            st.lists(st.integers(0, DURATION_TOKENS - 1), min_size=n, max_size=n),
            st.booleans(),
        )
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(tunes, st.integers(1, 5), st.integers(1, 5))
def test_every_distribution_sums_to_one(data, pitch_order, duration_order):
    model = NgramModel(pitch_order, duration_order).fit(
        [(tune(p, d), minor) for p, d, minor in data]
    )
    events = tune(*data[0][:2])
    for length in range(len(events) + 1):
        head = Events(
            events.pitches[:length],
            events.durations[:length],
            events.positions[:length],
            events.bar_steps[:length],
        )
        pitches = model.pitch_probabilities(head, data[0][2], 4, 16)
        durations = model.duration_probabilities(head, data[0][2], 4, 16, 0)
        assert np.isclose(pitches.sum(), 1.0)
        assert (pitches > 0).all()
        assert np.isclose(durations.sum(), 1.0)
        assert (durations > 0).all()


@settings(max_examples=40, deadline=None)
@given(tunes)
def test_probability_agrees_with_the_distribution(data):
    model = NgramModel(3, 3).fit([(tune(p, d), minor) for p, d, minor in data])
    events, minor = tune(*data[0][:2]), data[0][2]
    nll = model.event_nll(events, minor)
    for index in range(len(events)):
        head = Events(
            *(
                a[:index]
                for a in (events.pitches, events.durations, events.positions, events.bar_steps)
            )
        )
        pitch = int(events.pitches[index])
        p = model.pitch_probabilities(head, minor, int(events.positions[index]), 16)[pitch]
        d = model.duration_probabilities(head, minor, int(events.positions[index]), 16, pitch)[
            int(events.durations[index])
        ]
        assert np.isclose(nll[index], -np.log(p) - np.log(d))


def test_an_unseen_event_keeps_a_probability_above_zero():
    model = NgramModel(3, 3).fit([(tune([30, 32, 34, 30], [3, 3, 3, 7]), False)])
    unseen = tune([59, 0], [24, 0])
    assert np.isfinite(model.event_nll(unseen, True)).all()


def test_a_context_seen_often_follows_its_counts():
    pattern = tune([30, 32, 34, 35] * 50, [3] * 200)
    model = NgramModel(3, 2).fit([(pattern, False)])
    after = Events(
        *(a[:2] for a in (pattern.pitches, pattern.durations, pattern.positions, pattern.bar_steps))
    )
    probabilities = model.pitch_probabilities(after, False, 0, 16)
    assert probabilities.argmax() == 34
    # Witten-Bell, by hand: each context's distinct followers weigh the shorter context.
    unigram = (50 + 4 / PITCH_TOKENS) / (200 + 4)  # four pitches, 50 times each
    given_mode = (50 + 4 * unigram) / (200 + 4)
    given_previous = (50 + 1 * given_mode) / (50 + 1)  # 32 is always followed by 34
    assert np.isclose(probabilities[34], given_previous)


def test_a_longer_context_backs_off_to_a_shorter_one_never_seen_with_it():
    model = NgramModel(4, 1).fit([(tune([30, 32, 34], [3, 3, 3]), False)])
    fresh = tune([50, 51], [3, 3])
    assert np.isclose(model.pitch_probabilities(fresh, False, 0, 16).sum(), 1.0)


def test_tables_survive_saving_and_loading(tmp_path):
    model = NgramModel(3, 3).fit([(tune([30, 32, 34, 30], [3, 3, 3, 7]), True)])
    model.save(tmp_path / "tables.npz")
    loaded = NgramModel.load(tmp_path / "tables.npz")
    events = tune([30, 32, 35], [3, 4, 3])
    assert np.allclose(loaded.event_nll(events, True), model.event_nll(events, True))


def test_a_truncated_model_is_the_lower_order_model():
    data = [(tune([30, 32, 34, 30, 32, 35], [3, 3, 3, 7, 2, 2]), False)]
    truncated = NgramModel(5, 5).fit(data).truncated(2, 3)
    fitted = NgramModel(2, 3).fit(data)
    events = tune([30, 32, 34, 36], [3, 3, 2, 2])
    assert np.allclose(truncated.event_nll(events, False), fitted.event_nll(events, False))
