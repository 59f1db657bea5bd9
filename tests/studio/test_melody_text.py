"""The melody text parser shared by `compose --notes` and the studio's text box."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distkit.errors import MelodyTextError
from distkit.music.melody_text import (
    melody_from_text,
    note_name,
    notes_to_text,
    parse_melody_text,
    text_notes,
)
from distkit.music.notes import Note, notes_of


@pytest.mark.parametrize(
    ("token", "pitch"),
    [
        ("C4", 60),
        ("c4", 60),
        ("A4", 69),
        ("F#3", 54),
        ("Bb5", 82),
        ("C##4", 62),
        ("Cb4", 59),
        ("C-1", 0),
        ("G9", 127),
        ("B#3", 60),
    ],
)
def test_a_note_name_with_octave_is_its_midi_pitch(token: str, pitch: int) -> None:
    assert parse_melody_text(token)[0].pitch == pitch


@pytest.mark.parametrize(
    ("suffix", "steps"), [("", 4), (":2", 8), (":0.5", 2), (":1/2", 2), (":0.25", 1), (":3", 12)]
)
def test_a_length_is_in_beats_of_four_steps(suffix: str, steps: int) -> None:
    assert parse_melody_text(f"E5{suffix}")[0].steps == steps


def test_rests_leave_gaps_and_count_in_the_length() -> None:
    assert text_notes("G4 r D5:2 r:0.5") == [Note(67, 0, 4), Note(74, 8, 16)]
    assert melody_from_text("G4 r D5:2 r:0.5").shape == (18, 128)


def test_repeated_notes_keep_their_attacks_in_the_roll() -> None:
    assert notes_of(melody_from_text("G4 G4")) == [Note(67, 0, 3), Note(67, 4, 8)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("G4 G4 H4", "note 3 'H4': expected a note name with octave"),
        ("G4 G", "note 2 'G': expected a note name with octave"),
        ("C4:0", "note 1 'C4:0': the length must be more than 0 beats"),
        ("C4 C4:-1", "note 2 'C4:-1': the length '-1' is not a number of beats"),
        ("C4:1/0", "note 1 'C4:1/0': the length '1/0' is not a number of beats"),
        ("C4:1e999999999", "note 1 'C4:1e999999999': the length '1e999999999' is not"),
        ("C4:0.3", "note 1 'C4:0.3': the length must be a multiple of 1/4 beat"),
        ("G9 G#9", "note 2 'G#9': the pitch is outside MIDI's range"),
        ("C" + "1" * 5000, "note 1 'C1111"),
        ("C-" + "9" * 5000, "note 1 'C-999"),
        ("C4:2000", "note 1 'C4:2000': the length is over 1024 beats"),
        ("r:1000000", "note 1 'r:1000000': the length is over 1024 beats"),
        ("G4:" + "9" * 30, "note 1 'G4:999"),
        ("r r:2", "the melody text has only rests"),
        ("  ", "the melody text has no notes"),
        (" ".join(["C4:4"] * 257), "the melody text is longer than 1024 beats"),
    ],
)
def test_a_bad_melody_text_is_one_line_naming_the_token(text: str, message: str) -> None:
    with pytest.raises(MelodyTextError) as raised:
        parse_melody_text(text)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_a_melody_text_error(text: str) -> None:
    try:
        notes = parse_melody_text(text)
    except MelodyTextError:
        return
    assert notes
    assert all(note.steps > 0 for note in notes)


melodies = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 127)), st.integers(1, 12)), min_size=1
).filter(lambda items: any(pitch is not None for pitch, _ in items))


@given(melodies)
def test_notes_written_as_text_parse_back_to_the_same_notes(
    items: list[tuple[int | None, int]],
) -> None:
    notes, start = [], 0
    for pitch, steps in items:
        if pitch is not None:
            notes.append(Note(pitch, start, start + steps))
        start += steps
    assert text_notes(notes_to_text(notes)) == notes


def test_note_names_use_sharps() -> None:
    assert [note_name(p) for p in (60, 61, 70, 0, 127)] == ["C4", "C#4", "A#4", "C-1", "G9"]
