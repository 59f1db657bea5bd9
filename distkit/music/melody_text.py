"""A melody written as text: note names with octave, `:N` lengths in beats, `r` for rests.

`"G4 G4 D5 D5 E5 E5 D5:2 r F#4:0.5 Bb3:1/2"` is G above middle C twice, ..., a half-beat F sharp
and a half-beat B flat. A note without `:N` lasts one beat (a quarter note). `distkit compose
--notes` and the studio's text box share this one parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from distkit.errors import MelodyTextError
from distkit.music.base import PITCHES, STEPS_PER_QUARTER
from distkit.music.notes import Note, track_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MAX_BEATS = 1024  # 256 bars of 4/4: far more than a melody to harmonize, small enough to serve
LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_TOKEN = re.compile(
    r"(?:(?P<rest>[rR])|(?P<letter>[A-Ga-g])(?P<accidentals>#{1,2}|b{1,2}|)(?P<octave>-?\d+))"
    r"(?::(?P<length>[^:]*))?"
)
_LENGTH = re.compile(r"\d{1,6}(?:\.\d{1,6})?|\d{1,6}/\d{1,6}")


@dataclass(frozen=True)
class TextNote:
    """A note (a MIDI pitch) or a rest (pitch None) lasting `steps` sixteenths."""

    pitch: int | None
    steps: int


def parse_melody_text(text: str) -> list[TextNote]:
    """The notes and rests of `text`; a MelodyTextError naming the first bad token's position."""
    tokens = text.split()
    if not tokens:
        raise MelodyTextError("the melody text has no notes")
    notes = [_parse_token(token, position) for position, token in enumerate(tokens, start=1)]
    if all(note.pitch is None for note in notes):
        raise MelodyTextError("the melody text has only rests")
    if sum(note.steps for note in notes) > MAX_BEATS * STEPS_PER_QUARTER:
        raise MelodyTextError(f"the melody text is longer than {MAX_BEATS} beats")
    return notes


def text_notes(text: str) -> list[Note]:
    """The notes of `text` on the step grid, rests leaving gaps."""
    notes, start = [], 0
    for note in parse_melody_text(text):
        if note.pitch is not None:
            notes.append(Note(note.pitch, start, start + note.steps))
        start += note.steps
    return notes


def melody_from_text(text: str) -> NDArray[np.bool_]:
    """`text` as a (steps, 128) bool melody roll, trailing rests included."""
    steps = sum(note.steps for note in parse_melody_text(text))
    return track_of(text_notes(text), steps)


def notes_to_text(notes: Iterable[Note]) -> str:
    """Monophonic notes written as text that parses back to the same notes.

    A note that overlaps the next one is cut where the next one starts; of notes that start
    together, the highest is kept.
    """
    ordered = sorted(notes, key=lambda note: (note.start, -note.pitch))
    words, now = [], 0
    for index, note in enumerate(ordered):
        if note.start < now:
            continue
        if note.start > now:
            words.append(_with_length("r", note.start - now))
        later = [other.start for other in ordered[index + 1 :] if other.start > note.start]
        end = min(note.end, later[0]) if later else note.end
        words.append(_with_length(note_name(note.pitch), end - note.start))
        now = end
    return " ".join(words)


def note_name(pitch: int) -> str:
    """A MIDI pitch's name with octave, sharps for black keys: 60 is C4, 70 is A#4."""
    return f"{SHARP_NAMES[pitch % 12]}{pitch // 12 - 1}"


def _with_length(word: str, steps: int) -> str:
    beats = Fraction(steps, STEPS_PER_QUARTER)
    if beats == 1:
        return word
    return f"{word}:{beats.numerator if beats.denominator == 1 else float(beats):g}"


def _parse_token(token: str, position: int) -> TextNote:
    def bad(why: str) -> MelodyTextError:
        return MelodyTextError(f"note {position} {token!r}: {why}")

    match = _TOKEN.fullmatch(token)
    if match is None:
        raise bad("expected a note name with octave such as C4, F#3 or Bb5, or r for a rest")
    steps = _steps(match["length"], bad) if match["length"] is not None else STEPS_PER_QUARTER
    if match["rest"]:
        return TextNote(None, steps)
    accidentals = match["accidentals"]
    shift = len(accidentals) * (1 if accidentals.startswith("#") else -1)
    octave = match["octave"]
    if len(octave.lstrip("-0")) > 2:  # far out of range, and int() refuses over 4300 digits
        raise bad("the pitch is outside MIDI's range C-1 to G9")
    pitch = 12 * (int(octave) + 1) + LETTERS[match["letter"].upper()] + shift
    if not 0 <= pitch < PITCHES:
        raise bad("the pitch is outside MIDI's range C-1 to G9")
    return TextNote(pitch, steps)


def _steps(length: str, bad: Callable[[str], MelodyTextError]) -> int:
    """A length in beats (`2`, `0.5`, `1/2`) as a whole number of sixteenth-note steps."""
    not_a_length = bad(f"the length {length!r} is not a number of beats such as 2, 0.5 or 1/2")
    whole = re.fullmatch(r"(\d+)(?:\.\d+)?", length)
    if whole is not None and len(whole[1].lstrip("0")) > 6:
        raise bad(f"the length is over {MAX_BEATS} beats")
    if _LENGTH.fullmatch(length) is None:
        raise not_a_length
    try:
        beats = Fraction(length)
    except ZeroDivisionError:
        raise not_a_length from None
    if beats <= 0:
        raise bad("the length must be more than 0 beats")
    if beats > MAX_BEATS:
        raise bad(f"the length is over {MAX_BEATS} beats")
    steps = beats * STEPS_PER_QUARTER
    if steps.denominator != 1:
        raise bad(f"the length must be a multiple of 1/{STEPS_PER_QUARTER} beat")
    return int(steps)
