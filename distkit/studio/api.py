"""What the studio's routes do, as plain functions on JSON-shaped data (no web framework here).

Notes travel as `[pitch, start, end]` triples on the sixteenth-note step grid. Everything a
request sends is checked here; nothing it sends becomes a file path.
"""

from __future__ import annotations

import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.errors import MidiError, UsageError
from distkit.music.base import PITCHES, STEPS_PER_QUARTER, VOICES
from distkit.music.melody_text import MAX_BEATS, notes_to_text, parse_melody_text, text_notes
from distkit.music.notes import Note, notes_of, track_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.plugins import Registry

MAX_STEPS = MAX_BEATS * STEPS_PER_QUARTER
MAX_NOTES = 4096
MAX_MIDI_BYTES = 1024 * 1024
TEMPO_RANGE = (20.0, 300.0)
EXAMPLES = {
    "Twinkle Twinkle Little Star": "G4 G4 D5 D5 E5 E5 D5:2 C5 C5 B4 B4 A4 A4 G4:2",
    "Ode to Joy": "B4 B4 C5 D5 D5 C5 B4 A4 G4 G4 A4 B4 B4:1.5 A4:0.5 A4:2",
    "Frère Jacques": "G4 A4 B4 G4 G4 A4 B4 G4 B4 C5 D5:2 B4 C5 D5:2",
}


@dataclass(frozen=True)
class Download:
    """A file the page offers for download."""

    content: bytes
    media_type: str
    filename: str


def models(registry: Registry | None = None) -> dict[str, Any]:
    """Every registered music model with its plugin and description, and the default's name."""
    from distkit.music.compose import default_model
    from distkit.plugins import get_registry
    from distkit.plugins.describe import description

    registry = registry or get_registry()
    names = [r.name for r in registry.music_models]
    listed = [
        {
            "name": r.qualified_name if names.count(r.name) > 1 else r.name,
            "plugin": r.plugin,
            "description": description(r),
        }
        for r in registry.music_models
    ]
    return {"models": listed, "default": default_model(registry)}


def examples() -> list[dict[str, Any]]:
    """The bundled example melodies, with their notes and their text."""
    return [{"name": name, "text": text, **parse_text(text)} for name, text in EXAMPLES.items()]


def parse_text(text: Any) -> dict[str, Any]:
    """A melody's text (`G4 D5:2 r`) as notes and a length in steps; a MelodyTextError if bad."""
    if not isinstance(text, str):
        raise UsageError("the melody text must be a string")
    steps = sum(note.steps for note in parse_melody_text(text))
    return {"notes": [list(note) for note in text_notes(text)], "steps": steps}


def to_text(body: Any) -> dict[str, str]:
    """The text of a melody's notes, which `parse_text` reads back."""
    return {"text": notes_to_text(_notes(_field(body, "notes")))}


def melody_from_midi(content: bytes) -> dict[str, Any]:
    """The melody (highest notes) and tempo of an uploaded MIDI file's bytes."""
    from distkit.music.midi import read_melody, read_tempo

    if len(content) > MAX_MIDI_BYTES:
        raise UsageError(f"the MIDI file is larger than {MAX_MIDI_BYTES // 1024} KiB")
    if not content.startswith(b"MThd"):
        raise MidiError("the uploaded file is not a MIDI file (it does not start with MThd)")
    with tempfile.TemporaryDirectory(prefix="distkit-studio-") as folder:
        path = Path(folder) / "upload.mid"
        path.write_bytes(content)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                roll = read_melody(path)
            tempo = read_tempo(path)
        except MidiError as error:
            raise MidiError(str(error).replace(str(path), "the uploaded file")) from None
    notes = notes_of(roll)
    if len(notes) > MAX_NOTES or roll.shape[0] > MAX_STEPS:
        raise UsageError(f"the melody is longer than {MAX_BEATS} beats or {MAX_NOTES} notes")
    return {
        "notes": [list(note) for note in notes],
        "steps": int(roll.shape[0]),
        "tempo": _clamp_tempo(tempo),
        "warnings": [str(w.message).replace(str(path), "the uploaded file") for w in caught],
    }


def harmonize(body: Any) -> dict[str, Any]:
    """Harmonize `{notes, steps, model, seed}` with the named music model; its four voices."""
    from distkit.music.compose import harmonize as run_model

    notes = _notes(_field(body, "notes"))
    steps = _steps(body.get("steps"), notes)
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise UsageError("the model must be a name")
    seed = body.get("seed")
    if seed is not None and not isinstance(seed, int):
        raise UsageError("the seed must be a whole number")
    result = run_model(track_of(notes, steps), model or None, seed=seed)
    return {
        "model": result.model,
        "plugin": result.plugin,
        "steps": result.steps,
        "voices": {
            voice: [list(note) for note in notes_of(track)]
            for voice, track in zip(VOICES, result.arrangement, strict=True)
        },
    }


def export(kind: str, body: Any) -> Download:
    """The arrangement `{voices, steps, tempo, model}` as a MIDI, WAV, PNG or shared HTML file."""
    arrangement = _arrangement(_field(body, "voices"), body.get("steps"))
    tempo = _tempo(body.get("tempo"))
    if kind == "midi":
        from distkit.music.share import midi_bytes

        return Download(midi_bytes(arrangement, tempo=tempo), "audio/midi", "harmonized.mid")
    if kind == "wav":
        from distkit.music.share import wav_bytes
        from distkit.music.synth import SAMPLE_RATE, synthesize

        samples = synthesize(arrangement, tempo=tempo)
        return Download(wav_bytes(samples, SAMPLE_RATE), "audio/wav", "harmonized.wav")
    if kind == "png":
        from distkit.music.plotting import save_pianoroll

        with tempfile.TemporaryDirectory(prefix="distkit-studio-") as folder:
            path = save_pianoroll(arrangement, Path(folder) / "pianoroll.png")
            return Download(path.read_bytes(), "image/png", "harmonized.png")
    if kind == "html":
        from distkit.music.share import share_html

        model = body.get("model")
        page = share_html(
            arrangement,
            tempo=tempo,
            model=model if isinstance(model, str) else "a music model",
            title="A harmonization from distkit studio",
        )
        return Download(page.encode(), "text/html; charset=utf-8", "harmonized.html")
    raise UsageError(f"unknown export {kind!r}; choose midi, wav, png or html")


def _field(body: Any, name: str) -> Any:
    if not isinstance(body, dict) or name not in body:
        raise UsageError(f"the request needs a JSON object with {name!r}")
    return body[name]


def _notes(value: Any) -> list[Note]:
    if not isinstance(value, list) or len(value) > MAX_NOTES:
        raise UsageError(f"notes must be a list of at most {MAX_NOTES} [pitch, start, end]")
    notes = []
    for item in value:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and all(isinstance(number, int) and not isinstance(number, bool) for number in item)
        ):
            raise UsageError("each note must be [pitch, start, end], three whole numbers")
        pitch, start, end = item
        if not (0 <= pitch < PITCHES and 0 <= start < end <= MAX_STEPS):
            raise UsageError(f"the note {item} is out of range")
        notes.append(Note(pitch, start, end))
    return notes


def _steps(value: Any, notes: list[Note]) -> int:
    last = max((note.end for note in notes), default=0)
    if value is None:
        return last
    if not isinstance(value, int) or not 0 <= value <= MAX_STEPS:
        raise UsageError(f"steps must be a whole number up to {MAX_STEPS}")
    return max(value, last)


def _arrangement(voices: Any, steps: Any) -> NDArray[np.bool_]:
    import numpy as np

    if isinstance(voices, dict):
        voices = [voices.get(voice, []) for voice in VOICES]
    if not isinstance(voices, list) or not 1 <= len(voices) <= len(VOICES):
        raise UsageError("voices must be up to four lists of notes")
    tracks = [_notes(voice) for voice in voices]
    length = _steps(steps, [note for track in tracks for note in track])
    if length == 0:
        raise UsageError("there are no notes to write")
    return np.stack([track_of(track, length) for track in tracks])


def _tempo(value: Any) -> float:
    low, high = TEMPO_RANGE
    if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
        raise UsageError(f"the tempo must be between {low:g} and {high:g} beats per minute")
    return float(value)


def _clamp_tempo(tempo: float) -> float:
    low, high = TEMPO_RANGE
    return round(min(max(tempo, low), high), 2)
