"""docs/studio.md says what the studio does: its key map and its text example are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

from distkit.music.melody_text import parse_melody_text

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "studio.md").read_text()
SCRIPT = (ROOT / "distkit" / "studio" / "static" / "studio.js").read_text()


def documented_keys(kind: str) -> list[str]:
    """The keys in the key-map row of docs/studio.md whose notes start with `kind`."""
    row = next(line for line in DOC.splitlines() if f"| {kind} keys" in line)
    return " ".join(re.findall(r"`([^`]+)`", row.split("|")[1])).split()


def test_the_documented_key_map_is_the_page_s() -> None:
    keymap = SCRIPT.split("const KEYMAP = {", 1)[1].split("};", 1)[0]
    semitones = {key: int(n) for key, n in re.findall(r"""['"]?([a-z;'])['"]?: (\d+)""", keymap)}
    black = [key.upper() for key, n in semitones.items() if n % 12 in (1, 3, 6, 8, 10)]
    white = [key.upper() for key, n in semitones.items() if n % 12 not in (1, 3, 6, 8, 10)]
    assert documented_keys("white") == white
    assert documented_keys("black") == black


def test_the_documented_text_examples_parse() -> None:
    for text in re.findall(r'--notes "([^"]+)"', DOC):
        assert parse_melody_text(text)
    assert parse_melody_text("G4 G4 D5 D5 E5 E5 D5:2 r C5:0.5 Bb4:1/2")
