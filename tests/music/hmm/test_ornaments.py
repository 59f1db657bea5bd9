"""Specification of chorale-hmm's ornamentation layer (issue 20): the lower voices take Bach's
figures on the second eighth of a beat (passing and neighbour notes, anticipations, skips),
counted in the training chorales, without breaking the melody or the voice leading."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.music.base import SATB_RANGES, STEPS_PER_QUARTER, highest_pitches
from distkit.music.example import example_melody
from distkit.music.hmm import ChoraleHMM
from distkit.music.hmm.model import shipped_ornaments
from distkit.music.hmm.ornament_learning import count_figures, learn_ornaments
from distkit.music.hmm.ornaments import FIGURES, HELD, figure_of, interval_index, ornament
from distkit.music.voice_leading import FAULTS
from tests.music.hmm.conftest import OLD_HUNDREDTH, chorale, melody

TUNES = {
    "old hundredth": OLD_HUNDREDTH,
    "twinkle": example_melody(),
    "scale": melody(*[(p, 4) for p in (60, 62, 64, 65, 67, 69, 71, 72, 67, 64)], (60, 8)),
    "minor": melody(*[(p, 4) for p in (69, 71, 72, 74, 72, 71, 69, 68)], (69, 8)),
}


@pytest.fixture(scope="module")
def harmonized() -> dict[str, np.ndarray]:
    model = ChoraleHMM()
    return {name: model.harmonize(tune) for name, tune in TUNES.items()}


def note_lengths(line: np.ndarray) -> np.ndarray:
    changes = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
    lengths = np.diff(np.r_[changes, len(line)])
    return lengths[line[changes] >= 0]


def onsets(line: np.ndarray) -> int:
    return int(((line >= 0) & (line != np.r_[-1, line[:-1]])).sum())


def test_the_inner_voices_write_eighth_notes(harmonized: dict[str, np.ndarray]) -> None:
    """Before the layer, alto and tenor held one note per beat: no eighth notes at all."""
    for voice in (1, 2):
        lengths = np.concatenate(
            [note_lengths(highest_pitches(a[voice])) for a in harmonized.values()]
        )
        assert (lengths == 2).mean() > 0.15


def test_the_bass_moves_more_than_once_a_beat_on_average(
    harmonized: dict[str, np.ndarray],
) -> None:
    """Bach's bass: 1.12 onsets a beat on the validation chorales; the model's before: 0.86."""
    notes = sum(onsets(highest_pitches(a[3])) for a in harmonized.values())
    beats = sum(a.shape[1] / STEPS_PER_QUARTER for a in harmonized.values())
    assert notes / beats > 1.0


def test_the_melody_stays_exactly_the_users(harmonized: dict[str, np.ndarray]) -> None:
    for name, arrangement in harmonized.items():
        np.testing.assert_array_equal(arrangement[0], TUNES[name])


def test_the_figures_never_cross_the_voices_or_leave_their_ranges(
    harmonized: dict[str, np.ndarray],
) -> None:
    for arrangement in harmonized.values():
        lines = highest_pitches(arrangement)
        for upper, lower in ((0, 1), (1, 2), (2, 3)):
            both = (lines[upper] >= 0) & (lines[lower] >= 0)
            assert (lines[upper][both] >= lines[lower][both]).all()
        for voice in (1, 2, 3):
            low, high = SATB_RANGES[voice]
            sounding = lines[voice][lines[voice] >= 0]
            assert low <= sounding.min()
            assert sounding.max() <= high


def test_the_layer_can_be_turned_off_and_then_the_inner_voices_hold_their_beats() -> None:
    plain = ChoraleHMM(ornament=False).harmonize(OLD_HUNDREDTH)
    for voice in (1, 2):
        assert (note_lengths(highest_pitches(plain[voice])) % STEPS_PER_QUARTER == 0).all()
    assert ChoraleHMM(ornament=False).ornaments is None


def test_a_seeded_take_of_a_passage_reproduces_and_keeps_the_own_ornaments_outside() -> None:
    model = ChoraleHMM()
    own = model.harmonize(OLD_HUNDREDTH)
    mask = np.zeros(own.shape[:2], dtype=bool)
    mask[1:, 16:32] = True
    first = model.infill(own, mask, seed=3)
    np.testing.assert_array_equal(first, model.infill(own, mask, seed=3))
    np.testing.assert_array_equal(first[:, ~mask.any(axis=0)], own[:, ~mask.any(axis=0)])
    np.testing.assert_array_equal(model.infill(own, mask), own)


@pytest.mark.parametrize(
    ("a", "x", "b", "figure"),
    [
        (48, 48, 52, "held"),
        (48, 50, 52, "passing"),
        (52, 50, 48, "passing"),
        (60, 62, 60, "upper neighbour"),
        (60, 59, 60, "lower neighbour"),
        (60, 62, 62, "anticipation"),
        (60, 62, 67, "step towards"),
        (60, 59, 67, "step away"),
        (48, 55, 53, "skip to a step"),
        (43, 55, 43, "octave"),
        (48, 55, 60, "leap"),
    ],
)
def test_each_beat_is_read_as_one_figure(a: int, x: int, b: int, figure: str) -> None:
    assert FIGURES[figure_of(a, x, b)] == figure


def test_the_figures_are_counted_by_voice_soprano_motion_and_interval() -> None:
    piece = chorale([(72, 67, 64, 48), (72, 67, 64, 52), (72, 67, 64, 52)], tonic=0, mode="major")
    piece.roll[3, 2:4] = False
    piece.roll[3, 2:4, 50] = True  # the bass passes C-D-E
    counts = count_figures([piece])
    assert counts[2, 0, interval_index(4), FIGURES.index("passing")] == 1
    assert counts[2, 0, interval_index(0), HELD] == 1
    assert counts[0, 0, interval_index(0), HELD] == 2
    assert counts.sum() == 6
    tables = learn_ornaments([piece])
    np.testing.assert_allclose(tables.figures.sum(axis=-1), 1.0)


def test_the_shipped_figures_are_bach_s_most_common_ones() -> None:
    """In the training chorales a bass a third from its next note passes through the note
    between more often than not; a bass that stays mostly holds."""
    figures = shipped_ornaments().figures
    for interval in (3, 4, -3, -4):
        row = figures[2, 0, interval_index(interval)]
        assert row.argmax() == FIGURES.index("passing")
    assert figures[2, 0, interval_index(0)].argmax() == HELD


voice_pitches = st.tuples(
    st.integers(*SATB_RANGES[1]), st.integers(*SATB_RANGES[2]), st.integers(*SATB_RANGES[3])
)


@settings(max_examples=60, deadline=None)
@given(st.lists(voice_pitches, min_size=2, max_size=8), st.integers(0, 11))
def test_every_ornament_is_a_figure_of_its_beat_and_adds_no_fault(
    beats: list[tuple[int, int, int]], tonic: int
) -> None:
    """On any lines (one note per voice a beat, under a soprano a tone above the highest), an
    ornament only ever changes a beat's second eighth, to a note in the voice's range strictly
    between the voices around it, of a figure other than held, a step from the beat's note or
    the next one or a note sounding on the beat; and the faults do not rise."""
    lines = np.repeat(np.array(beats, dtype=np.int64).T, STEPS_PER_QUARTER, axis=1)
    soprano = np.full(lines.shape[1], max(SATB_RANGES[0][0], int(lines.max()) + 2))
    result = ornament(lines, soprano, shipped_ornaments(), tonic, "major")
    for voice in range(3):
        for beat in range(len(beats)):
            start = beat * STEPS_PER_QUARTER
            span = result[voice, start : start + STEPS_PER_QUARTER]
            np.testing.assert_array_equal(span[:2], lines[voice, start : start + 2])
            if (span == lines[voice, start]).all():
                continue
            assert beat < len(beats) - 1
            assert span[2] == span[3]
            a, x, b = int(span[0]), int(span[2]), int(lines[voice, start + STEPS_PER_QUARTER])
            assert figure_of(a, x, b) != HELD
            low, high = SATB_RANGES[voice + 1]
            assert low <= x <= high
            assert (result[voice - 1, start + 2] if voice else soprano[start]) > x
            assert voice == 2 or result[voice + 1, start + 2] < x
            chord = set((np.r_[soprano[start], lines[:, start]] % 12).tolist())
            assert min(abs(x - a), abs(x - b)) <= 2 or x % 12 in chord

    def faults(voices: np.ndarray) -> int:
        roll = np.zeros((4, voices.shape[1], 128), dtype=bool)
        everything = np.vstack([soprano, voices])
        for voice, line in enumerate(everything):
            roll[voice, np.arange(len(line)), line] = True
        return sum(count(roll, tonic) for count in FAULTS.values())

    assert faults(result) <= faults(lines)
