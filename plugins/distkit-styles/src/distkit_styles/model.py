"""The shipped style models: a Coconet-style infiller per style, with its voices and instruments."""

from __future__ import annotations

from pathlib import Path

from distkit_coconet.corpus_model import CorpusCoconet

from distkit_styles.styles import RENAISSANCE, STRING_QUARTET

WEIGHTS = Path(__file__).parent / "weights"


class QuartetCoconet(CorpusCoconet):
    """Violin II, viola and cello under a melody for violin I, in the style of Haydn, Mozart and
    Beethoven's string quartets."""

    name = "quartet-coconet"
    description = (
        "Coconet-style infiller trained on Haydn, Mozart and Beethoven string quartet movements; "
        "writes violin II, viola and cello"
    )
    style = STRING_QUARTET.id
    voices = STRING_QUARTET.voices
    programs = STRING_QUARTET.programs
    ranges = STRING_QUARTET.ranges
    melody_centre = STRING_QUARTET.melody_centre
    weights_file = str(WEIGHTS / "string-quartet.pt")
    sampler_file = str(WEIGHTS / "string-quartet-sampler.json")
    panel_file = "distkit_styles:weights/string-quartet-panel.json"


class RenaissanceCoconet(CorpusCoconet):
    """Altus, tenor and bassus under a cantus, in the style of Palestrina's masses."""

    name = "palestrina-coconet"
    description = (
        "Coconet-style infiller trained on Palestrina's four-voice mass movements; "
        "writes altus, tenor and bassus"
    )
    style = RENAISSANCE.id
    voices = RENAISSANCE.voices
    programs = RENAISSANCE.programs
    ranges = RENAISSANCE.ranges
    melody_centre = RENAISSANCE.melody_centre
    weights_file = str(WEIGHTS / "renaissance.pt")
    sampler_file = str(WEIGHTS / "renaissance-sampler.json")
    panel_file = "distkit_styles:weights/renaissance-panel.json"
