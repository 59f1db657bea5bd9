"""The styles this plugin ships: which corpus each learns from, its voices, instruments, ranges.

No numpy or torch here: listing models imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    """A style: its id, the corpus it is trained on, and its four voices, top first."""

    id: str
    corpus: str
    voices: tuple[str, str, str, str]
    programs: tuple[int, int, int, int]
    """General MIDI programs, counted from 0."""
    ranges: tuple[tuple[int, int], ...]
    """Each voice's lowest and highest MIDI pitch: its instrument's (or singer's) range."""
    melody_centre: int
    """The MIDI pitch a melody's mean is moved towards, by octaves, before harmonizing."""


STRING_QUARTET = Style(
    id="string-quartet",
    corpus="string-quartets",
    voices=("violin I", "violin II", "viola", "cello"),
    programs=(40, 40, 41, 42),  # GM 41 violin, 42 viola, 43 cello
    ranges=((55, 100), (55, 96), (48, 88), (36, 76)),
    melody_centre=76,
)
RENAISSANCE = Style(
    id="renaissance",
    corpus="palestrina",
    voices=("cantus", "altus", "tenor", "bassus"),
    programs=(52, 53, 53, 52),  # GM 53 choir aahs, 54 voice oohs
    ranges=((60, 81), (53, 74), (48, 69), (40, 62)),
    melody_centre=69,
)
STYLES = {style.id: style for style in (STRING_QUARTET, RENAISSANCE)}
