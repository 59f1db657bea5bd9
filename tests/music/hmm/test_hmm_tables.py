"""Specification of the chorale HMM's tables: learned by counting, key-normalised, round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from distkit.music.base import highest_pitches
from distkit.music.hmm.learning import learn_tables, save_tables
from distkit.music.hmm.tables import ChoraleTables, read_tables
from tests.music.hmm.conftest import A_MINOR_CHORDS, C_MAJOR_CHORDS, chorale


@pytest.fixture
def tables() -> ChoraleTables:
    return learn_tables(
        [
            chorale(C_MAJOR_CHORDS * 3, tonic=0, mode="major"),
            chorale(A_MINOR_CHORDS * 2, tonic=9, mode="minor"),
            chorale(C_MAJOR_CHORDS[::-1], tonic=0, mode="major"),
        ]
    )


def chord_index(tables: ChoraleTables, mode: str, bass: int, classes: set[int]) -> int:
    model = tables.mode(mode)
    for index, (low, chord) in enumerate(zip(model.bass, model.chords, strict=True)):
        if low == bass and set(np.flatnonzero(chord)) == classes:
            return index
    raise AssertionError(f"no chord with bass {bass} and classes {classes}")


def test_learned_tables_are_probability_distributions(tables: ChoraleTables) -> None:
    for mode in ("major", "minor"):
        model = tables.mode(mode)
        for table in (model.start, model.end, model.transition, model.onset, model.offbeat):
            assert (table > 0).all()
            assert table.sum(axis=-1) == pytest.approx(1)
        assert model.transition.shape == (len(model.bass), len(model.bass))
        assert model.onset.shape == model.offbeat.shape == (len(model.bass), 12)
    assert tables.mode_prior.sum() == pytest.approx(1)


def chord_set(tables: ChoraleTables, mode: str) -> set[tuple[int, frozenset[int]]]:
    model = tables.mode(mode)
    return {
        (int(bass), frozenset(np.flatnonzero(chord).tolist()))
        for bass, chord in zip(model.bass, model.chords, strict=True)
    }


def test_chords_are_counted_relative_to_the_tonic(tables: ChoraleTables) -> None:
    assert chord_set(tables, "major") == {
        (0, frozenset({0, 4, 7})),
        (5, frozenset({0, 5, 9})),
        (7, frozenset({2, 7, 11})),
    }
    assert chord_set(tables, "minor") == {
        (0, frozenset({0, 3, 7})),
        (5, frozenset({0, 5, 8})),
        (7, frozenset({2, 7, 11})),
    }


def test_transitions_follow_the_counted_chord_changes(tables: ChoraleTables) -> None:
    tonic = chord_index(tables, "major", 0, {0, 4, 7})
    subdominant = chord_index(tables, "major", 5, {0, 5, 9})
    dominant = chord_index(tables, "major", 7, {2, 7, 11})
    assert tables.major.transition[tonic].argmax() == subdominant
    assert tables.major.transition[subdominant].argmax() == dominant
    assert tables.major.end.argmax() == tonic


def test_soprano_notes_are_emitted_by_the_chord_under_them(tables: ChoraleTables) -> None:
    tonic = chord_index(tables, "major", 0, {0, 4, 7})
    assert tables.major.onset[tonic].argmax() == 0


def test_the_vocabulary_keeps_only_the_most_frequent_chords() -> None:
    learned = learn_tables(
        [
            chorale(C_MAJOR_CHORDS * 2, tonic=0, mode="major"),
            chorale(A_MINOR_CHORDS, tonic=9, mode="minor"),
        ],
        vocabulary=2,
    )
    assert len(learned.major.bass) == len(learned.minor.bass) == 2


def test_chorales_in_one_mode_lend_the_other_their_tables_and_it_is_never_heard() -> None:
    learned = learn_tables([chorale(C_MAJOR_CHORDS, tonic=0, mode="major")])
    assert learned.minor is learned.major
    assert learned.mode_prior[1] < 1e-6 * learned.mode_prior[0]
    with pytest.raises(ValueError, match="no chorales"):
        learn_tables([])


def test_tables_survive_a_round_trip_through_npz(tables: ChoraleTables, tmp_path: Path) -> None:
    path = tmp_path / "tables.npz"
    save_tables(tables, path)
    again = read_tables(path)
    np.testing.assert_array_equal(again.minor.chords, tables.minor.chords)
    np.testing.assert_allclose(again.major.transition, tables.major.transition, rtol=1e-6)
    assert again.major.transition.sum(axis=1) == pytest.approx(1, abs=1e-12)


def test_highest_pitches_is_the_highest_pitch_or_minus_one() -> None:
    roll = np.zeros((3, 128), dtype=bool)
    roll[0, [60, 64]] = True
    roll[2, 50] = True
    assert highest_pitches(roll).tolist() == [64, -1, 50]
