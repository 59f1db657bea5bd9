"""Specification of distkit.music.midi: piano rolls in and out of MIDI files."""

from __future__ import annotations

import os
import struct
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import mido
import numpy as np
import pretty_midi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from distkit.errors import MidiError, UsageError
from distkit.music.limits import MAX_MIDI_BYTES, MAX_STEPS, MAX_TRACKS
from distkit.music.midi import (
    PolyphonyWarning,
    load_melody,
    read_arrangement,
    read_melody,
    read_tempo,
    write_arrangement,
)
from distkit.music.smf import parse as parse_smf

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


def test_the_melody_is_the_first_track_with_notes_and_its_rests_stay_rests(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    soprano, alto = [(72, 0, Q), (74, 2 * Q, 3 * Q)], [(60, 0, 3 * Q)]
    path = make_midi(tmp_path / "satb.mid", [soprano, alto])
    melody = load_melody(path)
    assert (melody.track, melody.tracks, melody.steps) == (1, 2, 12)
    assert melody.roll.any(axis=1).tolist() == [True] * 4 + [False] * 4 + [True] * 4
    assert melody.track_remark() == f"{path}: the melody is track 1 of 2 with notes"


def test_track_n_reads_the_nth_track_with_notes(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(tmp_path / "satb.mid", [[(72, 0, Q)], [], [(60, 0, 3 * Q)]])
    melody = load_melody(path, track=2)
    assert np.flatnonzero(melody.roll.any(axis=0)).tolist() == [60]
    assert (melody.track, melody.tracks) == (2, 2)


def test_a_track_number_past_the_last_is_a_midi_error(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(tmp_path / "two.mid", [[(72, 0, Q)], [(60, 0, Q)]])
    with pytest.raises(MidiError, match=r"two.mid has 2 tracks with notes; there is no track 3$"):
        load_melody(path, track=3)


def test_a_single_track_file_says_nothing_about_tracks(melody_file: Path) -> None:
    melody = load_melody(melody_file)
    assert (melody.track_remark(), melody.pattern_remark(), melody.chord_warning()) == (None,) * 3


def test_a_format_2_file_gives_its_first_pattern_and_says_so(tmp_path: Path) -> None:
    midi = mido.MidiFile(type=2, ticks_per_beat=Q)
    for pitch in (67, 48):
        midi.tracks.append(
            mido.MidiTrack(
                [
                    mido.Message("note_on", note=pitch, velocity=80),
                    mido.Message("note_off", note=pitch, time=Q),
                ]
            )
        )
    midi.save(tmp_path / "patterns.mid")
    melody = load_melody(tmp_path / "patterns.mid")
    assert np.flatnonzero(melody.roll.any(axis=0)).tolist() == [67]
    assert melody.pattern_remark() == (
        f"{tmp_path / 'patterns.mid'} is a format-2 MIDI file of independent patterns; "
        "only its first pattern is read"
    )


def test_a_melody_of_the_longest_length_is_read(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(
        tmp_path / "long.mid", [[(60, 0, Q), (62, MAX_STEPS * Q // 4 - Q, MAX_STEPS * Q // 4)]]
    )
    assert load_melody(path).steps == MAX_STEPS


def test_a_longer_melody_is_refused_naming_the_limit_before_its_roll_is_made(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    end = (MAX_STEPS + 1) * Q // 4
    path = make_midi(tmp_path / "long.mid", [[(60, 0, Q), (62, end - Q // 4, end)]])
    tracemalloc.start()
    try:
        with pytest.raises(
            MidiError, match=r"lasts 4,097 bars; a melody may be at most 4,096 bars"
        ):
            load_melody(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MAX_STEPS * 128 // 2  # half of one (steps, 128) roll: none was made


@pytest.mark.parametrize("kind", ["fifo", "device", "oversized"])
def test_only_a_regular_file_of_bounded_size_is_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "melody.mid"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    else:
        with open(path, "wb") as file:
            file.truncate(MAX_MIDI_BYTES + 1)
    reason = "may be at most 2 MiB" if kind == "oversized" else "is not a regular file"
    with pytest.raises(MidiError, match=reason):
        load_melody(path)


def smf(*tracks: bytes, division: int = Q) -> bytes:
    """A format-1 Standard MIDI File made of these raw track bodies."""
    header = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), division)
    return header + b"".join(b"MTrk" + struct.pack(">I", len(t)) + t for t in tracks)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (smf(b"\xff\xff\xff\xff\x7f\x90\x3c\x40"), "time or length value longer than four bytes"),
        (smf(b"\x00\x90\x3c\x40", division=0x8000 | 25 << 8 | 40), "counts time in SMPTE frames"),
        (smf(b"\x00\x90\x3c\xc0"), "data byte above 127"),
        (smf(b"\x00\x3c\x40"), "data byte where an event should start"),
        (smf(b"\x00\x90\x3c"), "cut short in the middle of an event"),
        (smf(b"\x00\xff\x51\x03\x00\x00\x00"), "tempo of 0 microseconds"),
        (smf(b"\x00\x90\x3c\x40")[:-2], "runs past the end"),
    ],
)
def test_a_malformed_file_is_one_line_saying_what_is_wrong(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "bad.mid"
    path.write_bytes(data)
    with pytest.raises(MidiError, match=reason) as caught:
        load_melody(path)
    assert str(caught.value).startswith(f"{path} ")
    assert "\n" not in str(caught.value)


def test_the_tempo_is_the_first_tracks_at_the_start(
    tmp_path: Path, make_midi: Callable[..., Path]
) -> None:
    path = make_midi(tmp_path / "t.mid", [[(60, 0, Q)]], tempi=((0, 90.0), (Q, 150.0)))
    assert read_tempo(path) == pytest.approx(90.0)
    assert load_melody(path).tempo == pytest.approx(90.0)


NOTES = st.lists(
    st.tuples(st.integers(21, 108), st.integers(0, 40), st.integers(1, 12)), max_size=12
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tracks=st.lists(NOTES, min_size=1, max_size=3),
    ticks=st.sampled_from([1, 3, 96, 480, 1000]),
)
def test_notes_are_read_as_pretty_midi_reads_them(
    tmp_path: Path,
    make_midi: Callable[..., Path],
    tracks: list[list[tuple[int, int, int]]],
    ticks: int,
) -> None:
    """Overlaps, repeats and zero-length notes included; pretty_midi is the reference."""
    written = [[(p, s * ticks // 4, (s + d) * ticks // 4) for p, s, d in notes] for notes in tracks]
    path = make_midi(tmp_path / "any.mid", written, ticks_per_beat=ticks)
    reference = pretty_midi.PrettyMIDI(str(path))
    expected = sorted(
        (n.pitch, reference.time_to_tick(n.start), reference.time_to_tick(n.end))
        for instrument in reference.instruments
        for n in instrument.notes
    )
    parsed = parse_smf(path.read_bytes())
    assert (
        sorted((n.pitch, n.start, n.end) for part in parsed.parts for n in part.notes) == expected
    )
    assert len(parsed.parts) == len(reference.instruments)


def test_an_arrangement_of_too_many_tracks_is_refused(tmp_path: Path) -> None:
    midi = mido.MidiFile(type=1, ticks_per_beat=Q)
    for pitch in range(60, 60 + MAX_TRACKS + 1):
        on, off = mido.Message("note_on", note=pitch), mido.Message("note_off", note=pitch, time=Q)
        midi.tracks.append(mido.MidiTrack([on, off]))
    midi.save(tmp_path / "crowd.mid")
    with pytest.raises(MidiError, match=r"has 17 tracks with notes; an arrangement has at most 16"):
        read_arrangement(tmp_path / "crowd.mid")
    assert load_melody(tmp_path / "crowd.mid").tracks == MAX_TRACKS + 1
