"""What the studio's routes do, as plain functions on JSON-shaped data (no web framework here).

Notes travel as `[pitch, start, end]` triples on the sixteenth-note step grid. Everything a
request sends is checked here; nothing it sends becomes a file path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from distkit.errors import MidiError, UsageError
from distkit.interrupts import temporary_folder
from distkit.music.base import PITCHES, SATB_RANGES, STEPS_PER_QUARTER, VOICES
from distkit.music.limits import MAX_MIDI_BYTES, TEMPO_RANGE, check_tempo
from distkit.music.melody_text import (
    MAX_BEATS,
    note_name,
    notes_to_text,
    parse_melody_text,
    text_notes,
)
from distkit.music.notes import Note, notes_of, track_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.time_signatures import TimeSignature
    from distkit.plugins import Registry

MAX_STEPS = MAX_BEATS * STEPS_PER_QUARTER
MAX_NOTES = 4096
MAX_NOTE_BEATS = 16
"""The longest note a melody may hold: four bars of 4/4."""
MAX_WAV_SECONDS = 30 * 60
"""A studio WAV lasts at most half an hour (79 MB); the CLI renders longer ones to a file."""
SOPRANO_MARGIN = 3
"""Semitones a melody may go past a model's soprano range (SATB's, where it names none)."""
CHOIR_AAHS = 52
TIMBRES = ("sine", "triangle", "square", "sawtooth")
EXAMPLES = {
    "Twinkle Twinkle Little Star": "G4 G4 D5 D5 E5 E5 D5:2 C5 C5 B4 B4 A4 A4 G4:2",
    "Ode to Joy": "B4 B4 C5 D5 D5 C5 B4 A4 G4 G4 A4 B4 B4:1.5 A4:0.5 A4:2",
    "Frère Jacques": "G4 A4 B4 G4 G4 A4 B4 G4 B4 C5 D5:2 B4 C5 D5:2",
}
FORMATS = {
    "midi": ("audio/midi", "mid"),
    "wav": ("audio/wav", "wav"),
    "png": ("image/png", "png"),
    "html": ("text/html; charset=utf-8", "html"),
    "musicxml": ("application/vnd.recordare.musicxml+xml", "musicxml"),
}


@dataclass(frozen=True)
class Download:
    """A file the page offers for download, written in a folder the caller removes."""

    path: Path
    media_type: str
    filename: str


def settings() -> dict[str, Any]:
    """The limits the page checks before it asks: one source for page and server."""
    return {
        "tempo": list(TEMPO_RANGE),
        "max_note_beats": MAX_NOTE_BEATS,
        "max_beats": MAX_BEATS,
        "timbres": list(TIMBRES),
    }


def models(
    registry: Registry | None = None, times: dict[str, float] | None = None
) -> dict[str, Any]:
    """Every registered music model with its plugin, description, optional members and the
    seconds it last took here (None until measured), and the default's name."""
    from distkit.music.model_calls import default_model
    from distkit.plugins import get_registry
    from distkit.plugins.describe import description

    registry = registry or get_registry()
    names = [r.name for r in registry.music_models]
    listed = []
    for registration in registry.music_models:
        name = (
            registration.qualified_name if names.count(registration.name) > 1 else registration.name
        )
        listed.append(
            {
                "name": name,
                "plugin": registration.plugin,
                "description": description(registration),
                "seconds": (times or {}).get(name),
                **_optional_members(registration),
            }
        )
    return {"models": listed, "default": default_model(registry)}


def _optional_members(registration: Any) -> dict[str, Any]:
    """The optional members of ARCHITECTURE's music API a model has (style, voices, programs,
    infill, continue_melody); a model that cannot be imported has none."""
    from distkit.plugins.describe import read_class

    try:
        return read_class(registration, _members_of)
    except Exception:
        return {
            "style": None,
            "voices": list(VOICES),
            "programs": None,
            "infill": False,
            "continue_melody": False,
            "harmonizes": True,
        }


def _members_of(cls: type[Any]) -> dict[str, Any]:
    voices: Any = getattr(cls, "voices", None)
    programs: Any = getattr(cls, "programs", None)
    return {
        "style": str(cls.style) if isinstance(getattr(cls, "style", None), str) else None,
        "voices": [str(v) for v in voices] if _four(voices, str) else list(VOICES),
        "programs": [int(p) for p in programs] if _four(programs, int) else None,
        "infill": callable(getattr(cls, "infill", None)),
        "continue_melody": callable(getattr(cls, "continue_melody", None)),
        "harmonizes": getattr(cls, "harmonizes", True) is not False,
    }


def _four(value: Any, kind: type) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == len(VOICES)
        and all(isinstance(item, kind) for item in value)
    )


def examples() -> list[dict[str, Any]]:
    """The bundled example melodies, with their notes and their text."""
    return [{"name": name, "text": text, **parse_text(text)} for name, text in EXAMPLES.items()]


def parse_text(text: Any) -> dict[str, Any]:
    """A melody's text (`G4 D5:2 r`) as notes and a length in steps; a MelodyTextError if bad."""
    if not isinstance(text, str):
        raise UsageError("the melody text must be a string")
    steps = sum(note.steps for note in parse_melody_text(text))
    notes = text_notes(text)
    _check_lengths(notes)
    return {"notes": [list(note) for note in notes], "steps": steps}


def to_text(body: Any) -> dict[str, str]:
    """The text of a melody's notes, with its trailing rest, which `parse_text` reads back."""
    notes = _notes(_field(body, "notes"))
    steps = _steps(body.get("steps"), notes)
    text = notes_to_text(notes)
    last = max((note.end for note in notes), default=0)
    if steps > last:
        text = f"{text} {notes_to_text([Note(0, 0, steps - last)]).replace('C-1', 'r')}".strip()
    return {"text": text}


def melody_from_midi(content: bytes, track: int | None = None) -> dict[str, Any]:
    """The melody (highest notes of track `track`, the first with notes by default), tempo and
    metre of an uploaded MIDI file's bytes, with which track that was and what the others are.

    The metre is the file's time signatures read by `distkit.music.time_signatures` (its
    pickup in steps), 4/4 from a downbeat where they give none distkit can count."""
    from distkit.music.midi import load_melody

    if len(content) > MAX_MIDI_BYTES:
        raise UsageError(f"the MIDI file is larger than {MAX_MIDI_BYTES // 1024 // 1024} MiB")
    if not content.startswith(b"MThd"):
        raise MidiError("the uploaded file is not a MIDI file (it does not start with MThd)")
    with temporary_folder(prefix="distkit-studio-") as folder:
        path = Path(folder) / "upload.mid"
        path.write_bytes(content)
        try:
            melody = load_melody(path, track=track)
            names = _track_names(path, melody.tracks)
        except MidiError as error:
            raise MidiError(str(error).replace(str(path), "the uploaded file")) from None
    notes = notes_of(melody.roll)
    if len(notes) > MAX_NOTES or melody.steps > MAX_STEPS:
        raise UsageError(f"the melody is longer than {MAX_BEATS} beats or {MAX_NOTES} notes")
    remarks = [melody.chord_warning(), melody.pattern_remark()]
    metre = melody.time_signature
    return {
        "notes": [list(note) for note in notes],
        "steps": melody.steps,
        "metre": {
            "beats": metre.beats if metre else 4,
            "unit": metre.unit if metre else 4,
            "pickup": metre.pickup if metre else 0,
        },
        "tempo": round(melody.tempo, 2),
        "track": melody.track,
        "tracks": names,
        "warnings": [r.replace(str(path), "the uploaded file") for r in remarks if r],
    }


def _track_names(path: Path, count: int) -> list[str]:
    """A label for each track with notes: its number and, where it has one, its name."""
    from distkit.music.midi import load_melody

    labels = []
    for number in range(1, count + 1):
        name = load_melody(path, track=number).track_name if count > 1 else ""
        labels.append(f"track {number}" + (f" ({name})" if name else ""))
    return labels


def harmonize_request(body: Any) -> dict[str, Any]:
    """The checked form of a harmonize request `{notes, steps, model, seed}`: a UsageError for
    anything a model should not be asked (notes out of range, notes longer than 4 bars)."""
    notes = _notes(_field(body, "notes"))
    _check_lengths(notes)
    if not notes:
        raise UsageError("the melody has no notes to harmonize")
    steps = _steps(body.get("steps"), notes)
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise UsageError("the model must be a name")
    seed = body.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise UsageError("the seed must be a whole number")
    if seed is not None and not 0 <= seed < 2**32:
        raise UsageError("the seed must be between 0 and 4294967295")
    return {"notes": [list(n) for n in notes], "steps": steps, "model": model or None, "seed": seed}


def harmonize_now(body: Any, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Harmonize a request with the named music model (in this process); its four voices.

    A model whose `harmonize` takes a `progress` keyword is given `progress`, which it may
    call with the fraction of its work done (a sampler's steps, say)."""
    from distkit.music.model_calls import default_model
    from distkit.music.model_calls import harmonize as run_model
    from distkit.plugins import MUSIC_MODEL, get_registry

    request = harmonize_request(body)
    notes = [Note(*note) for note in request["notes"]]
    registry = get_registry()
    name = request["model"] or default_model(registry)
    registration = registry.lookup(MUSIC_MODEL, name)
    _check_soprano_range(notes, getattr(registration.cls, "soprano_range", None), name)
    if progress is not None and _takes_progress(registration.cls):
        registry = cast("Registry", _ReportingRegistry(registration, progress))
    result = run_model(
        track_of(notes, request["steps"]), name, seed=request["seed"], registry=registry
    )
    return {
        "model": result.model,
        "plugin": result.plugin,
        "steps": result.steps,
        "seed": request["seed"],
        "voices": {
            voice: [list(note) for note in notes_of(track)]
            for voice, track in zip(VOICES, result.arrangement, strict=True)
        },
    }


MAX_CONTINUE_BARS = 16
BAR = 4 * STEPS_PER_QUARTER
LONGEST_BAR = 4 * BAR
"""A bar of at most four whole notes (64 sixteenths), as distkit's melody models count."""


def continue_request(body: Any) -> dict[str, Any]:
    """The checked form of `{notes, steps, model, seed, bars, bar_steps, pickup}`: continue a
    melody by `bars` bars of `bar_steps` steps whose first bar line is `pickup` steps in (4/4
    from a downbeat when they are left out)."""
    from distkit.music.melody.metre import bars_end

    request = harmonize_request(body)
    bars = body.get("bars")
    if not isinstance(bars, int) or isinstance(bars, bool) or not 1 <= bars <= MAX_CONTINUE_BARS:
        raise UsageError(f"bars must be a whole number from 1 to {MAX_CONTINUE_BARS}")
    bar_steps, pickup = _bar_and_pickup(body.get("bar_steps", BAR), body.get("pickup", 0))
    if bars_end(request["steps"], bars, bar_steps, pickup) > MAX_STEPS:
        raise UsageError(f"the melody would pass {MAX_BEATS} beats")
    return {**request, "task": "continue", "bars": bars, "bar_steps": bar_steps, "pickup": pickup}


def _bar_and_pickup(bar_steps: Any, pickup: Any) -> tuple[int, int]:
    """A bar of 1 to LONGEST_BAR sixteenths and a pickup shorter than it, else a UsageError."""
    if not _whole(bar_steps) or not 1 <= bar_steps <= LONGEST_BAR:
        raise UsageError(
            f"a bar must be a whole number from 1 to {LONGEST_BAR} sixteenths, got {bar_steps!r}"
        )
    if not _whole(pickup) or not 0 <= pickup < bar_steps:
        raise UsageError(
            f"the pickup must be a whole number of sixteenths shorter than the bar's "
            f"{bar_steps}, got {pickup!r}"
        )
    return bar_steps, pickup


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def infill_request(body: Any) -> dict[str, Any]:
    """The checked form of `{voices, steps, model, seed, start, end, redraw}`: redraw the voices
    named in `redraw` between steps `start` and `end`, keeping every other cell."""
    _arrangement(_field(body, "voices"), body.get("steps"))  # checks every note
    voices = body["voices"]
    if not isinstance(voices, dict):
        raise UsageError("voices must be an object of four lists of notes")
    steps = _steps(body.get("steps"), [n for v in VOICES for n in _notes(voices.get(v, []))])
    start, end, redraw = body.get("start"), body.get("end"), body.get("redraw")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)) or not (
        0 <= start < end <= steps
    ):
        raise UsageError(f"the passage must be steps start < end within the piece's {steps}")
    if not isinstance(redraw, list) or not redraw or any(v not in VOICES for v in redraw):
        raise UsageError(f"tick at least one voice to regenerate ({', '.join(VOICES)})")
    request = harmonize_request({"notes": voices.get("soprano", []), "steps": steps, **_pick(body)})
    return {
        **request,
        "task": "infill",
        "voices": {v: voices.get(v, []) for v in VOICES},
        "start": start,
        "end": end,
        "redraw": redraw,
    }


def _pick(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body[key] for key in ("model", "seed") if key in body}


def run_request(body: Any, progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Run a checked job request in this process (the worker's side): harmonize, continue or
    infill, by its `task`; `progress` hears a harmonizing model's progress, where it tells."""
    task = body.get("task", "harmonize") if isinstance(body, dict) else None
    if task == "continue":
        return continue_now(body)
    if task == "infill":
        return infill_now(body)
    return harmonize_now(body, progress)


def continue_now(body: Any) -> dict[str, Any]:
    """The notes a melody model adds after the melody (`distkit.music.melody.continuing`, which
    completes the last bar first and checks the model kept the given notes), and the new
    length."""
    from distkit.music.melody.continuing import continue_melody

    request = continue_request(body)
    melody = track_of([Note(*n) for n in request["notes"]], request["steps"])
    continued = continue_melody(
        melody,
        request["bars"],
        request["model"],
        seed=request["seed"],
        bar_steps=request["bar_steps"],
        pickup=request["pickup"],
    )
    given = continued.given_steps
    added = [[n.pitch, n.start + given, n.end + given] for n in notes_of(continued.melody[given:])]
    return {"added": added, "steps": int(continued.melody.shape[0]), "model": continued.model}


RETAKES = 4


def infill_now(body: Any) -> dict[str, Any]:
    """The arrangement with the chosen voices redrawn over the passage by the model's `infill`
    (`distkit.music.model_calls.infill`, which checks every other cell is kept exactly).

    "Regenerate" asks for another take: with a seed, a take that gives the passage back as it
    was is drawn again with the next seed, up to RETAKES takes; `seed` is the one whose take is
    returned and `unchanged` says whether even that one kept the passage as it was."""
    import numpy as np

    from distkit.music.model_calls import infill

    request = infill_request(body)
    steps = request["steps"]
    arrangement = np.stack(
        [track_of([Note(*n) for n in request["voices"][v]], steps) for v in VOICES]
    )
    mask = np.zeros((len(VOICES), steps), dtype=bool)
    for voice in request["redraw"]:
        mask[VOICES.index(voice), request["start"] : request["end"]] = True
    seed = request["seed"]
    for take in range(RETAKES):
        if take:
            seed = (seed + 1) % 2**32
        result = infill(arrangement, mask, request["model"], seed=seed)
        unchanged = bool(np.array_equal(result.arrangement, arrangement))
        if seed is None or not unchanged:
            break
    return {
        "model": result.model,
        "plugin": result.plugin,
        "steps": steps,
        "seed": seed,
        "unchanged": unchanged,
        "voices": {
            v: [list(n) for n in notes_of(t)]
            for v, t in zip(VOICES, result.arrangement, strict=True)
        },
    }


def _takes_progress(cls: type[Any]) -> bool:
    import inspect

    try:
        return "progress" in inspect.signature(cls.harmonize).parameters
    except (TypeError, ValueError):
        return False


class _ReportingRegistry:
    """A registry of one model whose `harmonize` is handed a progress callback (what
    `compose.harmonize` looks up; everything else it does stays as for any model)."""

    def __init__(self, registration: Any, progress: Callable[[float], None]) -> None:
        base = registration.cls

        class Reporting(base):  # type: ignore[valid-type,misc]
            def harmonize(self, melody: Any, *, seed: int | None = None) -> Any:
                return super().harmonize(melody, seed=seed, progress=progress)

        self.registration = dataclasses.replace(registration, target=Reporting)

    def lookup(self, kind: str, name: str) -> Any:
        return self.registration


def _check_soprano_range(notes: list[Note], declared: Any, model: str) -> None:
    """A UsageError when the melody leaves the soprano range the model writes under."""
    low, high = SATB_RANGES[0]
    if _two_ints(declared):
        low, high = declared
    low, high = low - SOPRANO_MARGIN, high + SOPRANO_MARGIN
    lowest, highest = min(n.pitch for n in notes), max(n.pitch for n in notes)
    if low <= lowest and highest <= high:
        return
    span = f"{note_name(low)}-{note_name(high)}"
    if lowest < low:
        octaves = -(-(low - lowest) // 12)
        hint = f"move it up {octaves} octave{'s' if octaves > 1 else ''}"
        where = f"goes down to {note_name(lowest)}"
    else:
        octaves = -(-(highest - high) // 12)
        hint = f"move it down {octaves} octave{'s' if octaves > 1 else ''}"
        where = f"goes up to {note_name(highest)}"
    if highest - lowest > high - low:
        hint = f"it spans more than the {span} a soprano sings"
    raise UsageError(f"the melody {where}; {model} writes under a soprano in {span}: {hint}")


def _two_ints(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and 0 <= v < PITCHES for v in value)
        and value[0] < value[1]
    )


def export(kind: str, body: Any, folder: Path) -> Download:
    """The arrangement `{voices, steps, tempo, model, name, volumes, timbres, programs, metre}`
    as a MIDI, WAV, PNG, MusicXML or shared HTML file, written in `folder`; the MIDI file, the
    MusicXML score and the shared page carry the metre's time signature (`{beats, unit,
    pickup}`, the pickup in steps), the page and the PNG drawing its bars."""
    if kind not in FORMATS:
        raise UsageError(f"unknown export {kind!r}; choose {', '.join(FORMATS)}")
    arrangement = _arrangement(_field(body, "voices"), body.get("steps"))
    tempo = _tempo(body.get("tempo"))
    media_type, suffix = FORMATS[kind]
    stem = download_stem(body.get("name"), body.get("model"))
    path = folder / f"download.{suffix}"
    if kind == "midi":
        from distkit.music.midi import write_arrangement

        write_arrangement(
            arrangement,
            path,
            tempo=tempo,
            programs=_programs(body.get("programs")),
            names=_names(body.get("names")),
            time_signature=_time_signature(body.get("metre")),
        )
    elif kind == "wav":
        from distkit.music.synth import render_wav

        _check_wav_seconds(arrangement.shape[1], tempo)
        render_wav(
            arrangement,
            path,
            tempo=tempo,
            gains=_volumes(body.get("volumes")),
            timbres=_timbres(body.get("timbres")),
        )
    elif kind == "png":
        from distkit.music.plotting import save_pianoroll

        metre = _time_signature(body.get("metre"))
        save_pianoroll(arrangement, path, metre, _names(body.get("names")))
    elif kind == "musicxml":
        from distkit.music.musicxml import write_musicxml

        write_musicxml(
            arrangement,
            path,
            tempo=tempo,
            title=stem,
            names=_names(body.get("names")),
            programs=_programs(body.get("programs")),
            time_signature=_time_signature(body.get("metre")),
        )
    else:
        from distkit.music.share import share_html

        _check_wav_seconds(arrangement.shape[1], tempo)
        model = body.get("model")
        page = share_html(
            arrangement,
            tempo=tempo,
            model=model if isinstance(model, str) else "a music model",
            title="A harmonization from distkit studio",
            time_signature=_time_signature(body.get("metre")),
            programs=_programs(body.get("programs")),
            names=_names(body.get("names")),
            gains=_volumes(body.get("volumes")),
            timbres=_timbres(body.get("timbres")),
        )
        path.write_text(page, encoding="utf-8")
    return Download(path, media_type, f"{stem}.{suffix}")


def download_stem(name: Any, model: Any) -> str:
    """A download's file name without its ending: the melody's name and the model's."""
    from distkit.music.share import file_stem

    parts = [part for part in (name, model) if isinstance(part, str) and part.strip()]
    return file_stem(" ".join(parts)[:120]) if parts else "harmonization"


def _check_wav_seconds(steps: int, tempo: float) -> None:
    seconds = steps * 60.0 / tempo / STEPS_PER_QUARTER
    if seconds > MAX_WAV_SECONDS:
        raise UsageError(
            f"the music lasts {seconds / 60:,.0f} minutes at {tempo:g} beats a minute; the "
            f"studio renders at most {MAX_WAV_SECONDS // 60} minutes of sound "
            "(`distkit compose --wav` writes longer ones)"
        )


def _volumes(value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    levels = [value.get(voice, 1.0) for voice in VOICES] if isinstance(value, dict) else value
    if not (
        isinstance(levels, list)
        and len(levels) == len(VOICES)
        and all(
            isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1 for v in levels
        )
    ):
        raise UsageError("volumes must be four numbers from 0 to 1, one per voice")
    return tuple(float(v) for v in levels)


def _timbres(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = [value.get(voice) for voice in VOICES] if isinstance(value, dict) else value
    if not (
        isinstance(names, list) and len(names) == len(VOICES) and all(n in TIMBRES for n in names)
    ):
        raise UsageError(f"timbres must be four of {', '.join(TIMBRES)}, one per voice")
    return tuple(names)


def _programs(value: Any) -> list[int] | None:
    if value is None:
        return None
    numbers = [value.get(voice) for voice in VOICES] if isinstance(value, dict) else value
    if not (
        isinstance(numbers, list)
        and len(numbers) == len(VOICES)
        and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 127 for n in numbers)
    ):
        raise UsageError("programs must be four General MIDI programs (0-127), one per voice")
    return list(numbers)


def _time_signature(value: Any) -> TimeSignature | None:
    """The metre `{beats, unit, pickup}` a download is written in; None where none is sent."""
    from distkit.music.time_signatures import UNITS, TimeSignature

    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        _whole(value.get(key)) for key in ("beats", "unit", "pickup")
    ):
        raise UsageError("the metre must be whole numbers of beats, unit and pickup steps")
    if value["beats"] < 1:
        raise UsageError(f"a metre has at least one beat, got {value['beats']}")
    if value["unit"] not in UNITS:
        raise UsageError(f"a metre's unit is one of {', '.join(map(str, UNITS))}")
    signature = TimeSignature(value["beats"], value["unit"], value["pickup"])
    _bar_and_pickup(signature.bar_steps, signature.pickup)
    return signature


def _names(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not (
        isinstance(value, list)
        and len(value) == len(VOICES)
        and all(isinstance(n, str) and 0 < len(n) <= 40 for n in value)
    ):
        raise UsageError("names must be four voice names of at most 40 characters")
    return list(value)


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


def _check_lengths(notes: list[Note]) -> None:
    """A UsageError for a melody note held longer than MAX_NOTE_BEATS."""
    for note in notes:
        if note.end - note.start > MAX_NOTE_BEATS * STEPS_PER_QUARTER:
            beats = (note.end - note.start) / STEPS_PER_QUARTER
            raise UsageError(
                f"{note_name(note.pitch)} lasts {beats:g} beats; a melody note may last at "
                f"most {MAX_NOTE_BEATS} beats"
            )


def _steps(value: Any, notes: list[Note]) -> int:
    last = max((note.end for note in notes), default=0)
    if value is None:
        return last
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_STEPS:
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
    if not isinstance(value, int | float) or isinstance(value, bool):
        low, high = TEMPO_RANGE
        raise UsageError(f"the tempo must be a number from {low:g} to {high:g}")
    return check_tempo(float(value))
