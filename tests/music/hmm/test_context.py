"""Specification of the context classifier (distkit.music.hmm.context) and the bass's passing
notes (distkit.music.hmm.passing), on hand-made chorales and lines."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from distkit.music.base import highest_pitches
from distkit.music.hmm.context import (
    GAPS,
    STEP_FEATURES,
    WINDOW,
    ContextNet,
    beat_features,
    read_context,
)
from distkit.music.hmm.context_training import (
    Training,
    examples,
    save_context,
    soprano_bass_gaps,
    train_context,
)
from distkit.music.hmm.decoding import decode
from distkit.music.hmm.key import beat_grid
from distkit.music.hmm.learning import learn_tables
from distkit.music.hmm.model import ChoraleHMM
from distkit.music.hmm.passing import fill_thirds
from distkit.music.hmm.tables import ChoraleTables, chord_states
from tests.music.hmm.conftest import A_MINOR_CHORDS, C_MAJOR_CHORDS, chorale, melody

TRAINING = [
    chorale(C_MAJOR_CHORDS * 3, tonic=0, mode="major"),
    chorale(A_MINOR_CHORDS * 2, tonic=9, mode="minor"),
    chorale(C_MAJOR_CHORDS[::-1] * 2, tonic=0, mode="major"),
]


@pytest.fixture(scope="module")
def tables() -> ChoraleTables:
    return learn_tables(TRAINING)


def states(tables: ChoraleTables) -> tuple[int, int]:
    return len(tables.major.bass), len(tables.major.bass) + len(tables.minor.bass)


def test_features_hold_each_step_s_pitch_class_in_the_key_and_the_beat_s_place() -> None:
    beats = beat_grid(highest_pitches(melody((64, 4), (67, 2), (None, 2), (62, 4))))
    features = beat_features(beats, tonic=2, mode="major")
    per_beat = 4 * STEP_FEATURES
    assert features.shape == (3, (2 * WINDOW + 1) * per_beat + 8)
    centre = features[:, WINDOW * per_beat : (WINDOW + 1) * per_beat].reshape(3, 4, STEP_FEATURES)
    assert np.flatnonzero(centre[0, 0, :13]).tolist() == [2]  # E is 2 above the tonic D
    assert np.flatnonzero(centre[1, 0, :13]).tolist() == [5]  # G
    assert np.flatnonzero(centre[1, 2, :13]).tolist() == [12]  # the rest
    assert centre[0, :, 13].tolist() == [1, 0, 0, 0]  # one note starts, held for the beat
    assert centre[0, 0, 14] > centre[2, 0, 14]  # E above D: higher against the mean
    assert features[:, -8:-4].argmax(axis=1).tolist() == [2, 1, 0]  # beats to the end
    assert features[:, -4:-1].argmax(axis=1).tolist() == [0, 1, 2]  # beats from the start
    assert not features[:, -1].any()
    before = features[1, (WINDOW - 1) * per_beat : WINDOW * per_beat].reshape(4, STEP_FEATURES)
    np.testing.assert_array_equal(before, centre[0])  # the window sees the beat before


def test_bach_s_chords_become_states_and_the_outer_voices_distances(
    tables: ChoraleTables,
) -> None:
    roll = TRAINING[0].roll
    found = chord_states(roll, 0, tables.major)
    model = tables.major
    for beat, state in enumerate(found[:4]):
        pitches = C_MAJOR_CHORDS[beat]
        assert model.bass[state] == pitches[3] % 12
        assert set(np.flatnonzero(model.chords[state])) == {p % 12 for p in pitches}
    assert chord_states(roll, 1, tables.major)[0] == -1  # in C sharp it is no state
    assert soprano_bass_gaps(roll)[:4].tolist() == [s - b for s, *_, b in C_MAJOR_CHORDS]


def test_training_learns_the_chords_and_the_bass_distances_it_is_shown(
    tables: ChoraleTables,
) -> None:
    inputs, labels, gaps = examples(TRAINING, tables)
    assert len(inputs) == len(labels) == len(gaps) == sum(c.roll.shape[1] // 4 for c in TRAINING)
    untrained = train_context(inputs, labels, gaps, *states(tables), Training(epochs=0))
    trained = train_context(inputs, labels, gaps, *states(tables), Training(epochs=60, batch=8))
    major = (labels >= 0) & (labels < states(tables)[0])

    def accuracy(net: ContextNet) -> tuple[float, float]:
        chords = net.log_posteriors(inputs[major], "major").argmax(axis=1)
        distances = net.gap_log_probs(inputs).argmax(axis=1)
        return float((chords == labels[major]).mean()), float((distances == gaps).mean())

    before, after = accuracy(untrained), accuracy(trained)
    for head in (0, 1):
        assert after[head] >= 0.9, (before, after)
        assert after[head] - before[head] >= 0.3, (before, after)
    log_probs = trained.log_posteriors(inputs[:3], "minor")
    assert log_probs.shape == (3, len(tables.minor.bass))
    np.testing.assert_allclose(np.exp(log_probs).sum(axis=1), 1, rtol=1e-6)
    assert trained.gap_log_probs(inputs[:3]).shape == (3, GAPS)


def test_a_context_net_survives_a_round_trip_to_disk(tables: ChoraleTables, tmp_path: Path) -> None:
    inputs, labels, gaps = examples(TRAINING, tables)
    net = train_context(inputs, labels, gaps, *states(tables), Training(epochs=2))
    save_context(net, str(tmp_path / "context.npz"))
    again = read_context(str(tmp_path / "context.npz"))
    assert again.major_states == net.major_states
    np.testing.assert_allclose(
        again.log_posteriors(inputs, "major"), net.log_posteriors(inputs, "major"), atol=0.05
    )


def test_the_context_decides_between_chords_the_melody_alone_cannot(
    tables: ChoraleTables,
) -> None:
    inputs, labels, gaps = examples(TRAINING, tables)
    net = train_context(inputs, labels, gaps, *states(tables), Training(epochs=60, batch=8))
    tune = melody(*[(p, 4) for p in (72, 72, 71, 72)])  # C C B C: C or F on the second beat
    beats = beat_grid(highest_pitches(tune))
    alone = decode(beats, tables).chords
    biased = replace(
        net,
        output_weights=np.zeros_like(net.output_weights),
        output_bias=np.where(np.arange(net.output_bias.size) == alone[1], -50.0, 0.0),
    )
    assert decode(beats, tables, biased).chords[1] != alone[1]


def test_the_bass_s_octave_follows_the_distance_the_context_expects(
    tables: ChoraleTables,
) -> None:
    inputs, labels, gaps = examples(TRAINING, tables)
    net = train_context(inputs, labels, gaps, *states(tables), Training(epochs=1))
    tune = melody(*[(p, 4) for p in (72, 72, 71, 72)])

    def expecting(distance: int) -> ContextNet:
        bias = np.where(np.arange(GAPS) == distance, 50.0, 0.0)
        return replace(net, gap_weights=np.zeros_like(net.gap_weights), gap_bias=bias)

    for distance in (12, 24):
        bass = highest_pitches(ChoraleHMM(tables, expecting(distance)).harmonize(tune)[3])
        assert 72 - bass[0] == distance


def test_a_bass_moving_a_third_passes_through_the_scale_step_between() -> None:
    bass = np.repeat([48, 52, 55, 50, 47], 4)  # C E G D B in C major
    silent = np.full((1, len(bass)), -1)
    filled = fill_thirds(bass, silent, tonic=0, mode="major")
    assert filled[:4].tolist() == [48, 48, 50, 50]  # C, then D on the second eighth
    assert filled[4:8].tolist() == [52, 52, 53, 53]  # E then F: a minor third up
    assert filled[8:12].tolist() == [55] * 4  # G to D: a fourth, left alone
    assert filled[12:16].tolist() == [50, 50, 48, 48]  # D to B: C, the scale step down
    assert filled[16:].tolist() == [47] * 4


def test_across_a_major_third_the_passing_note_is_a_whole_tone_from_each_end() -> None:
    silent = np.full((1, 8), -1)
    up = fill_thirds(np.repeat([52, 56], 4), silent, tonic=9, mode="minor")  # E to G# in A minor
    down = fill_thirds(np.repeat([56, 52], 4), silent, tonic=9, mode="minor")
    assert up[2] == down[2] == 54  # F#, not the scale's F or G


def test_a_passing_note_that_would_make_consecutives_is_left_out() -> None:
    bass = np.repeat([48, 52], 4)
    soprano = np.array([67, 67, 69, 69, 71, 71, 71, 71])  # G, A on the second eighth: fifth D-A
    assert fill_thirds(bass, soprano[None], tonic=0, mode="major")[:4].tolist() == [48] * 4
    clear = np.array([67, 67, 65, 65, 64, 64, 64, 64])
    assert fill_thirds(bass, clear[None], tonic=0, mode="major")[:4].tolist() == [48, 48, 50, 50]
