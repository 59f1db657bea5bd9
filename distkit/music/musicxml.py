"""An arrangement as a MusicXML score (score-partwise 4.0) for MuseScore, Finale and DAWs.

Written with the standard library: one part per voice, bars of the piece's metre (4/4 from a
downbeat unless told; a pickup is an implicit measure 0) in sixteenth-note divisions, notes split
at bar lines and tied, rests where a voice is silent. The writer is small because
the piano roll is simple: monophonic voices on a fixed grid (where a voice has a chord, the
highest note is written).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape

from distkit.music.base import STEPS_PER_QUARTER, VOICES, as_tracks
from distkit.music.notes import Note, notes_of
from distkit.music.time_signatures import TimeSignature

COMMON_TIME = TimeSignature(4, 4)

_STEP_NAMES = (
    ("C", 0), ("C", 1), ("D", 0), ("D", 1), ("E", 0), ("F", 0),
    ("F", 1), ("G", 0), ("G", 1), ("A", 0), ("A", 1), ("B", 0),
)  # fmt: skip
# Note types and dots for each length in sixteenth steps that one written note can have.
_TYPES = {
    16: ("whole", 0), 12: ("half", 1), 8: ("half", 0), 6: ("quarter", 1), 4: ("quarter", 0),
    3: ("eighth", 1), 2: ("eighth", 0), 1: ("16th", 0),
}  # fmt: skip
_CHOIR_AAHS = 52


def musicxml_text(
    arrangement: Any,
    *,
    tempo: float,
    title: str = "Harmonization",
    names: Sequence[str] | None = None,
    programs: Sequence[int] | None = None,
    time_signature: TimeSignature | None = None,
) -> str:
    """The score of a (tracks, steps, 128) roll as MusicXML text, in `time_signature`'s bars
    (4/4 from a downbeat when None); the last bar is filled out with rests."""
    tracks = as_tracks(arrangement)
    metre = time_signature or COMMON_TIME
    starts = _bar_starts(metre, int(tracks.shape[1]))
    labels = [
        (
            names[i]
            if names and i < len(names)
            else VOICES[i]
            if i < len(VOICES)
            else f"Track {i + 1}"
        )
        for i in range(len(tracks))
    ]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
        '"http://www.musicxml.org/dtds/partwise.dtd">\n'
        '<score-partwise version="4.0">\n'
        f"<work><work-title>{escape(title)}</work-title></work>\n<part-list>\n"
    ]
    for index, label in enumerate(labels):
        program = programs[index] if programs and index < len(programs) else _CHOIR_AAHS
        out.append(
            f'<score-part id="P{index + 1}"><part-name>{escape(label.title())}</part-name>'
            f'<midi-instrument id="P{index + 1}-I1"><midi-channel>{index + 1}</midi-channel>'
            f"<midi-program>{program + 1}</midi-program></midi-instrument></score-part>\n"
        )
    out.append("</part-list>\n")
    for index, track in enumerate(tracks):
        notes = _monophonic(notes_of(track))
        out.append(f'<part id="P{index + 1}">\n')
        for bar, (begin, end) in enumerate(itertools.pairwise(starts)):
            pickup = metre.pickup > 0
            number = bar if pickup else bar + 1
            implicit = ' implicit="yes"' if pickup and bar == 0 else ""
            out.append(f'<measure number="{number}"{implicit}>')
            if bar == 0:
                clef = ("F", 4) if index == len(tracks) - 1 and len(tracks) > 1 else ("G", 2)
                out.append(
                    f"<attributes><divisions>{STEPS_PER_QUARTER}</divisions>"
                    f"<key><fifths>0</fifths></key><time><beats>{metre.beats}</beats>"
                    f"<beat-type>{metre.unit}</beat-type></time>"
                    f"<clef><sign>{clef[0]}</sign><line>{clef[1]}</line></clef></attributes>"
                )
                if index == 0:
                    out.append(
                        '<direction placement="above"><direction-type><metronome>'
                        f"<beat-unit>quarter</beat-unit><per-minute>{tempo:g}</per-minute>"
                        f'</metronome></direction-type><sound tempo="{tempo:g}"/></direction>'
                    )
            out.extend(_bar(notes, begin, end))
            out.append("</measure>\n")
        out.append("</part>\n")
    out.append("</score-partwise>\n")
    return "".join(out)


def write_musicxml(
    arrangement: Any,
    path: str | os.PathLike[str],
    *,
    tempo: float,
    title: str = "Harmonization",
    names: Sequence[str] | None = None,
    programs: Sequence[int] | None = None,
    time_signature: TimeSignature | None = None,
) -> None:
    """Write `musicxml_text(...)` to `path` (UTF-8)."""
    text = musicxml_text(
        arrangement,
        tempo=tempo,
        title=title,
        names=names,
        programs=programs,
        time_signature=time_signature,
    )
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def _monophonic(notes: list[Note]) -> list[Note]:
    """The highest of notes that start together; a note cut where the next one starts."""
    ordered = sorted(notes, key=lambda note: (note.start, -note.pitch))
    kept: list[Note] = []
    for note in ordered:
        if kept and note.start < kept[-1].end:
            if note.start == kept[-1].start:
                continue
            kept[-1] = kept[-1]._replace(end=note.start)
        kept.append(note)
    return kept


def _bar_starts(metre: TimeSignature, steps: int) -> list[int]:
    """Where each written bar begins, and where the last one ends (filled out to a whole bar,
    or to the pickup when the piece is no longer than it): at least one bar."""
    starts = metre.bar_starts(max(steps, 1))[:-1]
    last = starts[-1]
    end = metre.pickup if metre.pickup and last == 0 else last + metre.bar_steps
    return [*starts, end]


def _bar(notes: list[Note], begin: int, end: int) -> Iterator[str]:
    """The notes and rests of the bar from step `begin` to `end`, tied across its bar lines."""
    now = begin
    for note in notes:
        if note.end <= begin or note.start >= end:
            continue
        start, stop = max(note.start, begin), min(note.end, end)
        if start > now:
            yield from _written(None, start - now, False, False)
        yield from _written(note.pitch, stop - start, note.start < begin, note.end > end)
        now = stop
    if now < end:
        yield from _written(None, end - now, False, False)


def _written(pitch: int | None, steps: int, tied_in: bool, tied_out: bool) -> Iterator[str]:
    """One sounding span as written notes of standard lengths, tied to each other."""
    pieces = []
    while steps > 0:
        size = max(length for length in _TYPES if length <= steps)
        pieces.append(size)
        steps -= size
    for number, size in enumerate(pieces):
        kind, dots = _TYPES[size]
        into = tied_in or number > 0
        onward = tied_out or number < len(pieces) - 1
        if pitch is None:
            dotted = "<dot/>" * dots
            yield f"<note><rest/><duration>{size}</duration><type>{kind}</type>{dotted}</note>"
            continue
        step, alter = _STEP_NAMES[pitch % 12]
        ties = ('<tie type="stop"/>' if into and pitch is not None else "") + (
            '<tie type="start"/>' if onward else ""
        )
        notations = ('<tied type="stop"/>' if into else "") + (
            '<tied type="start"/>' if onward else ""
        )
        yield (
            f"<note><pitch><step>{step}</step>{'<alter>1</alter>' if alter else ''}"
            f"<octave>{pitch // 12 - 1}</octave></pitch><duration>{size}</duration>{ties}"
            f"<type>{kind}</type>{'<dot/>' * dots}"
            f"{'<accidental>sharp</accidental>' if alter else ''}"
            f"{f'<notations>{notations}</notations>' if notations else ''}</note>"
        )
