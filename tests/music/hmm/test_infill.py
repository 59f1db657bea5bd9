"""Specification of chorale-hmm's takes of a passage (`infill` with a seed, issue 21): a take is
a path drawn from the lattice whose cheapest path is the model's own voicing, with the kept
notes on both sides as fixed states of that lattice."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from distkit.music.base import highest_pitches
from distkit.music.hmm import ChoraleHMM, shipped_tables, voicing
from distkit.music.hmm.decoding import decode
from distkit.music.hmm.key import beat_grid
from distkit.music.hmm.model import shipped_context
from distkit.music.voice_leading import consecutives
from tests.music.hmm.conftest import OLD_HUNDREDTH, melody

SEAM = 8


@pytest.fixture(scope="module")
def model() -> ChoraleHMM:
    return ChoraleHMM()


def passage(arrangement: np.ndarray, start: int, end: int) -> np.ndarray:
    """A mask that redraws alto, tenor and bass from step `start` to `end`."""
    mask = np.zeros(arrangement.shape[:2], dtype=bool)
    mask[1:, start:end] = True
    return mask


def seam_consecutives(arrangement: np.ndarray, start: int, end: int) -> int:
    """Consecutive fifths and octaves (similar or contrary) within two beats of either edge."""
    return sum(
        consecutives(arrangement[:, edge - SEAM : edge + SEAM], motion)
        for edge in (start, end)
        for motion in ("similar", "contrary")
    )


def test_a_take_is_drawn_with_probability_falling_exponentially_with_its_cost() -> None:
    """Three beats with alto and tenor fixed: every path through the lattice (each beat's chord,
    its rivals, their basses) is enumerated, and 3,000 draws match exp(-cost / TEMPERATURE)."""
    tables = shipped_tables()
    beats = beat_grid(highest_pitches(melody((67, 4), (69, 4), (71, 4))))
    harmony = decode(beats, tables, shipped_context())
    fixed = np.array([[62, 64, 62], [59, 60, 55], [-1, -1, -1]])
    first, last = voicing._first_and_last(beats)
    options = voicing._BeatOptions(harmony, tables, first, fixed, None)
    lattice = [options.options[options.kind(beat)] for beat in range(3)]
    log_transition = np.log(tables.mode(harmony.mode).transition)
    cost = lattice[0][2][:, None, None] + lattice[1][2][None, :, None] + lattice[2][2]
    for beat in (0, 1):
        (before, _, _, chords_before), (after, _, _, chords_after) = lattice[beat : beat + 2]
        moves = voicing._transition_cost(
            before, after, int(last[beat]), int(first[beat + 1]), harmony.tonic
        )
        moves = moves - voicing.HARMONY * log_transition[chords_before[:, None], chords_after]
        cost = cost + (moves[:, :, None] if beat == 0 else moves[None, :, :])
    exact = np.exp(-(cost - cost.min()) / voicing.TEMPERATURE)
    exact /= exact.sum()
    expected: dict[tuple[int, ...], float] = {}
    for path in product(*(range(len(option[0])) for option in lattice)):
        bass = tuple(int(lattice[beat][0][index, 2]) for beat, index in enumerate(path))
        expected[bass] = expected.get(bass, 0.0) + float(exact[path])
    assert len(expected) > 4
    rng = np.random.default_rng(0)
    draws = 3000
    seen: dict[tuple[int, ...], int] = {}
    for _ in range(draws):
        voices = voicing.voice_chords(harmony, beats, tables, fixed, rng=rng)
        np.testing.assert_array_equal(voices[:2], fixed[:2])
        bass = tuple(int(pitch) for pitch in voices[2])
        seen[bass] = seen.get(bass, 0) + 1
    assert set(seen) <= set(expected)
    distance = sum(abs(seen.get(b, 0) / draws - p) for b, p in expected.items()) / 2
    assert distance < 0.05


def test_at_a_temperature_near_zero_a_take_is_the_models_own_voicing(
    model: ChoraleHMM, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = model.harmonize(OLD_HUNDREDTH)
    monkeypatch.setattr(voicing, "TEMPERATURE", 1e-6)
    for seed in range(3):
        np.testing.assert_array_equal(model.infill(own, passage(own, 16, 48), seed=seed), own)


def test_a_seed_gives_the_same_take_every_time_and_seeds_differ(model: ChoraleHMM) -> None:
    own = model.harmonize(OLD_HUNDREDTH)
    mask = passage(own, 16, 48)
    takes = [model.infill(own, mask, seed=seed) for seed in range(4)]
    np.testing.assert_array_equal(takes[1], model.infill(own, mask, seed=1))
    assert len({take.tobytes() for take in takes}) > 1


def test_the_takes_share_one_decoding_and_only_their_voicings_are_drawn(
    model: ChoraleHMM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and chords of the window are decoded once per infill, not once per take, and
    each take is the voicing a seeded draw gives over that one harmony."""
    from distkit.music.hmm import decoding

    own = model.harmonize(OLD_HUNDREDTH)
    mask = passage(own, 16, 48)
    calls: list[int] = []

    def counted(*args: object, **kwargs: object) -> decoding.Harmony:
        calls.append(1)
        return decode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decoding, "decode", counted)
    model.infill(own, mask, seed=5)
    assert len(calls) == 1


def test_the_motion_out_of_a_kept_beat_starts_from_the_note_it_ends_on() -> None:
    """A kept beat whose bass passes from G down to F under a tenor C: moving on to a G bass
    with the tenor on D would be consecutive fifths (C/F to D/G), which only the F shows. The
    free beats are voiced as if the kept bass had been F throughout; from G they take the D."""
    tables = shipped_tables()
    beats = beat_grid(highest_pitches(melody((72, 4), (71, 4), (72, 4), (74, 4))))
    harmony = decode(beats, tables, shipped_context())
    pinned = np.array([[67, -1, -1, -1], [60, -1, -1, -1], [55, -1, -1, -1]])
    ends = np.full_like(pinned, -1)
    ends[2, 0] = 53
    as_if_f = pinned.copy()
    as_if_f[2, 0] = 53

    def voiced(fixed: np.ndarray, fixed_ends: np.ndarray | None) -> np.ndarray:
        return voicing.voice_chords(harmony, beats, tables, fixed, fixed_ends)

    from_the_end = voiced(pinned, ends)
    np.testing.assert_array_equal(from_the_end[:, 1:], voiced(as_if_f, None)[:, 1:])
    np.testing.assert_array_equal(from_the_end[:, 0], pinned[:, 0])
    assert from_the_end[1:, 1].tolist() != [62, 55]
    assert voiced(pinned, None)[1:, 1].tolist() == [62, 55]


@pytest.mark.parametrize(
    ("tune", "start", "end"), [("old hundredth", 16, 24), ("twinkle", 92, 100)]
)
def test_takes_join_their_kept_neighbours_without_consecutive_fifths_or_octaves(
    model: ChoraleHMM, tune: str, start: int, end: int
) -> None:
    """Windows where drawing the chords first and voicing them after (the code before) made
    consecutive fifths or octaves at a seam in ten takes 12 and 10 times: Old Hundredth's
    beats 5-6 and Twinkle's beats 24-25."""
    from distkit.music.example import example_melody

    own = model.harmonize(OLD_HUNDREDTH if tune == "old hundredth" else example_melody())
    assert seam_consecutives(own, start, end) == 0
    mask = passage(own, start, end)
    faults = [
        seam_consecutives(model.infill(own, mask, seed=seed), start, end) for seed in range(10)
    ]
    assert sum(faults) == 0


def test_the_take_kept_is_the_one_with_the_fewest_faults_at_the_window() -> None:
    from distkit.music.hmm.model import fewest_faults

    clean = np.zeros((4, 24, 128), dtype=bool)
    for voice, pitch in enumerate((72, 67, 64, 48)):
        clean[voice, :, pitch] = True
    faulty = clean.copy()
    faulty[1:3, 8:] = False
    faulty[1, 8:12, 69], faulty[1, 12:, 71] = True, True  # alto a fifth over the tenor
    faulty[2, 8:12, 62], faulty[2, 12:, 64] = True, True  # then both up a step: parallel fifths
    mask = np.zeros((4, 24), dtype=bool)
    mask[1:3, 8:16] = True
    assert fewest_faults([faulty, clean], mask, 0) == 1
    assert fewest_faults([clean, faulty], mask, 0) == 0
    assert fewest_faults([faulty], mask, 0) == 0


def test_several_takes_keep_every_cell_outside_the_mask_and_never_add_faults(
    model: ChoraleHMM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distkit.music.hmm import model as hmm_model
    from distkit.music.voice_leading import FAULTS

    own = model.harmonize(OLD_HUNDREDTH)
    mask = passage(own, 16, 24)
    monkeypatch.setattr(hmm_model, "TAKES", 1)
    single = model.infill(own, mask, seed=4)
    monkeypatch.setattr(hmm_model, "TAKES", 4)
    chosen = model.infill(own, mask, seed=4)
    assert np.array_equal(chosen[~np.broadcast_to(mask[:, :, None], own.shape)],
                          own[~np.broadcast_to(mask[:, :, None], own.shape)])  # fmt: skip
    window = slice(16 - SEAM, 24 + SEAM)

    def faults(roll: np.ndarray) -> int:
        return sum(count(roll[:, window], 0) for count in FAULTS.values())

    assert faults(chosen) <= faults(single)
    assert np.array_equal(chosen, model.infill(own, mask, seed=4))  # a seed is still one take
