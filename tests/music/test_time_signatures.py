"""A melody's metre travels through MIDI: read from its time signatures (a pickup as notation
programs write one), used to continue it and to count the bars of a passage, and written into
what `compose` writes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from distkit.cli import cli
from distkit.music import smf
from distkit.music.midi import read_arrangement, read_time_signature, write_arrangement
from distkit.music.time_signatures import UNITS, TimeSignature, read

WALTZ = "G4 C5:2 E5 G5:2 E5 D5:2 C5 D5 E5 F5"  # a one-beat pickup, then four bars of 3/4


def _melody_file(path: Path, signatures: list[tuple[int, int, float]], beats: int = 13) -> None:
    """A one-track melody of `beats` quarter notes at 60 bpm (a quarter lasts a second) with
    the time signatures (numerator, denominator, seconds)."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    piano = pretty_midi.Instrument(program=0)
    piano.notes = [pretty_midi.Note(80, 60 + i % 12, i, i + 1) for i in range(beats)]
    midi.instruments.append(piano)
    midi.time_signature_changes = [pretty_midi.TimeSignature(n, d, t) for n, d, t in signatures]
    midi.write(str(path))


def test_a_files_time_signature_and_pickup_are_read(tmp_path: Path) -> None:
    plain, pickup, late = tmp_path / "plain.mid", tmp_path / "pickup.mid", tmp_path / "late.mid"
    _melody_file(plain, [(6, 8, 0)])
    _melody_file(pickup, [(1, 4, 0), (3, 4, 1)])
    _melody_file(late, [(4, 4, 0), (3, 4, 2)])
    assert read_time_signature(plain) == TimeSignature(6, 8)
    assert read_time_signature(pickup) == TimeSignature(3, 4, pickup=4)
    assert read_time_signature(late) == TimeSignature(4, 4)  # a change later on: the first


def test_none_or_an_uncountable_one_gives_none(tmp_path: Path) -> None:
    import mido

    none, off_grid = tmp_path / "none.mid", tmp_path / "thirty-second.mid"
    track = mido.MidiTrack(
        [mido.Message("note_on", note=60, velocity=80), mido.Message("note_off", note=60, time=480)]
    )
    mido.MidiFile(tracks=[track]).save(none)  # pretty_midi would write 4/4 into it
    _melody_file(off_grid, [(7, 32, 0)])
    assert read_time_signature(none) is None
    assert read_time_signature(off_grid) is None


@settings(max_examples=60, deadline=None)
@given(unit=st.sampled_from(UNITS), beats=st.integers(1, 16), pickup=st.integers(0, 63))
def test_what_is_written_is_read_back(unit: int, beats: int, pickup: int) -> None:
    signature = TimeSignature(beats, unit, pickup)
    assume(signature.bar_steps <= 64 and pickup < signature.bar_steps)
    roll = np.zeros((1, 96, 128), dtype=bool)
    roll[0, :, 60] = True
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.mid"
        write_arrangement(roll, path, tempo=97, time_signature=signature)
        assert read_time_signature(path) == signature


def test_the_reader_takes_the_first_signature_at_a_tick() -> None:
    events = (smf.TimeSignatureEvent(0, 2, 4), smf.TimeSignatureEvent(960, 2, 2))
    assert read(events, 480) == TimeSignature(2, 2, pickup=8)  # a bar of 2/4, then 2/2
    assert read(events[1:], 480) is None


@pytest.fixture(autouse=True)
def _inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_melody_in_three_four_with_a_pickup_is_continued_in_it() -> None:
    _melody_file(Path("waltz.mid"), [(1, 4, 0), (3, 4, 1)])  # 13 quarters: 1 + 4 bars of 3
    result = CliRunner().invoke(
        cli,
        ["compose", "waltz.mid", "--continue", "2", "--continue-only", "-o", "longer.mid"],
    )
    assert result.exit_code == 0, result.output
    assert "(in 3/4, 1-beat pickup)" in result.output
    (melody,) = read_arrangement("longer.mid")
    assert melody.shape[0] == 4 + 6 * 12  # the pickup, four bars given, two more
    assert read_time_signature("longer.mid") == TimeSignature(3, 4, pickup=4)


def test_the_metre_said_wins_over_the_files() -> None:
    _melody_file(Path("tune.mid"), [(3, 4, 0)], beats=12)
    result = CliRunner().invoke(
        cli,
        [
            "compose",
            "tune.mid",
            "--continue",
            "1",
            "--metre",
            "6/8",
            "--continue-only",
            "-o",
            "j.mid",
        ],
    )
    assert result.exit_code == 0, result.output
    assert read_time_signature("j.mid") == TimeSignature(6, 8)
    (melody,) = read_arrangement("j.mid")
    assert melody.shape[0] == 4 * 12 + 12


def test_a_harmonization_keeps_the_melodys_time_signature() -> None:
    _melody_file(Path("tune.mid"), [(3, 4, 0)], beats=12)
    result = CliRunner().invoke(
        cli, ["compose", "tune.mid", "--model", "chorale-hmm", "-o", "four.mid"]
    )
    assert result.exit_code == 0, result.output
    assert read_time_signature("four.mid") == TimeSignature(3, 4)
    assert read_arrangement("four.mid").shape[0] == 4


def test_a_melody_without_one_is_written_in_four_four_as_midi_assumes() -> None:
    import mido

    track = mido.MidiTrack()
    for step in range(8):
        track += [mido.Message("note_on", note=60 + step, velocity=80, time=0)]
        track += [mido.Message("note_off", note=60 + step, time=480)]
    mido.MidiFile(tracks=[track]).save("tune.mid")
    result = CliRunner().invoke(
        cli, ["compose", "tune.mid", "--model", "chorale-hmm", "-o", "four.mid"]
    )
    assert result.exit_code == 0, result.output
    assert read_time_signature("four.mid") == TimeSignature(4, 4)


def test_regenerate_counts_the_bars_of_the_files_metre() -> None:
    _melody_file(Path("tune.mid"), [(3, 4, 0)], beats=24)
    done = CliRunner().invoke(
        cli, ["compose", "tune.mid", "--model", "chorale-hmm", "--seed", "0", "-o", "four.mid"]
    )
    assert done.exit_code == 0, done.output
    before = read_arrangement("four.mid")
    result = CliRunner().invoke(
        cli,
        [
            "compose",
            "four.mid",
            "--regenerate",
            "3-4",
            "--model",
            "chorale-hmm",
            "--seed",
            "5",
            "-o",
            "again.mid",
        ],
    )
    assert result.exit_code == 0, result.output
    after = read_arrangement("again.mid")
    changed = np.flatnonzero((before != after).any(axis=(0, 2)))
    assert changed.size > 0
    assert changed.min() >= 2 * 12  # bars 3-4 of 3/4: steps 24-47
    assert changed.max() < 4 * 12
    assert read_time_signature("again.mid") == TimeSignature(3, 4)
    too_far = CliRunner().invoke(cli, ["compose", "four.mid", "--regenerate", "9", "-o", "x.mid"])
    assert too_far.exit_code == 2
    assert "bars 1-8" in too_far.output


def test_continuing_a_three_four_file_in_a_real_process(tmp_path: Path) -> None:
    _melody_file(Path("waltz.mid"), [(1, 4, 0), (3, 4, 1)])
    env = {**os.environ, "DISTKIT_LOAD_PLUGINS": ""}
    command = [sys.executable, "-m", "distkit", "compose", "waltz.mid", "--continue", "2"]
    command += ["--continue-only", "-o", "longer.mid"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "(in 3/4, 1-beat pickup)" in done.stdout
    assert read_time_signature("longer.mid") == TimeSignature(3, 4, pickup=4)
