"""Melodies as note events: pitch relative to the key's tonic, duration, and place in the bar.

One vocabulary serves every melody model. A pitch token is a rest or a pitch relative to the
tonic in octave 4 (from two octaves below to three above); a duration token is a length in
sixteenth-note steps from a fixed set; a bar position is the step of the note's onset within its
bar. The first token of every sequence is a start event (pitch and duration `START`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

LOWEST = -24
"""The lowest pitch token's distance from the tonic in octave 4 (MIDI 60 + tonic)."""
PITCH_SPAN = 60
REST = PITCH_SPAN
"""The pitch token of a rest."""
PITCH_TOKENS = PITCH_SPAN + 1
DURATIONS = (*range(1, 17), 18, 20, 24, 28, 32, 36, 40, 48, 64)
"""The note lengths in sixteenth-note steps a duration token stands for."""
DURATION_TOKENS = len(DURATIONS)
START = -1
"""Pitch and duration of the start event that opens every sequence."""
POSITIONS = 64
"""Bar positions 0..63 steps: a bar up to 4/1; later onsets share the last position."""
Mode = Literal["major", "minor"]


@dataclass(frozen=True)
class Key:
    """A tonic pitch class (0 = C) and a mode."""

    tonic: int
    mode: Mode

    @property
    def reference(self) -> int:
        """The MIDI pitch of the tonic in octave 4: pitch tokens count from it."""
        return 60 + self.tonic % 12


@dataclass(frozen=True)
class Events:
    """A melody as parallel arrays: pitch tokens, duration tokens, bar positions, bar lengths."""

    pitches: NDArray[np.int64]
    durations: NDArray[np.int64]
    positions: NDArray[np.int64]
    bar_steps: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.pitches.shape[0])


def pitch_token(pitch: int | None, key: Key) -> int:
    """The token of a MIDI pitch (None: a rest); octaves folded into the token range."""
    if pitch is None:
        return REST
    relative = pitch - key.reference
    while relative < LOWEST:
        relative += 12
    while relative >= LOWEST + PITCH_SPAN:
        relative -= 12
    return relative - LOWEST


def token_pitch(token: int, key: Key) -> int | None:
    """The MIDI pitch a pitch token stands for in `key`; None for a rest."""
    if token == REST:
        return None
    return key.reference + LOWEST + token


def duration_token(steps: int) -> int:
    """The token of the nearest length in DURATIONS (ties go to the shorter)."""
    best = min(range(DURATION_TOKENS), key=lambda i: (abs(DURATIONS[i] - steps), i))
    return best


def position_token(step_in_bar: int) -> int:
    return min(max(step_in_bar, 0), POSITIONS - 1)


def encode(
    notes: Sequence[tuple[int | None, int]], key: Key, bar_steps: int, start_in_bar: int = 0
) -> Events:
    """(pitch or None, steps) notes in order, the first starting `start_in_bar` steps into a bar."""
    import numpy as np

    pitches, durations, positions = [], [], []
    now = start_in_bar
    for pitch, steps in notes:
        pitches.append(pitch_token(pitch, key))
        durations.append(duration_token(steps))
        positions.append(position_token(now % bar_steps))
        now += steps
    count = len(pitches)
    return Events(
        np.array(pitches, dtype=np.int64),
        np.array(durations, dtype=np.int64),
        np.array(positions, dtype=np.int64),
        np.full(count, bar_steps, dtype=np.int64),
    )


def melody_notes(melody: NDArray[np.bool_]) -> list[tuple[int | None, int]]:
    """A (steps, 128) roll as (pitch or None, steps) notes and rests, in order.

    Of notes that start together the highest is kept; the one-step gap distkit leaves before a
    repeated pitch (see `distkit.music.notes`) belongs to the note before it, not to a rest.
    """
    import bisect

    from distkit.music.notes import notes_of

    notes: list[tuple[int | None, int]] = []
    now = 0
    ordered = sorted(notes_of(melody), key=lambda note: (note.start, -note.pitch))
    starts = [note.start for note in ordered]
    for note in ordered:
        if note.start < now:
            continue
        gap = note.start - now
        repeat = gap == 1 and notes and notes[-1][0] == note.pitch
        if repeat:
            notes[-1] = (note.pitch, notes[-1][1] + 1)
        elif gap:
            notes.append((None, gap))
        following = bisect.bisect_right(starts, note.start)
        end = min(note.end, starts[following]) if following < len(starts) else note.end
        notes.append((note.pitch, end - note.start))
        now = end
    if now < melody.shape[0]:
        notes.append((None, melody.shape[0] - now))
    return notes


def roll_of(notes: Sequence[tuple[int | None, int]]) -> NDArray[np.bool_]:
    """(pitch or None, steps) notes as a (steps, 128) bool roll, repeats separated."""
    from distkit.music.notes import Note, track_of

    placed, now = [], 0
    for pitch, steps in notes:
        if pitch is not None:
            placed.append(Note(pitch, now, now + steps))
        now += steps
    return track_of(placed, now)


KRUMHANSL_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KRUMHANSL_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def estimate_key(notes: Sequence[tuple[int | None, int]]) -> Key:
    """The key whose Krumhansl-Kessler profile best matches the duration-weighted pitch classes."""
    import numpy as np

    weights = np.zeros(12)
    for pitch, steps in notes:
        if pitch is not None:
            weights[pitch % 12] += steps
    if not weights.any():
        return Key(0, "major")
    best: tuple[float, int, Mode] = (-2.0, 0, "major")
    for mode, profile in (("major", KRUMHANSL_MAJOR), ("minor", KRUMHANSL_MINOR)):
        for tonic in range(12):
            rotated = np.roll(np.array(profile), tonic)
            score = float(np.corrcoef(weights, rotated)[0, 1]) if weights.std() else 0.0
            if score > best[0]:
                best = (score, tonic, "minor" if mode == "minor" else "major")
    return Key(best[1], best[2])


def encode_placed(
    pitches: NDArray[np.int64],
    steps: NDArray[np.int64],
    positions: NDArray[np.int64],
    bar_steps: NDArray[np.int64],
    key: Key,
) -> Events:
    """Events of notes whose bar positions are known (a parsed score's), pitches MIDI or -1."""
    import numpy as np

    return Events(
        np.array(
            [pitch_token(None if p < 0 else int(p), key) for p in pitches.tolist()], dtype=np.int64
        ),
        np.array([duration_token(int(s)) for s in steps.tolist()], dtype=np.int64),
        np.clip(positions, 0, POSITIONS - 1).astype(np.int64),
        np.asarray(bar_steps, dtype=np.int64),
    )
