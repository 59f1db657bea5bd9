"""A small reader of the ABC tunes in music21's folk collections: notes, rests, bars, keys.

music21 parses ABC completely and slowly (about 35 ms a tune, 8 minutes of a CPU core for the
12,000 folk tunes); this reader takes only what the melody models use, the first voice's notes
and rests with their lengths, bar lines, the key signature with its accidentals and the metre,
in about a millisecond a tune. Repeats are read as written (not expanded), as music21 does;
a K:, L: or M: field on a line of its own inside a tune is not read (inline [K:...] fields are):
a known gap (37 of the 12,762 tunes change key on such a line, 51 have one of the three, none in
Essen), kept so that the shipped models' corpus stays the one they were trained on;
grace notes, chord symbols, annotations and decorations are skipped; of a chord the highest
note is kept. The tests check it against music21 on a sample of tunes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
ORDER_OF_SHARPS = "FCGDAEB"
MODE_OFFSET = {"": 0, "maj": 0, "ion": 0, "m": 9, "min": 9, "aeo": 9, "dor": 2, "phr": 4,
               "lyd": 5, "mix": 7, "loc": 11}  # fmt: skip
"""Semitones from the major scale's tonic up to each mode's tonic."""
SHARPS_OF_MAJOR = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 1: -5, 8: -4, 3: -3, 10: -2, 5: -1}
_NOTE = re.compile(r"(\^\^|\^|__|_|=)?([A-Ga-g])([',]*)(\d*)(/*)(\d*)")
_REST = re.compile(r"([zx])(\d*)(/*)(\d*)")
_FIELD_LINE = re.compile(r"^[A-Za-z]:")


class AbcError(ValueError):
    """A tune this reader cannot read (it is then left out, as music21's failures are)."""


@dataclass(frozen=True)
class AbcTune:
    """One tune: an id, notes as (MIDI pitch or None, onset, length) in whole notes from the
    first note, the bar length in whole notes and the onset of every bar line."""

    number: str
    title: str
    notes: list[tuple[int | None, Fraction, Fraction]]
    bar: Fraction
    bar_lines: list[Fraction]


def split_tunes(text: str) -> Iterator[tuple[str, list[str]]]:
    """The tunes of an ABC file: (X: number, lines), file header dropped."""
    number: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("X:"):
            if number is not None:
                yield number, lines
            number, lines = line[2:].strip(), []
        elif number is not None:
            lines.append(line)
    if number is not None:
        yield number, lines


def key_signature(field: str) -> dict[str, int]:
    """The alteration of each letter under a K: field such as `G`, `Ador`, `Bb Minor`."""
    text = field.split("%")[0].strip()
    match = re.match(r"([A-G])([#b]?)\s*([A-Za-z]*)", text)
    if not match:
        return {}
    mode = match[3].lower()
    mode = "m" if mode in ("m", "minor") else mode[:3]
    tonic = LETTERS[match[1]] + {"#": 1, "b": -1, "": 0}[match[2]]
    major = (tonic - MODE_OFFSET.get(mode, 0)) % 12
    sharps = SHARPS_OF_MAJOR[major]
    if major == 6 and match[2] == "b":
        sharps = -6
    if sharps >= 0:
        return {letter: 1 for letter in ORDER_OF_SHARPS[:sharps]}
    return {letter: -1 for letter in ORDER_OF_SHARPS[::-1][:-sharps]}


def _fraction(text: str, default: Fraction | None = None) -> Fraction | None:
    text = text.strip()
    match = re.fullmatch(r"(\d+)/(\d+)", text)
    if match and int(match[2]):
        return Fraction(int(match[1]), int(match[2]))
    if text in ("C", "C|"):
        return Fraction(1)
    return default


def _length(digits: str, slashes: str, denominator: str) -> Fraction:
    value = Fraction(int(digits) if digits else 1)
    if slashes:
        value /= int(denominator) if denominator else 2 ** len(slashes)
    return value


def read_tune(number: str, lines: list[str]) -> AbcTune:
    """One tune's notes; an AbcError when it has no metre or cannot be read."""
    title, metre, unit, signature = "", None, None, None
    body: list[str] = []
    voice_seen: str | None = None
    reading_voice = True
    for raw in lines:
        line = raw.split("%")[0] if not raw.startswith("%%") else ""
        if _FIELD_LINE.match(line):
            name, value = line[0], line[2:].strip()
            if name == "T" and not title:
                title = value
            elif name == "M" and metre is None and signature is None:
                metre = value
            elif name == "L" and signature is None:
                unit = _fraction(value)
            elif name == "K" and signature is None:
                signature = key_signature(value)
            elif name == "V":
                voice = value.split()[0] if value.split() else ""
                voice_seen = voice_seen or voice
                reading_voice = voice == voice_seen
            continue
        if signature is not None and reading_voice:
            body.append(line)
    if signature is None:
        raise AbcError("no K: field")
    bar = _fraction(metre or "", None)
    if bar is None:
        raise AbcError(f"no metre ({metre!r})")
    if unit is None:
        unit = Fraction(1, 16) if bar < Fraction(3, 4) else Fraction(1, 8)
    return _read_body(number, title, " ".join(body), signature, unit, bar)


def _read_body(
    number: str, title: str, text: str, signature: dict[str, int], unit: Fraction, bar: Fraction
) -> AbcTune:
    notes: list[tuple[int | None, Fraction, Fraction]] = []
    bar_lines: list[Fraction] = []
    now = Fraction(0)
    accidentals: dict[tuple[str, int], int] = {}
    tuplet: list[Fraction] = []  # factor, notes left
    tie = False
    broken: Fraction | None = None
    i = 0
    pitch: int | None
    text = text.replace("\\", " ")
    while i < len(text):
        char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            i = len(text) if end < 0 else end + 1
            continue
        if char in "!+":
            end = text.find(char, i + 1)
            i = i + 1 if end < 0 else end + 1
            continue
        if char == "{":
            end = text.find("}", i + 1)
            i = len(text) if end < 0 else end + 1
            continue
        if char == "[" and i + 2 < len(text) and text[i + 1].isalpha() and text[i + 2] == ":":
            end = text.find("]", i)
            field = text[i + 1 : end if end >= 0 else len(text)]
            name, value = field[0], field[2:]
            if name == "K":
                signature = key_signature(value)
            elif name == "L":
                unit = _fraction(value, unit) or unit
            elif name == "M":
                new_bar = _fraction(value, None)
                if new_bar is not None:
                    bar = new_bar
            i = len(text) if end < 0 else end + 1
            continue
        if char == "[" and i + 1 < len(text) and text[i + 1].isdigit():
            i += 2  # the start of a numbered ending
            continue
        if char in "|:" or (char == "[" and i + 1 < len(text) and text[i + 1] == "|"):
            j = i
            while j < len(text) and text[j] in "|:[]":
                j += 1
            while j < len(text) and (text[j].isdigit() or text[j] in ",-"):
                j += 1  # an ending's numbers
            if "|" in text[i:j] or "::" in text[i:j]:
                if not bar_lines or bar_lines[-1] != now:
                    bar_lines.append(now)
                accidentals = {}
            i = j
            continue
        if char == "(":
            match = re.match(r"\((\d)(?::(\d?)(?::(\d?))?)?", text[i:])
            if match:
                p = int(match[1])
                q = int(match[2]) if match[2] else {2: 3, 3: 2, 4: 3, 6: 2, 8: 3}.get(p, 2)
                r = int(match[3]) if match[3] else p
                tuplet = [Fraction(q, p), Fraction(r)]
                i += len(match[0])
            else:
                i += 1
            continue
        if char in "<>":
            j = i
            while j < len(text) and text[j] == char:
                j += 1
            count = j - i
            dotted = 2 - Fraction(1, 2**count)
            short = Fraction(1, 2**count)
            first, second = (dotted, short) if char == ">" else (short, dotted)
            if notes:
                held, onset, length = notes[-1]
                notes[-1] = (held, onset, length * first)
                now = onset + length * first
            broken = second
            i = j
            continue
        if char == "-":
            tie = True
            i += 1
            continue
        chord = char == "["
        if chord:
            end = text.find("]", i)
            if end < 0:
                raise AbcError("an unclosed chord")
            inside = [m for m in _NOTE.finditer(text[i + 1 : end])]
            after = re.match(r"(\d*)(/*)(\d*)", text[end + 1 :])
            if not inside:
                i = end + 1
                continue
            pitches = []
            lengths = []
            for m in inside:
                pitches.append(_pitch(m, signature, accidentals))
                lengths.append(_length(m[4], m[5], m[6]))
            assert after is not None
            length = lengths[0] * _length(after[1], after[2], after[3]) * unit
            pitch = max(pitches)  # of a chord, the melody's top note
            i = end + 1 + len(after[0])
        else:
            note = _NOTE.match(text, i)
            rest = _REST.match(text, i)
            if note:
                pitch = _pitch(note, signature, accidentals)
                length = _length(note[4], note[5], note[6]) * unit
                i = note.end()
            elif rest:
                pitch = None
                length = _length(rest[2], rest[3], rest[4]) * unit
                i = rest.end()
            else:
                i += 1  # decorations, spaces, bowings, slurs' ")" and anything unknown
                continue
        if broken is not None:
            length *= broken
            broken = None
        if tuplet:
            length *= tuplet[0]
            tuplet[1] -= 1
            if tuplet[1] <= 0:
                tuplet = []
        if tie and notes and notes[-1][0] == pitch and pitch is not None:
            last_pitch, onset, last_length = notes[-1]
            notes[-1] = (last_pitch, onset, last_length + length)
        else:
            notes.append((pitch, now, length))
        tie = False
        now += length
    return AbcTune(number, title, notes, bar, bar_lines)


def _pitch(match: re.Match[str], signature: dict[str, int], bar: dict[tuple[str, int], int]) -> int:
    accidental, letter, marks = match[1], match[2], match[3]
    octave = 5 if letter.islower() else 4
    octave += marks.count("'") - marks.count(",")
    upper = letter.upper()
    if accidental:
        alter = {"^": 1, "^^": 2, "_": -1, "__": -2, "=": 0}[accidental]
        bar[(upper, octave)] = alter
    else:
        alter = bar.get((upper, octave), signature.get(upper, 0))
    return 12 * (octave + 1) + LETTERS[upper] + alter
