"""ChoraleHMM: a hidden Markov model over Bach's chords that harmonizes a melody, numpy only.

`tables` learns the model from the chorales, `decoding` finds the melody's key and
chords, and `voicing` spreads the chords over alto, tenor and bass. Regenerate the shipped
tables with `python -m distkit.music.hmm`. numpy is imported only when a melody is harmonized,
so registering the model keeps distkit's start-up fast.
"""

from __future__ import annotations

import argparse
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.music.base import STEPS_PER_QUARTER, MusicModel, as_melody, highest_pitches

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.hmm.tables import ChoraleTables

TABLES = "chorale_hmm.npz"


class ChoraleHMM(MusicModel):
    """Alto, tenor and bass under a melody from an HMM over Bach's chords, with voice leading.

    Deterministic: `seed` is accepted for the common interface and not used. A beat (4 steps)
    where the melody is silent throughout is silent in every voice; elsewhere each voice holds
    its note for the whole beat.
    """

    name = "chorale-hmm"
    description = "HMM over Bach's chords (Viterbi per beat) with voice-led SATB; numpy only"
    panel_file = "distkit.music.hmm:data/panel.json"

    def __init__(self, tables: ChoraleTables | None = None) -> None:
        self.tables = tables if tables is not None else shipped_tables()

    def harmonize(self, melody: NDArray[Any], *, seed: int | None = None) -> NDArray[np.bool_]:
        """The melody as the soprano plus alto, tenor and bass: (4, steps, 128) bool."""
        import numpy as np

        from distkit.music.hmm.decoding import beat_grid, decode
        from distkit.music.hmm.voicing import voice_chords

        roll = as_melody(melody)
        arrangement = np.zeros((4, *roll.shape), dtype=bool)
        arrangement[0] = roll
        beats = beat_grid(highest_pitches(roll))
        if not (beats >= 0).any():
            return arrangement
        voices = voice_chords(decode(beats, self.tables), beats, self.tables)
        steps = np.arange(roll.shape[0])
        for track, line in enumerate(voices, start=1):
            pitches = line[steps // STEPS_PER_QUARTER]
            sounding = pitches >= 0
            arrangement[track, steps[sounding], pitches[sounding]] = True
        return arrangement


@cache
def shipped_tables() -> ChoraleTables:
    """The tables learned from the training chorales, read once from the package data."""
    from importlib import resources

    from distkit.music.hmm.tables import read_tables

    with resources.files("distkit.music.hmm").joinpath("data", TABLES).open("rb") as handle:
        return read_tables(handle)


def regenerate(path: Path) -> ChoraleTables:
    """Learn the tables from the training split of the chorales and write them to `path`."""
    from distkit.music.chorales import load_chorales, split_chorales
    from distkit.music.hmm.tables import learn_tables, save_tables

    tables = learn_tables(split_chorales(load_chorales())["train"])
    save_tables(tables, path)
    return tables


def main(argv: list[str] | None = None) -> None:
    """`python -m distkit.music.hmm [-o PATH]`: relearn the shipped tables (needs music21)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    default = Path(__file__).parent / "data" / TABLES
    parser.add_argument("-o", "--output", type=Path, default=default)
    path = parser.parse_args(argv).output
    regenerate(path)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
