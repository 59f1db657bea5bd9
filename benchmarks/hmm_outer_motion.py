"""chorale-hmm's outer voices against Bach's: how often the bass moves with the soprano, against
it or not at all from beat to beat, and the panel's voice-leading faults, on one split.

Run: python benchmarks/hmm_outer_motion.py [--split validation|test] [--limit N]
     [--candidates 0,1,2,4,8]

Each candidate is a weight of the voicing's cost for a bass that moves the way the soprano moves
(`voicing.SIMILAR_OUTER`); each harmonizes every chorale's soprano (seed 0, as the panel does);
Bach's own voices are the reference. The rule that chooses between the candidates was written
before the first validation run (docs/music-evaluation.md, "Outer voices"): the motion nearest
Bach's (the mean over similar, contrary and oblique motion of |model - Bach| / Bach, each a share
of the beat-to-beat steps where both outer voices sound), among the candidates whose total fault
rate stays within the current model's (weight 0) interval and none of whose fault rates rises
above Bach's unless weight 0's already does. Ratios of sums over chorales, 95 % bootstrap
intervals over whole chorales.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np
from hmm_ornaments import TOTAL, choose, report, texture  # benchmarks/ is the script's folder

from distkit.music.base import STEPS_PER_QUARTER, highest_pitches
from distkit.music.chorales import Chorale, load_chorales, split_chorales
from distkit.music.hmm import voicing
from distkit.music.hmm.model import ChoraleHMM
from distkit.music.metrics import FAULTS, Figure, Tally, panel

MOTION = ["outer similar", "outer contrary", "outer oblique"]


def outer_motion(arrangement: np.ndarray[Any, Any]) -> dict[str, Tally]:
    """Similar, contrary and oblique motion of soprano and bass from beat to beat, as the style
    check counts them, out of the steps where both sound on both beats."""
    lines = highest_pitches(np.asarray(arrangement, dtype=bool))
    beats = lines[:, ::STEPS_PER_QUARTER]
    top, bass = beats[0], beats[3]
    both = (top[1:] >= 0) & (top[:-1] >= 0) & (bass[1:] >= 0) & (bass[:-1] >= 0)
    up, down = np.diff(top)[both], np.diff(bass)[both]
    steps = float(up.size)
    return {
        "outer similar": Tally(float(((up * down) > 0).sum()), steps),
        "outer contrary": Tally(float(((up * down) < 0).sum()), steps),
        "outer oblique": Tally(float(((up == 0) ^ (down == 0)).sum()), steps),
    }


def scored(arrangement: np.ndarray[Any, Any], chorale: Chorale) -> dict[str, Tally]:
    """The panel's figures, the outer voices' motion, the lower voices' texture and the eight
    faults' total per 100 beats."""
    figures = panel(arrangement, chorale.roll, chorale.tonic, chorale.fermatas)
    total = sum(figures[name].hits for name in FAULTS)
    figures[TOTAL] = Tally(total, figures["crossings"].total)
    return {**figures, **outer_motion(arrangement), **texture(arrangement)}


def distance(figures: dict[str, Figure], bach: dict[str, Figure]) -> float:
    """The mean over the three kinds of motion of |model - Bach| / Bach."""
    return float(np.mean([abs(figures[n].value - bach[n].value) / bach[n].value for n in MOTION]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--candidates", default="0,1,2,4,8")
    args = parser.parse_args(argv)
    chorales = split_chorales(load_chorales())[args.split][: args.limit]
    rows: dict[str, list[dict[str, Tally]]] = {"Bach": []}
    rows["Bach"] = [scored(chorale.roll, chorale) for chorale in chorales]
    shipped = voicing.SIMILAR_OUTER
    try:
        for candidate in args.candidates.split(","):
            voicing.SIMILAR_OUTER = float(candidate)
            harmonizer = ChoraleHMM()
            rows[candidate] = [scored(harmonizer.harmonize(c.roll[0], seed=0), c) for c in chorales]
    finally:
        voicing.SIMILAR_OUTER = shipped
    table, bach = report(rows, args.split, MOTION)
    if "0" in table:
        print(f"chosen by the rule: {choose(table, bach, current='0', nearness=distance)}")


if __name__ == "__main__":
    main()
