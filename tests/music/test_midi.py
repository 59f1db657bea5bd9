"""Specification of distkit.music.midi: piano rolls in and out of MIDI files."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pretty_midi
import pytest

from distkit.errors import MidiError, UsageError
from distkit.music.midi import (
    PolyphonyWarning,
    read_arrangement,
    read_melody,
    read_tempo,
    write_arrangement,
)

Q = 480  # ticks per quarter note in the files the tests write


def random_arrangement(steps: int, seed: int = 1) -> np.ndarray:
    arrangement = np.random.default_rng(seed).random((4, steps, 128)) < 0.03
    arrangement[:, -1, 60] = True
    return arrangement


@pytest.mark.parametrize("tempo", [100.0, 73.0, 187.5])
def test_an_arrangement_survives_a_round_trip_through_midi(tmp_path: Path, tempo: float) -> None:
    arrangement = random_arrangement(200)
    write_arrangement(arrangement, tmp_path / "out.mid", tempo=tempo)
    assert np.array_equal(read_arrangement(tmp_path / "out.mid"), arrangement)


def test_each_run_of_one_pitch_is_written_as_one_note(tmp_path: Path) -> None:
    arrangement = np.zeros((4, 16, 128), dtype=bool)
    arrangement[0, 0:8, 72] = True
    arrangement[0, 8:16, 74] = True
    write_arrangement(arrangement, tmp_path / "out.mid", tempo=120)
    soprano = pretty_midi.PrettyMIDI(str(tmp_path / "out.mid")).instruments[0]
    assert [(n.pitch, n.start, n.end) for n in soprano.notes] == [(72, 0.0, 1.0), (74, 1.0, 2.0)]


def test_the_tracks_are_named_for_the_voices_with_a_choir_sound(tmp_path: Path) -> None:
    write_arrangement(random_arrangement(32), tmp_path / "out.mid")
    instruments = pretty_midi.PrettyMIDI(str(tmp_path / "out.mid")).instruments
    assert [i.name for i in instruments] == ["Soprano", "Alto", "Tenor", "Bass"]
    assert {pretty_midi.program_to_instrument_name(i.program) for i in instruments} == {
        "Choir Aahs"
    }


def test_the_written_file_starts_at_the_given_tempo(tmp_path: Path) -> None:
    write_arrangement(random_arrangement(32), tmp_path / "out.mid", tempo=84)
    assert read_tempo(tmp_path / "out.mid") == pytest.approx(84, abs=0.01)


def test_a_quarter_note_is_four_steps_whatever_the_tempo(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    notes = [(60 + i, i * Q, (i + 1) * Q) for i in range(6)]
    path = make_midi(tmp_path / "rubato.mid", [notes], tempi=((0, 60), (2 * Q, 150), (4 * Q, 95)))
    melody = read_melody(path)
    assert melody.shape == (24, 128)
    assert [int(np.argmax(melody[step])) for step in range(0, 24, 4)] == list(range(60, 66))
    assert (melody.sum(axis=1) == 1).all()


def test_a_repeated_note_keeps_its_attack(tmp_path: Path, make_midi: Callable[..., Path]) -> None:
    path = make_midi(tmp_path / "repeat.mid", [[(67, 0, Q), (67, Q, 2 * Q)]])
    assert read_melody(path)[:, 67].tolist() == [True] * 3 + [False] + [True] * 4


def test_a_chord_reads_as_its_highest_note_with_a_warning(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    chords = [[(60, 0, 2 * Q), (64, 0, Q), (67, 0, Q)]]
    path = make_midi(tmp_path / "chords.mid", chords)
    with pytest.warns(PolyphonyWarning, match="chords at 4 of 8 steps"):
        melody = read_melody(path)
    assert [int(np.argmax(step)) for step in melody] == [67] * 4 + [60] * 4


def test_a_single_line_reads_without_a_warning(melody_file: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        melody = read_melody(melody_file)
    assert melody.shape == (32, 128)


def test_drum_tracks_are_ignored(tmp_path: Path, make_midi: Callable[..., Path]) -> None:
    tune = [(72, 0, Q), (74, Q, 2 * Q)]
    kit = [(36, 0, Q), (38, 0, Q), (42, Q, 2 * Q)]
    path = make_midi(tmp_path / "band.mid", [tune, kit], drums=(1,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        melody = read_melody(path)
    assert np.flatnonzero(melody.any(axis=0)).tolist() == [72, 74]
    assert read_arrangement(path).shape == (1, 8, 128)


def test_a_file_that_gives_no_melody_is_a_midi_error(bad_midi: tuple[Path, str]) -> None:
    path, message = bad_midi
    with pytest.raises(MidiError, match=message) as caught:
        read_melody(path)
    assert isinstance(caught.value, UsageError)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


def test_a_roll_that_is_not_an_arrangement_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\(tracks, steps, 128\)"):
        write_arrangement(np.zeros((16, 128), dtype=bool), tmp_path / "out.mid")
