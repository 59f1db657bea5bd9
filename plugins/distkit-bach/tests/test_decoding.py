"""decode_voices: one likely note per voice per step, steering clear of parallels and crossings."""

from __future__ import annotations

import numpy as np
from distkit_bach.decoding import cadence_probabilities, decode_voices


def probabilities(*pitches_per_voice: list[dict[int, float]]) -> np.ndarray:
    """(3, steps, 48) probabilities from, per voice, a {pitch: probability} dict per step."""
    steps = len(pitches_per_voice[0])
    probs = np.full((3, steps, 48), 1e-4)
    for voice, per_step in enumerate(pitches_per_voice):
        for step, choices in enumerate(per_step):
            for pitch, p in choices.items():
                probs[voice, step, pitch] = p
    return probs


def pitches(notes: np.ndarray) -> list[list[int]]:
    return [[int(np.flatnonzero(s)[0]) if s.any() else -1 for s in voice] for voice in notes]


def test_without_conflicts_each_voice_takes_its_likeliest_pitch() -> None:
    probs = probabilities(
        [{30: 0.9, 31: 0.1}, {29: 0.8, 30: 0.2}],
        [{24: 0.7, 26: 0.3}, {24: 0.9}],
        [{12: 0.6, 17: 0.4}, {17: 0.9}],
    )
    notes = decode_voices(probs, np.array([40, 40]))
    assert pitches(notes) == [[30, 29], [24, 24], [12, 17]]


def test_a_parallel_fifth_is_avoided_when_a_close_alternative_exists() -> None:
    # tenor and bass a fifth apart (19 over 12), then both up a step: 21 over 14 is a parallel.
    probs = probabilities(
        [{31: 0.9}, {31: 0.9}],
        [{19: 0.9}, {21: 0.5, 19: 0.45}],
        [{12: 0.9}, {14: 0.9}],
    )
    notes = decode_voices(probs, np.array([40, 40]), short_penalty=0)
    assert pitches(notes)[1] == [19, 19]
    assert pitches(decode_voices(probs, np.array([40, 40]), penalty=0, short_penalty=0))[1] == [
        19,
        21,
    ]


def test_voices_do_not_cross_when_they_need_not() -> None:
    probs = probabilities([{20: 0.5, 27: 0.45}], [{24: 0.9}], [{10: 0.9}])
    assert pitches(decode_voices(probs, np.array([40]))) == [[27], [24], [10]]


def test_a_voice_rests_where_it_likely_does_not_sound() -> None:
    probs = probabilities([{30: 0.3}], [{24: 0.9}], [{12: 0.9}])
    notes = decode_voices(probs, np.array([40]))
    assert pitches(notes)[0] == [-1]
    assert notes.sum(axis=2).max() <= 1


def test_a_voice_does_not_leave_a_note_after_one_step_for_a_slight_preference() -> None:
    # the alto would flick 30 -> 31 -> 30; holding 30 costs little probability.
    probs = probabilities(
        [{30: 0.9}, {31: 0.5, 30: 0.45}, {30: 0.9}],
        [{24: 0.9}] * 3,
        [{12: 0.9}] * 3,
    )
    soprano = np.array([40, 40, 40])
    assert pitches(decode_voices(probs, soprano))[0] == [30, 30, 30]
    assert pitches(decode_voices(probs, soprano, short_penalty=0))[0] == [30, 31, 30]


def test_a_fifth_to_a_twelfth_in_contrary_motion_is_avoided_too() -> None:
    # tenor 19 over bass 12 (a fifth); tenor up to 21, bass down to 2: a twelfth, contrary.
    probs = probabilities(
        [{31: 0.9}, {31: 0.9}],
        [{19: 0.9}, {21: 0.5, 19: 0.45}],
        [{12: 0.9}, {2: 0.9}],
    )
    assert pitches(decode_voices(probs, np.array([40, 40]), short_penalty=0))[1] == [19, 19]


CLASSES = (np.arange(48) + 36) % 12  # the cropped range starts at MIDI 36, a C


def test_the_close_is_dominant_then_tonic_over_the_tonic_chord() -> None:
    rng = np.random.default_rng(0)
    probs = rng.random((3, 16, 48))
    soprano = np.array([28] * 4 + [26] * 4 + [26] * 4 + [24] * 4)  # E D D C, in C major
    held = cadence_probabilities(probs, soprano, CLASSES, tonic=0, mode="major")
    notes = pitches(decode_voices(held, soprano))
    assert {CLASSES[p] for p in notes[2][12:]} == {0}
    assert {CLASSES[p] for p in notes[2][8:12]} == {7}
    assert {CLASSES[p] for v in notes[:2] for p in v[12:] + v[:4]} <= {0, 4, 7}
    assert {CLASSES[p] for p in notes[2][:4]} == {0}


def test_a_melody_that_ends_off_the_tonic_closes_on_a_triad_over_its_final() -> None:
    probs = np.random.default_rng(1).random((3, 12, 48))
    soprano = np.array([28] * 4 + [29] * 4 + [28] * 4)  # E F E: a Phrygian close, in C major
    held = cadence_probabilities(probs, soprano, CLASSES, tonic=0, mode="major")
    notes = pitches(decode_voices(held, soprano))
    assert {CLASSES[p] for p in notes[2][8:]} == {4}
    assert {CLASSES[p] for v in notes[:2] for p in v[8:]} <= {4, 8, 11}  # E major, one third
    np.testing.assert_array_equal(held[:, 4:8], probs[:, 4:8])  # no dominant forced before


def test_the_voices_end_with_the_melody() -> None:
    probs = np.random.default_rng(2).random((3, 12, 48))
    soprano = np.array([24] * 8 + [-1] * 4)  # C, then a rest
    held = cadence_probabilities(probs, soprano, CLASSES, tonic=0, mode="major")
    assert not decode_voices(held, soprano)[:, 8:].any()
