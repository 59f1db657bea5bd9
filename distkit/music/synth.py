"""A small additive synthesiser: piano rolls to a 16-bit mono WAV, with numpy and `wave` only.

Each note is a few harmonics under an attack-decay-sustain-release envelope; each voice has its
own harmonic mix, and the voices are summed and normalised to just under full scale. The sound
is made in chunks of a few seconds, so a WAV of any length is written in bounded memory.
"""

from __future__ import annotations

import math
import os
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from distkit.music.base import STEPS_PER_QUARTER, as_tracks
from distkit.music.limits import check_wav_seconds
from distkit.music.midi import DEFAULT_TEMPO
from distkit.music.notes import Note, notes_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

SAMPLE_RATE = 22_050
ATTACK, DECAY, SUSTAIN, RELEASE = 0.02, 0.12, 0.6, 0.15  # seconds, seconds, level, seconds
PEAK = 0.9
# Harmonic amplitudes and a gain per voice: soprano, alto, tenor, bass (then the soprano's).
HARMONICS = ((1.0, 0.4, 0.2, 0.1), (1.0, 0.25, 0.1), (1.0, 0.3, 0.15), (1.0, 0.5, 0.3, 0.2, 0.1))
GAINS = (1.0, 0.6, 0.6, 0.75)
TIMBRES = {
    # The Web Audio oscillator shapes the studio plays, as their first harmonics.
    "sine": (1.0,),
    "triangle": (1.0, 0.0, 1 / 9, 0.0, 1 / 25, 0.0, 1 / 49),
    "square": (1.0, 0.0, 1 / 3, 0.0, 1 / 5, 0.0, 1 / 7, 0.0, 1 / 9),
    "sawtooth": (1.0, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6, 1 / 7, 1 / 8),
}
CHUNK_SAMPLES = 1 << 16  # about three seconds


def synthesize(
    roll: Any,
    *,
    tempo: float = DEFAULT_TEMPO,
    sample_rate: int = SAMPLE_RATE,
    gains: tuple[float, ...] | None = None,
    timbres: tuple[str, ...] | None = None,
) -> NDArray[np.float64]:
    """Mono samples in [-1, 1] for a (steps, 128) or (tracks, steps, 128) roll, in memory;
    `gains` and `timbres` as `render_wav` takes them.

    The sound lasts the roll's length plus `RELEASE` seconds, so the last notes fade out.
    """
    import numpy as np

    voicing = _voicing(gains, timbres)
    mix = np.concatenate(list(_mix(as_tracks(roll), tempo, sample_rate, voicing)))
    peak = float(np.abs(mix).max(initial=0.0))
    return mix * (PEAK / peak) if peak > 0 else mix


def render_wav(
    roll: Any,
    path: str | os.PathLike[str],
    *,
    tempo: float = DEFAULT_TEMPO,
    sample_rate: int = SAMPLE_RATE,
    gains: tuple[float, ...] | None = None,
    timbres: tuple[str, ...] | None = None,
) -> Path:
    """Write `synthesize(roll)` to `path` as a 16-bit mono WAV and return the path.

    `gains` (a level per track) and `timbres` (a `TIMBRES` name per track) replace each voice's
    default level and harmonic mix.

    The sound is made a few seconds at a time and kept, until it is scaled, in an unnamed
    temporary file beside `path`: memory stays flat however long the music. A roll that would
    last over `MAX_WAV_SECONDS` is a UsageError before anything is written.
    """
    import numpy as np

    tracks = as_tracks(roll)
    _check_rates(tempo, sample_rate)
    check_wav_seconds(tracks.shape[1], tempo)
    target = Path(path)
    peak = 0.0
    with tempfile.TemporaryFile(dir=target.parent, prefix=".distkit-wav-") as scratch:
        for chunk in _mix(tracks, tempo, sample_rate, _voicing(gains, timbres)):
            peak = max(peak, float(np.abs(chunk).max(initial=0.0)))
            scratch.write(chunk.astype("<f4").tobytes())
        scale = 32767 * PEAK / peak if peak > 0 else 0.0
        scratch.seek(0)
        with wave.open(str(target), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            while block := scratch.read(4 * CHUNK_SAMPLES):
                samples = np.frombuffer(block, dtype="<f4").astype(np.float64)
                out.writeframes(np.round(samples * scale).astype("<i2").tobytes())
    return target


class _Sounding(NamedTuple):
    """A note placed in samples: where it starts, how many samples it lasts with its release."""

    start: int
    size: int
    seconds: float
    pitch: int
    voice: int


class _Voicing(NamedTuple):
    """How each track sounds: its level and its harmonics."""

    gains: tuple[float, ...]
    harmonics: tuple[tuple[float, ...], ...]


def _voicing(gains: tuple[float, ...] | None, timbres: tuple[str, ...] | None) -> _Voicing:
    harmonics = HARMONICS if timbres is None else tuple(TIMBRES[name] for name in timbres)
    return _Voicing(GAINS if gains is None else gains, harmonics)


def _mix(
    tracks: NDArray[np.bool_],
    tempo: float,
    sample_rate: int,
    voicing: _Voicing | None = None,
) -> Iterator[NDArray[Any]]:
    """The sum of all voices, `CHUNK_SAMPLES` samples at a time (the last chunk shorter)."""
    import numpy as np

    voicing = voicing or _voicing(None, None)

    _check_rates(tempo, sample_rate)
    step_seconds = 60.0 / tempo / STEPS_PER_QUARTER
    length = math.ceil(tracks.shape[1] * step_seconds * sample_rate)
    length += math.ceil(RELEASE * sample_rate)
    notes = sorted(
        (
            _sounding(note, index, step_seconds, sample_rate, len(voicing.gains))
            for index, track in enumerate(tracks)
            for note in notes_of(track)
        ),
        key=lambda sounding: sounding.start,
    )
    waiting, playing = iter(notes), list[_Sounding]()
    upcoming = next(waiting, None)
    for begin in range(0, length, CHUNK_SAMPLES):
        end = min(begin + CHUNK_SAMPLES, length)
        while upcoming is not None and upcoming.start < end:
            playing.append(upcoming)
            upcoming = next(waiting, None)
        mix = np.zeros(end - begin)
        for note in playing:
            first, stop = max(begin, note.start), min(end, note.start + note.size)
            if first < stop:
                tone = _tone(
                    note.pitch,
                    note.seconds,
                    sample_rate,
                    voicing.harmonics[note.voice],
                    range(first - note.start, stop - note.start),
                )
                mix[first - begin : stop - begin] += voicing.gains[note.voice] * tone
        playing = [note for note in playing if note.start + note.size > end]
        yield mix


def _sounding(
    note: Note, track: int, step_seconds: float, sample_rate: int, voices: int
) -> _Sounding:
    seconds = (note.end - note.start) * step_seconds
    return _Sounding(
        start=round(note.start * step_seconds * sample_rate),
        size=math.ceil((seconds + RELEASE) * sample_rate),
        seconds=seconds,
        pitch=note.pitch,
        voice=track if track < voices else 0,
    )


def _check_rates(tempo: float, sample_rate: int) -> None:
    if tempo <= 0 or sample_rate <= 0:
        raise ValueError(f"tempo and sample_rate must be positive, got {tempo} and {sample_rate}")


def _tone(
    pitch: int, seconds: float, sample_rate: int, harmonics: tuple[float, ...], samples: range
) -> NDArray[np.float64]:
    """Samples `samples` of one note: its harmonics under the ADSR envelope, `RELEASE` seconds
    longer than held."""
    import numpy as np

    t = np.arange(samples.start, samples.stop) / sample_rate
    frequency = 440.0 * 2 ** ((pitch - 69) / 12)
    wave_ = sum(
        (weight * np.sin(2 * np.pi * k * frequency * t))
        for k, weight in enumerate(harmonics, start=1)
        if k * frequency < sample_rate / 2
    )
    attack = min(ATTACK, seconds / 2)
    decay = min(DECAY, seconds - attack)
    held = 1 - (1 - SUSTAIN) * decay / DECAY
    envelope = np.interp(
        t, [0, attack, attack + decay, seconds, seconds + RELEASE], [0, 1, held, held, 0]
    )
    return np.asarray(envelope * wave_ / sum(harmonics))
