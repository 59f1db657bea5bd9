"""chorale-hmm's ornamentation layer against Bach's texture: eighth notes and onsets per beat in
each lower voice, and the panel's voice-leading faults, on the chorales of one split.

Run: python benchmarks/hmm_ornaments.py [--split validation|test] [--limit N]
     [--candidates off,on-1.0,on-1.5]

Each candidate harmonizes every chorale's soprano (seed 0, as the panel does); Bach's own voices
are the reference. The rule that chooses between the candidates was written before the first
validation run (docs/music-evaluation.md, "Ornaments"): the texture nearest Bach's (the mean
over the lower voices of |model - Bach| / Bach for the share of eighth notes and the onsets per
beat), among the candidates whose total fault rate stays within the current model's interval
and none of whose fault rates rises above Bach's. Ratios of sums over chorales, 95 % bootstrap
intervals over whole chorales.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches
from distkit.music.chorales import Chorale, load_chorales, split_chorales
from distkit.music.hmm import ornaments
from distkit.music.hmm.model import ChoraleHMM
from distkit.music.metrics import FAULTS, Figure, Tally, panel, summarise
from distkit.music.style_check import _note_lengths, _onsets

VOICES = ("alto", "tenor", "bass")
TEXTURE = [f"{voice} {measure}" for voice in VOICES for measure in ("eighths", "onsets")]
TOTAL = "faults /100 beats"


def texture(arrangement: np.ndarray[Any, Any]) -> dict[str, Tally]:
    """Each lower voice's eighth notes out of its notes and onsets out of the piece's beats."""
    lines = highest_pitches(arrangement)
    beats = lines.shape[1] / STEPS_PER_QUARTER
    figures = {}
    for voice, name in enumerate(VOICES, start=1):
        lengths = _note_lengths(lines[voice])
        figures[f"{name} eighths"] = Tally(float((lengths == 2).sum()), float(len(lengths)))
        figures[f"{name} onsets"] = Tally(float(_onsets(lines[voice]).sum()), beats)
    return figures


def scored(arrangement: np.ndarray[Any, Any], chorale: Chorale) -> dict[str, Tally]:
    """The panel's figures, the texture's, and the eight faults' total per 100 beats."""
    figures = panel(arrangement, chorale.roll, chorale.tonic, chorale.fermatas)
    total = sum(figures[name].hits for name in FAULTS)
    figures[TOTAL] = Tally(total, figures["crossings"].total)
    return {**figures, **texture(arrangement)}


def model(candidate: str) -> ChoraleHMM:
    """off, or on-STRENGTH (the layer with that weight on its figures)."""
    if candidate == "off":
        return ChoraleHMM(ornament=False)
    ornaments.STRENGTH = float(candidate.split("-", 1)[1])
    return ChoraleHMM(ornament=True)


def distance(figures: dict[str, Figure], bach: dict[str, Figure]) -> float:
    """The mean over the lower voices' texture figures of |model - Bach| / Bach."""
    return float(np.mean([abs(figures[n].value - bach[n].value) / bach[n].value for n in TEXTURE]))


def choose(
    table: dict[str, dict[str, Figure]],
    bach: dict[str, Figure],
    current: str = "off",
    nearness: Callable[[dict[str, Figure], dict[str, Figure]], float] = distance,
) -> str:
    """The rule: nearest Bach's (by `nearness`) among the candidates whose total fault rate
    stays within the `current` one's interval and none of whose faults rises above Bach's
    (unless the current one's already does)."""
    allowed = []
    for name, figures in table.items():
        within = figures[TOTAL].value <= table[current][TOTAL].high
        below = all(
            figures[f].value <= bach[f].value or table[current][f].value > bach[f].value
            for f in FAULTS
        )
        print(f"{name}: total faults within the current interval {within}, "
              f"every fault <= Bach's {below}, distance {nearness(figures, bach):.3f}")  # fmt: skip
        if within and below:
            allowed.append(name)
    return min(allowed, key=lambda name: nearness(table[name], bach))


def report(
    rows: dict[str, list[dict[str, Tally]]], split: str, shown: Sequence[str]
) -> tuple[dict[str, dict[str, Figure]], dict[str, Figure]]:
    """Print the `shown` figures of Bach (`rows["Bach"]`) and each candidate, summed over the
    chorales with bootstrap intervals; return the candidates' figures and Bach's."""
    table = {name: summarise(tallies) for name, tallies in rows.items()}
    bach = table.pop("Bach")
    print(f"{len(rows['Bach'])} {split}-split chorales; value [95 % bootstrap interval]\n")
    names = ["Bach", *table]
    print("figure".ljust(28) + "".join(name.rjust(22) for name in names))
    for figure in [*shown, TOTAL, *FAULTS, "beat_chord", "frame_alto", "frame_tenor",
                   "frame_bass", "final_cadence", "fermata_cadences"]:  # fmt: skip
        cells = [({"Bach": bach} | table)[name][figure] for name in names]
        text = "".join(f"{c.value:.3f} [{c.low:.2f}, {c.high:.2f}]".rjust(22) for c in cells)
        print(figure.ljust(28) + text)
    print()
    return table, bach


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--candidates", default="off,on-1.0,on-1.5")
    args = parser.parse_args(argv)
    chorales = split_chorales(load_chorales())[args.split][: args.limit]
    rows: dict[str, list[dict[str, Tally]]] = {"Bach": []}
    rows["Bach"] = [scored(chorale.roll, chorale) for chorale in chorales]
    for candidate in args.candidates.split(","):
        harmonizer = model(candidate)
        rows[candidate] = [scored(harmonizer.harmonize(c.roll[0], seed=0), c) for c in chorales]
    table, bach = report(rows, args.split, TEXTURE)
    if "off" in table:
        print(f"chosen by the rule: {choose(table, bach)}")


if __name__ == "__main__":
    main()
