"""A small additive synthesiser: piano rolls to a 16-bit mono WAV, with numpy and `wave` only.

Each note is a few harmonics under an attack-decay-sustain-release envelope; each voice has its
own harmonic mix, and the voices are summed and normalised to just under full scale.
"""

from __future__ import annotations

import math
import os
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.music.base import STEPS_PER_QUARTER, as_tracks
from distkit.music.midi import DEFAULT_TEMPO
from distkit.music.notes import notes_of

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

SAMPLE_RATE = 22_050
ATTACK, DECAY, SUSTAIN, RELEASE = 0.02, 0.12, 0.6, 0.15  # seconds, seconds, level, seconds
PEAK = 0.9
# Harmonic amplitudes and a gain per voice: soprano, alto, tenor, bass (then the soprano's).
HARMONICS = ((1.0, 0.4, 0.2, 0.1), (1.0, 0.25, 0.1), (1.0, 0.3, 0.15), (1.0, 0.5, 0.3, 0.2, 0.1))
GAINS = (1.0, 0.6, 0.6, 0.75)


def synthesize(
    roll: Any, *, tempo: float = DEFAULT_TEMPO, sample_rate: int = SAMPLE_RATE
) -> NDArray[np.float64]:
    """Mono samples in [-1, 1] for a (steps, 128) or (tracks, steps, 128) roll.

    The sound lasts the roll's length plus `RELEASE` seconds, so the last notes fade out.
    """
    import numpy as np

    tracks = as_tracks(roll)
    if tempo <= 0 or sample_rate <= 0:
        raise ValueError(f"tempo and sample_rate must be positive, got {tempo} and {sample_rate}")
    step_seconds = 60.0 / tempo / STEPS_PER_QUARTER
    length = math.ceil(tracks.shape[1] * step_seconds * sample_rate)
    mix = np.zeros(length + math.ceil(RELEASE * sample_rate))
    for index, track in enumerate(tracks):
        voice = index if index < len(HARMONICS) else 0
        for note in notes_of(track):
            start = round(note.start * step_seconds * sample_rate)
            tone = _tone(
                note.pitch, (note.end - note.start) * step_seconds, sample_rate, HARMONICS[voice]
            )
            stop = min(start + tone.size, mix.size)
            mix[start:stop] += GAINS[voice] * tone[: stop - start]
    peak = float(np.abs(mix).max(initial=0.0))
    return mix * (PEAK / peak) if peak > 0 else mix


def render_wav(
    roll: Any,
    path: str | os.PathLike[str],
    *,
    tempo: float = DEFAULT_TEMPO,
    sample_rate: int = SAMPLE_RATE,
) -> Path:
    """Write `synthesize(roll)` to `path` as a 16-bit mono WAV and return the path."""
    import numpy as np

    samples = synthesize(roll, tempo=tempo, sample_rate=sample_rate)
    frames = np.round(samples * 32767).astype("<i2").tobytes()
    target = Path(path)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(frames)
    return target


def _tone(
    pitch: int, seconds: float, sample_rate: int, harmonics: tuple[float, ...]
) -> NDArray[np.float64]:
    """One note: its harmonics under the ADSR envelope, `RELEASE` seconds longer than held."""
    import numpy as np

    t = np.arange(math.ceil((seconds + RELEASE) * sample_rate)) / sample_rate
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
