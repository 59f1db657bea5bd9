"""Music models: the MusicModel base, piano rolls, MIDI in and out, rendering, metrics."""

from distkit.music.base import PITCHES, STEPS_PER_QUARTER, VOICES, MusicModel

__all__ = ["PITCHES", "STEPS_PER_QUARTER", "VOICES", "MusicModel"]
