"""Choosing how many takes chorale-hmm draws for one seeded infill
(`distkit.music.hmm.model.TAKES`; the one with the fewest voice-leading faults in the window
and its seams is kept) on the validation chorales only (issue 21, item 2).

Run: python benchmarks/seam_takes.py [--takes 1,2,4]

The design is seam_temperature.py's (every other bar-aligned 2-bar window of every validation
chorale, seeds 0, 1, 2), at the shipped temperature. The rule, fixed before the first reading
(/work/notes/lead-seams-rule.md): the count with the fewest faults at the seams among those
whose takes still change at least 10 % of the window's beat notes; one within 0.05 of a smaller
count's rate gives way to it. There is no --split: never run on test.
"""

from __future__ import annotations

import argparse

from seam_temperature import sweep

from distkit.music.hmm import model as hmm_model
from distkit.music.metrics import Figure

VARIETY = 10.0  # per cent of the window's beat notes a take must still change
CLOSE = 0.05  # faults per 100 beats within which a smaller count is preferred


def choose(readings: dict[int, dict[str, Figure]]) -> int:
    varied = {k: f for k, f in readings.items() if f["changed"].value >= VARIETY}
    if not varied:
        return min(readings)
    best = min(f["seams"].value for f in varied.values())
    return min(k for k, f in varied.items() if f["seams"].value <= best + CLOSE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--takes", default="1,2,4")
    args = parser.parse_args()

    def set_takes(takes: int) -> None:
        hmm_model.TAKES = takes

    readings = sweep([int(k) for k in args.takes.split(",")], set_takes)
    print("chosen:", choose(readings))


if __name__ == "__main__":
    main()
