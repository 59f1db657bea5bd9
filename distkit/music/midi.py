"""Piano rolls in and out of MIDI files, so that music models never touch MIDI themselves.

Time is read on the file's own beat grid (ticks), so a quarter note is exactly
`STEPS_PER_QUARTER` steps whatever the tempo and however often it changes. Drum tracks are
ignored: they have no pitches to harmonize. Reading is bounded: only a regular file of at most
`MAX_MIDI_BYTES` is read, and a melody over `MAX_STEPS` steps is refused before its roll exists.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distkit.errors import MidiError, UsageError
from distkit.files.reading import read_regular
from distkit.music import smf
from distkit.music.base import STEPS_PER_QUARTER, VOICES, highest_pitches
from distkit.music.limits import MAX_MIDI_BYTES, MAX_TRACKS, check_steps, check_tempo
from distkit.music.notes import Note, notes_of, track_of
from distkit.music.time_signatures import TimeSignature

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

DEFAULT_TEMPO = 100.0
CHOIR_AAHS = 52  # General MIDI program 53, counted from 0
VELOCITY = 80


class PolyphonyWarning(UserWarning):
    """A melody file had chords; only the highest note of each step was kept."""


@dataclass(frozen=True, eq=False)
class Melody:
    """A melody read from a MIDI file, and which of the file's tracks it came from.

    Tracks are counted from 1 among those with pitched notes (a conductor track or a drum track
    does not count); a track that plays on several channels counts once per channel.
    """

    source: str
    roll: NDArray[np.bool_]
    tempo: float
    track: int
    tracks: int
    track_name: str = ""
    chord_steps: int = 0
    first_pattern_only: bool = False
    time_signature: TimeSignature | None = None
    """The metre the file's time signatures give, if they give one distkit can count."""

    @property
    def steps(self) -> int:
        return int(self.roll.shape[0])

    def pattern_remark(self) -> str | None:
        """The sentence that says only a format-2 file's first pattern was read, if so."""
        if not self.first_pattern_only:
            return None
        return (
            f"{self.source} is a format-2 MIDI file of independent patterns; "
            "only its first pattern is read"
        )

    def track_remark(self) -> str | None:
        """The sentence that says which track is the melody, when there was a choice."""
        if self.tracks < 2:
            return None
        name = f" ({self.track_name})" if self.track_name else ""
        return f"{self.source}: the melody is track {self.track}{name} of {self.tracks} with notes"

    def chord_warning(self) -> str | None:
        """The sentence that says chords were cut to their highest note, if there were any."""
        if not self.chord_steps:
            return None
        return (
            f"{self.source} has chords at {self.chord_steps} of {self.steps} steps; "
            "kept the highest note of each"
        )


def load_melody(path: str | os.PathLike[str], *, track: int | None = None) -> Melody:
    """The melody of a MIDI file: its first track with pitched notes, or track number `track`.

    Where notes sound together the highest one is kept. A MidiError (one line, naming the file)
    for a file that is not a regular file of at most `MAX_MIDI_BYTES`, not MIDI, without notes,
    or longer than `MAX_STEPS`; the length is checked before any piano roll is made.
    """
    import numpy as np

    shown = os.fspath(path)
    midi = _load(path)
    parts = _pitched_parts(midi, shown)
    number = 1 if track is None else track
    if not 1 <= number <= len(parts):
        raise MidiError(f"{shown} has {len(parts)} tracks with notes; there is no track {number}")
    part = parts[number - 1]
    notes = [_step_note(note, midi.ticks_per_quarter) for note in part.notes]
    steps = max(note.end for note in notes)
    _check_steps(steps, shown)
    chords = track_of(notes, steps)
    highest = highest_pitches(chords)
    roll = np.zeros_like(chords)
    sounding = np.flatnonzero(highest >= 0)
    roll[sounding, highest[sounding]] = True
    return Melody(
        source=shown,
        roll=roll,
        tempo=midi.tempo,
        track=number,
        tracks=len(parts),
        track_name=part.name,
        chord_steps=int((chords.sum(axis=1) > 1).sum()),
        first_pattern_only=midi.format == 2 and midi.track_chunks > 1,
        time_signature=_time_signature(midi),
    )


def read_melody(path: str | os.PathLike[str], *, track: int | None = None) -> NDArray[np.bool_]:
    """The melody of a MIDI file as a (steps, 128) bool roll (see `load_melody`), with a
    `PolyphonyWarning` where it had chords."""
    melody = load_melody(path, track=track)
    message = melody.chord_warning()
    if message:
        warnings.warn(message, PolyphonyWarning, stacklevel=2)
    return melody.roll


def read_arrangement(path: str | os.PathLike[str]) -> NDArray[np.bool_]:
    """Each track with pitched notes, in file order, as a (tracks, steps, 128) bool roll; a
    MidiError for over `MAX_TRACKS` tracks or `MAX_STEPS` steps, before the roll is made."""
    import numpy as np

    shown = os.fspath(path)
    midi = _load(path)
    parts = _pitched_parts(midi, shown)
    if len(parts) > MAX_TRACKS:
        raise MidiError(
            f"{shown} has {len(parts)} tracks with notes; an arrangement has at most {MAX_TRACKS}"
        )
    tracks = [[_step_note(note, midi.ticks_per_quarter) for note in part.notes] for part in parts]
    steps = max(note.end for notes in tracks for note in notes)
    _check_steps(steps, shown)
    return np.stack([track_of(notes, steps) for notes in tracks])


def read_tempo(path: str | os.PathLike[str]) -> float:
    """The tempo a MIDI file starts at, in quarter notes per minute."""
    return _load(path).tempo


def read_time_signature(path: str | os.PathLike[str]) -> TimeSignature | None:
    """The metre a MIDI file's time signatures give (see `distkit.music.time_signatures`)."""
    return _time_signature(_load(path))


def _time_signature(midi: smf.MidiFile) -> TimeSignature | None:
    from distkit.music import time_signatures

    return time_signatures.read(midi.time_signatures, midi.ticks_per_quarter)


def write_arrangement(
    arrangement: NDArray[Any],
    path: str | os.PathLike[str],
    *,
    tempo: float = DEFAULT_TEMPO,
    programs: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
    time_signature: TimeSignature | None = None,
) -> None:
    """Write a (tracks, steps, 128) roll as a MIDI file, one instrument per voice: General MIDI
    program `programs[i]` (0-127) for track i, choir aahs where none is given; with its
    `time_signature` (none written without one: 4/4 to MIDI readers).

    Track i is named `names[i]` (a model's voices), else Soprano, Alto, Tenor, Bass (then
    Track 5, ...); each run of True cells of
    one pitch becomes one note. A tempo outside `TEMPO_RANGE` is a UsageError.
    """
    import numpy as np
    import pretty_midi

    roll = np.asarray(arrangement).astype(bool)
    if roll.ndim != 3 or roll.shape[2] != 128:
        raise ValueError(f"an arrangement is a (tracks, steps, 128) roll, got shape {roll.shape}")
    check_tempo(tempo)
    chosen = list(programs or [])
    if any(not 0 <= program <= 127 for program in chosen):
        raise ValueError(f"General MIDI programs are 0-127, got {chosen}")
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    step_seconds = 60.0 / tempo / STEPS_PER_QUARTER
    if time_signature is not None:
        from distkit.music import time_signatures

        midi.time_signature_changes = time_signatures.changes(time_signature, step_seconds)
    for index, track in enumerate(roll):
        name = VOICES[index].title() if index < len(VOICES) else f"Track {index + 1}"
        if names is not None and index < len(names) and names[index]:
            name = names[index]
        program = chosen[index] if index < len(chosen) else CHOIR_AAHS
        instrument = pretty_midi.Instrument(program=program, name=name)
        instrument.notes = [
            pretty_midi.Note(VELOCITY, pitch, start * step_seconds, end * step_seconds)
            for pitch, start, end in notes_of(track)
        ]
        midi.instruments.append(instrument)
    midi.write(os.fspath(path))


def _load(path: str | os.PathLike[str]) -> smf.MidiFile:
    shown = os.fspath(path)
    if not os.path.lexists(path):
        raise MidiError(f"{shown} does not exist")
    try:
        data = read_regular(path, max_bytes=MAX_MIDI_BYTES, what="MIDI file")
    except UsageError as error:
        raise MidiError(str(error)) from None
    try:
        return smf.parse(data)
    except MidiError as error:
        raise MidiError(f"{shown} {error}") from None


def _pitched_parts(midi: smf.MidiFile, shown: str) -> list[smf.Part]:
    """The parts with pitched notes; a MidiError when there are none."""
    if midi.parts:
        return midi.parts
    if midi.drum_notes:
        raise MidiError(f"{shown} has only drum notes; a melody needs pitched notes")
    raise MidiError(f"{shown} has no notes")


def _check_steps(steps: int, shown: str) -> None:
    try:
        check_steps(steps, shown)
    except UsageError as error:
        raise MidiError(str(error)) from None


def _step_note(note: smf.TickNote, ticks_per_quarter: int) -> Note:
    """A note on the step grid (ticks rounded to the nearest step); one shorter than a step
    still lasts one step."""
    start = _step(note.start, ticks_per_quarter)
    return Note(note.pitch, start, max(_step(note.end, ticks_per_quarter), start + 1))


def _step(tick: int, ticks_per_quarter: int) -> int:
    return (2 * tick * STEPS_PER_QUARTER + ticks_per_quarter) // (2 * ticks_per_quarter)
