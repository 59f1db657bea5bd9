"""Standard MIDI Files read into notes on the file's tick grid, in time linear in its size.

A small reader of our own rather than mido's: mido reads a variable-length number of any length
(a file of 0xFF bytes takes time quadratic in its size) and pretty_midi then allocates an array
as long as the last tick. Here a time value has at most four bytes, as the standard says, every
length is checked against the bytes that are there, and nothing is allocated per tick.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from dataclasses import dataclass, field

from distkit.errors import MidiError

DRUM_CHANNEL = 9  # channel 10, counted from 0
DEFAULT_QPM = 120.0  # a file's tempo until it sets one
_DATA_LENGTH = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}
_END_OF_TRACK, _TRACK_NAME, _SET_TEMPO, _TIME_SIGNATURE = 0x2F, 0x03, 0x51, 0x58


@dataclass(frozen=True, slots=True)
class TickNote:
    """A note from tick `start` up to, not including, tick `end`."""

    pitch: int
    start: int
    end: int


@dataclass
class Part:
    """The pitched notes of one channel of one track chunk."""

    track: int
    channel: int
    name: str
    notes: list[TickNote] = field(default_factory=list)


@dataclass(frozen=True)
class MidiFile:
    """What distkit reads from a MIDI file: its parts with notes, in file order."""

    format: int
    ticks_per_quarter: int
    tempo: float
    parts: list[Part]
    drum_notes: int
    track_chunks: int
    time_signatures: tuple[TimeSignatureEvent, ...] = ()
    """Every time signature the file sets, by tick (the first of any at the same tick)."""
    last_tick: int = 0
    """The tick of the file's last event of any kind (a track's end included)."""


@dataclass(frozen=True)
class TimeSignatureEvent:
    """A time signature set at `tick`: `numerator` beats of a 1/`denominator` note per bar."""

    tick: int
    numerator: int
    denominator: int


def parse(data: bytes) -> MidiFile:
    """The notes of a Standard MIDI File's bytes; a MidiError (without the file's name) when
    they are not one. Format 2 files give their first pattern only."""
    if data[:4] != b"MThd" or len(data) < 14:
        raise MidiError("is not a MIDI file (no MThd header)")
    length, file_format, _, division = struct.unpack(">IHHH", data[4:14])
    if length < 6:
        raise MidiError("is not a readable MIDI file (its header is too short)")
    if 8 + length > len(data):
        raise MidiError("is not a readable MIDI file (its header runs past the end)")
    if division & 0x8000:
        raise MidiError("counts time in SMPTE frames, not beats; distkit reads beat-based files")
    if division == 0:
        raise MidiError("is not a readable MIDI file (0 ticks per quarter note)")
    if file_format > 2:
        raise MidiError(f"is not a readable MIDI file (unknown format {file_format})")
    parts: list[Part] = []
    drum_notes = 0
    tempo = DEFAULT_QPM
    signatures: dict[int, TimeSignatureEvent] = {}
    last_tick = 0
    chunks = _track_chunks(data, 8 + length)
    for index, chunk in enumerate(chunks):
        reader = _TrackReader(chunk, index)
        reader.read()
        if index == 0:
            tempo = reader.tempo
        parts.extend(reader.parts())
        drum_notes += reader.drum_notes
        for event in reader.time_signatures:
            signatures.setdefault(event.tick, event)
        last_tick = max(last_tick, reader.last_tick)
        if file_format == 2:
            break
    events = tuple(signatures[tick] for tick in sorted(signatures))
    return MidiFile(file_format, division, tempo, parts, drum_notes, len(chunks), events, last_tick)


def _track_chunks(data: bytes, offset: int) -> list[bytes]:
    """The bodies of the MTrk chunks; other chunk types are skipped, as the standard asks."""
    chunks = []
    while offset + 8 <= len(data):
        kind, size = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8])
        offset += 8
        if offset + size > len(data):
            raise MidiError(
                f"is not a readable MIDI file (a chunk of {size:,} bytes runs past the end)"
            )
        if kind == b"MTrk":
            chunks.append(data[offset : offset + size])
        offset += size
    if not chunks:
        raise MidiError("has no tracks, so no notes to read")
    return chunks


class _TrackReader:
    """The events of one track chunk, turned into notes per channel as pretty_midi pairs them:
    a note-off ends every open note of its pitch that began at an earlier tick."""

    def __init__(self, chunk: bytes, index: int) -> None:
        self.chunk, self.index, self.at = chunk, index, 0
        self.name = ""
        self.tempo = DEFAULT_QPM
        self.drum_notes = 0
        self.last_tick = 0
        self.time_signatures: list[TimeSignatureEvent] = []
        self.notes: dict[int, list[TickNote]] = defaultdict(list)
        self.open: dict[tuple[int, int], list[int]] = {}

    def read(self) -> None:
        tick, status = 0, 0
        while self.at < len(self.chunk):
            tick += self._number()
            self.last_tick = tick
            byte = self._bytes(1)[0]
            if byte < 0x80:  # running status: the byte is the first data byte
                if not status:
                    raise self._error("has a data byte where an event should start")
                self.at -= 1
            else:
                status = byte if byte < 0xF0 else status
            if byte == 0xFF:
                if self._meta(tick):
                    return
            elif byte in (0xF0, 0xF7):
                self._bytes(self._number())
            elif byte >= 0xF0:
                raise self._error(f"has an undefined status byte 0x{byte:02X}")
            else:
                self._channel_event(status, tick)

    def parts(self) -> list[Part]:
        name = "".join(c if c.isprintable() else "?" for c in self.name.strip())[:40]
        return [
            Part(self.index, channel, name, self.notes[channel])
            for channel in sorted(self.notes)
            if self.notes[channel]
        ]

    def _meta(self, tick: int) -> bool:
        """Read a meta event; True at the end of the track."""
        kind = self._bytes(1)[0]
        body = self._bytes(self._number())
        if kind == _END_OF_TRACK:
            return True
        if kind == _TRACK_NAME and not self.name:
            self.name = body.decode("latin-1")
        elif kind == _SET_TEMPO and tick == 0 and len(body) == 3:
            microseconds = int.from_bytes(body)
            if microseconds == 0:
                raise self._error("sets a tempo of 0 microseconds per quarter note")
            self.tempo = 60_000_000 / microseconds
        elif kind == _TIME_SIGNATURE and len(body) >= 2 and body[0] > 0 and body[1] <= 6:
            self.time_signatures.append(TimeSignatureEvent(tick, body[0], 2 ** body[1]))
        return False

    def _channel_event(self, status: int, tick: int) -> None:
        kind, channel = status & 0xF0, status & 0x0F
        data = self._bytes(_DATA_LENGTH[kind])
        if any(byte >= 0x80 for byte in data):
            raise self._error("has a data byte above 127")
        if kind == 0x90 and data[1] > 0:
            self.open.setdefault((channel, data[0]), []).append(tick)
        elif kind in (0x80, 0x90):
            self._note_off(channel, data[0], tick)

    def _note_off(self, channel: int, pitch: int, tick: int) -> None:
        starts = self.open.pop((channel, pitch), [])
        ended = [start for start in starts if start != tick]
        if channel == DRUM_CHANNEL:
            self.drum_notes += len(ended)
        else:
            self.notes[channel].extend(TickNote(pitch, start, tick) for start in ended)
        if ended and len(ended) < len(starts):  # a note that begins on this tick goes on
            self.open[(channel, pitch)] = [tick] * (len(starts) - len(ended))

    def _number(self) -> int:
        """A variable-length number: at most four bytes, seven bits each."""
        value = 0
        for _ in range(4):
            byte = self._bytes(1)[0]
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                return value
        raise self._error("has a time or length value longer than four bytes")

    def _bytes(self, count: int) -> bytes:
        if self.at + count > len(self.chunk):
            raise self._error("is cut short in the middle of an event")
        start, self.at = self.at, self.at + count
        return self.chunk[start : self.at]

    def _error(self, problem: str) -> MidiError:
        return MidiError(f"is not a readable MIDI file (track {self.index + 1} {problem})")
