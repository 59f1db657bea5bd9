"""Piano rolls in and out of MIDI files, so that music models never touch MIDI themselves.

Time is read on the file's own beat grid (ticks), so a quarter note is exactly
`STEPS_PER_QUARTER` steps whatever the tempo and however often it changes. Drum tracks are
ignored: they have no pitches to harmonize.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any

from distkit.errors import MidiError
from distkit.music.base import STEPS_PER_QUARTER, VOICES, highest_pitches
from distkit.music.notes import Note, notes_of, track_of

if TYPE_CHECKING:
    import numpy as np
    import pretty_midi
    from numpy.typing import NDArray

DEFAULT_TEMPO = 100.0
CHOIR_AAHS = 52  # General MIDI program 53, counted from 0
VELOCITY = 80


class PolyphonyWarning(UserWarning):
    """A melody file had chords; only the highest note of each step was kept."""


def read_melody(path: str | os.PathLike[str]) -> NDArray[np.bool_]:
    """The melody in a MIDI file as a (steps, 128) bool roll.

    Every pitched track is read; where notes sound together the highest one is kept, with a
    `PolyphonyWarning`.
    """
    import numpy as np

    midi = _load(path)
    notes = [note for track in _pitched_notes(midi, path) for note in track]
    steps = max(note.end for note in notes)
    chords = track_of(notes, steps)
    highest = highest_pitches(chords)
    melody = np.zeros_like(chords)
    sounding = np.flatnonzero(highest >= 0)
    melody[sounding, highest[sounding]] = True
    chord_steps = int((chords.sum(axis=1) > 1).sum())
    if chord_steps:
        warnings.warn(
            f"{os.fspath(path)} has chords at {chord_steps} of {steps} steps; "
            "kept the highest note of each",
            PolyphonyWarning,
            stacklevel=2,
        )
    return melody


def read_arrangement(path: str | os.PathLike[str]) -> NDArray[np.bool_]:
    """Each pitched track of a MIDI file, in file order, as a (tracks, steps, 128) bool roll."""
    import numpy as np

    tracks = _pitched_notes(_load(path), path)
    steps = max(note.end for track in tracks for note in track)
    return np.stack([track_of(track, steps) for track in tracks])


def read_tempo(path: str | os.PathLike[str]) -> float:
    """The tempo a MIDI file starts at, in quarter notes per minute."""
    _, tempi = _load(path).get_tempo_changes()
    return float(tempi[0]) if len(tempi) else DEFAULT_TEMPO


def write_arrangement(
    arrangement: NDArray[Any], path: str | os.PathLike[str], *, tempo: float = DEFAULT_TEMPO
) -> None:
    """Write a (tracks, steps, 128) roll as a MIDI file, one choir instrument per voice.

    Tracks are named Soprano, Alto, Tenor, Bass (then Track 5, ...); each run of True cells of
    one pitch becomes one note.
    """
    import numpy as np
    import pretty_midi

    roll = np.asarray(arrangement).astype(bool)
    if roll.ndim != 3 or roll.shape[2] != 128:
        raise ValueError(f"an arrangement is a (tracks, steps, 128) roll, got shape {roll.shape}")
    if tempo <= 0:
        raise ValueError(f"tempo must be positive, got {tempo}")
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    step_seconds = 60.0 / tempo / STEPS_PER_QUARTER
    for index, track in enumerate(roll):
        name = VOICES[index].title() if index < len(VOICES) else f"Track {index + 1}"
        instrument = pretty_midi.Instrument(program=CHOIR_AAHS, name=name)
        instrument.notes = [
            pretty_midi.Note(VELOCITY, pitch, start * step_seconds, end * step_seconds)
            for pitch, start, end in notes_of(track)
        ]
        midi.instruments.append(instrument)
    midi.write(os.fspath(path))


def _load(path: str | os.PathLike[str]) -> pretty_midi.PrettyMIDI:
    import pretty_midi

    if not os.path.exists(path):
        raise MidiError(f"{os.fspath(path)} does not exist")
    if os.path.isdir(path):
        raise MidiError(f"{os.fspath(path)} is a folder, not a MIDI file")
    import mido

    try:
        with warnings.catch_warnings(), open(path, "rb") as file:
            warnings.simplefilter("ignore")
            events = mido.MidiFile(file=file)
            if not any(events.tracks):
                raise MidiError(f"{os.fspath(path)} has no tracks, so no notes to read")
            file.seek(0)
            return pretty_midi.PrettyMIDI(file)
    except MidiError:
        raise
    except Exception as error:  # mido and pretty_midi raise many kinds on a bad file
        reason = f" ({str(error).strip().splitlines()[0]})" if str(error).strip() else ""
        raise MidiError(f"{os.fspath(path)} is not a readable MIDI file{reason}") from None


def _pitched_notes(midi: pretty_midi.PrettyMIDI, path: str | os.PathLike[str]) -> list[list[Note]]:
    """The notes of each pitched track, on the step grid; a MidiError when there are none."""
    pitched = [instrument for instrument in midi.instruments if not instrument.is_drum]
    tracks = [[_step_note(midi, note) for note in inst.notes] for inst in pitched]
    tracks = [track for track in tracks if track]
    if tracks:
        return tracks
    if any(instrument.notes for instrument in midi.instruments):
        raise MidiError(f"{os.fspath(path)} has only drum notes; a melody needs pitched notes")
    raise MidiError(f"{os.fspath(path)} has no notes")


def _step_note(midi: pretty_midi.PrettyMIDI, note: pretty_midi.Note) -> Note:
    """A note on the step grid; one shorter than a step still lasts one step."""
    steps_per_tick = STEPS_PER_QUARTER / midi.resolution
    start = round(midi.time_to_tick(note.start) * steps_per_tick)
    end = round(midi.time_to_tick(note.end) * steps_per_tick)
    return Note(note.pitch, start, max(end, start + 1))
