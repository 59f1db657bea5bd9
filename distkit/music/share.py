"""One self-contained HTML page for a harmonization: piano roll, player and MIDI, all inline.

The page opens in any browser with no server and fetches nothing: the piano roll is inline
SVG, the four voices play from a WAV in a data URI, and the MIDI file is a data-URI download.
"""

from __future__ import annotations

import base64
import html
import io
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from distkit.errors import UsageError
from distkit.interrupts import temporary_folder
from distkit.music.base import VOICES, as_tracks
from distkit.music.notes import notes_of
from distkit.music.time_signatures import TimeSignature

COMMON_TIME = TimeSignature(4, 4)

SHARE_SAMPLE_RATE = 16_000  # enough for choir tones, and a third the size of CD rate
COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd")
STEP_WIDTH, ROW_HEIGHT = 6, 5  # pixels per sixteenth step, per semitone

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="distkit">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}
.roll {{ overflow-x: auto; border: 1px solid #ccc; background: #fafafa; }}
.legend span {{ margin-right: 1.2em; }}
.legend i {{ display: inline-block; width: 1em; height: .7em; margin-right: .3em; }}
audio {{ width: 100%; margin: 1em 0; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Harmonized with <b>{model}</b> by distkit: {bars} at {tempo:g} beats per minute.</p>
<p class="legend">{legend}</p>
<div class="roll">{svg}</div>
<audio controls preload="auto" src="data:audio/wav;base64,{wav}"></audio>
<p><a download="{stem}.mid" href="data:audio/midi;base64,{midi}">Download the MIDI file</a>
({track_list})</p>
</body>
</html>
"""


def share_html(
    arrangement: Any,
    *,
    tempo: float,
    model: str,
    title: str = "A harmonization",
    time_signature: TimeSignature | None = None,
    programs: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
    gains: tuple[float, ...] | None = None,
    timbres: tuple[str, ...] | None = None,
) -> str:
    """The page for a (4, steps, 128) arrangement harmonized by `model` at `tempo`: its bars
    drawn and counted in `time_signature` (4/4 when None), the MIDI file it offers written
    as `write_arrangement` writes it with these `programs`, `names` and `time_signature`, and
    its sound mixed with these `gains` and `timbres` (as `synth.render_wav` takes them)."""
    from distkit.music.synth import synthesize

    tracks = as_tracks(arrangement)
    signature = time_signature or COMMON_TIME
    bars = len(signature.bar_starts(tracks.shape[1])) - 1
    samples = synthesize(
        tracks, tempo=tempo, sample_rate=SHARE_SAMPLE_RATE, gains=gains, timbres=timbres
    )
    voices = list(names) if names is not None else list(VOICES)
    voices = voices[: len(tracks)] + [f"track {i + 1}" for i in range(len(voices), len(tracks))]
    legend = "".join(
        f'<span><i style="background:{COLOURS[index % len(COLOURS)]}"></i>'
        f"{html.escape(voice[:1].upper() + voice[1:])}</span>"
        for index, voice in enumerate(voices)
    )
    track_list = f"{len(voices)} tracks: {html.escape(', '.join(voices))}"
    return _PAGE.format(
        title=html.escape(title),
        model=html.escape(model),
        bars=f"{bars} bar{'s' if bars != 1 else ''} of {signature}",
        tempo=tempo,
        legend=legend,
        track_list=track_list,
        svg=pianoroll_svg(tracks, signature),
        wav=_base64(wav_bytes(samples, SHARE_SAMPLE_RATE)),
        midi=_base64(
            midi_bytes(
                tracks, tempo=tempo, time_signature=time_signature, programs=programs, names=names
            )
        ),
        stem=file_stem(title),
    )


def write_share(
    arrangement: Any,
    path: Path,
    *,
    tempo: float,
    model: str,
    title: str = "A harmonization",
    force: bool = False,
) -> Path:
    """Write `share_html` to `path`; refuses an existing file unless `force`."""
    check_share_path(path, force=force)
    path.write_text(share_html(arrangement, tempo=tempo, model=model, title=title), "utf-8")
    return path


def check_share_path(path: Path, *, force: bool = False) -> None:
    """A UsageError, before any work, if the page cannot or should not be written at `path`."""
    if path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"{path}: the shared page's name must end in .html")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file path")
    if not path.parent.is_dir():
        raise UsageError(f"{path.parent} is not a folder; create it first")
    if path.exists() and not force:
        raise UsageError(f"{path} already exists")


def pianoroll_svg(arrangement: Any, time_signature: TimeSignature | None = None) -> str:
    """An inline SVG piano roll: one rect per note, `class="note voice-NAME"`, and a line at
    each bar of `time_signature` (4/4 when None; a pickup is a bar of its own)."""
    tracks = as_tracks(arrangement)
    steps = tracks.shape[1]
    sounding = [pitch for pitch in range(tracks.shape[2]) if tracks[:, :, pitch].any()]
    low, high = (sounding[0] - 2, sounding[-1] + 2) if sounding else (58, 74)
    width, height = steps * STEP_WIDTH, (high - low + 1) * ROW_HEIGHT
    parts = [
        f'<svg class="pianoroll" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="piano roll">'
    ]
    for bar in (time_signature or COMMON_TIME).bar_starts(steps):
        x = bar * STEP_WIDTH
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#bbb"/>')
    for index, track in enumerate(tracks):
        voice = VOICES[index] if index < len(VOICES) else f"track-{index + 1}"
        colour = COLOURS[index % len(COLOURS)]
        for note in notes_of(track):
            parts.append(
                f'<rect class="note voice-{voice}" x="{note.start * STEP_WIDTH}" '
                f'y="{(high - note.pitch) * ROW_HEIGHT}" '
                f'width="{(note.end - note.start) * STEP_WIDTH - 1}" height="{ROW_HEIGHT - 1}" '
                f'fill="{colour}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def wav_bytes(samples: Any, sample_rate: int) -> bytes:
    """Mono samples in [-1, 1] as the bytes of a 16-bit WAV file."""
    import numpy as np

    frames = np.round(np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(frames)
    return buffer.getvalue()


def midi_bytes(
    arrangement: Any,
    *,
    tempo: float,
    time_signature: TimeSignature | None = None,
    programs: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
) -> bytes:
    """The arrangement as the bytes of a multi-track MIDI file (`write_arrangement`'s)."""
    from distkit.music.midi import write_arrangement

    with temporary_folder(prefix="distkit-") as folder:
        path = Path(folder) / "arrangement.mid"
        write_arrangement(
            arrangement,
            path,
            tempo=tempo,
            programs=programs,
            names=names,
            time_signature=time_signature,
        )
        return path.read_bytes()


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def file_stem(title: str) -> str:
    """A file name stem from a title: letters, digits and dashes only."""
    stem = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
    return "-".join(part for part in stem.split("-") if part)[:60] or "harmonization"
