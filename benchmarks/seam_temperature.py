"""Choosing chorale-hmm's take temperature (`distkit.music.hmm.voicing.TEMPERATURE`) on the
validation chorales only (issue 21, item 2).

Run: python benchmarks/seam_temperature.py [--temperatures 5,2,1]

For each temperature, every other bar-aligned 2-bar window of every validation chorale (start
bars 1, 3, 5, ..., inside the range `regenerate_seams.py` draws from) is regenerated in alto,
tenor and bass with seeds 0, 1, 2. Printed per temperature: the faults at the seams per 100
beats, the whole pieces' faults per 100 beats, and the share of the window's beat notes a take
changes, each with a 95 % bootstrap interval over chorales. The rule, fixed before the first
reading: the largest temperature whose seams' upper bound is at most the whole pieces' rate;
if none, the one with the fewest faults at the seams. There is no --split: never run on test.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from regenerate_seams import faults, seam_slices

from distkit.music.base import BAR_STEPS, STEPS_PER_QUARTER, highest_pitches
from distkit.music.chorales import load_chorales, split_chorales
from distkit.music.hmm import ChoraleHMM, voicing
from distkit.music.metrics import Figure, Tally, summarise

BARS = 2
TAKES = 3
T = TypeVar("T", int, float)


def measure(model: ChoraleHMM) -> dict[str, Figure]:
    """The seams', whole pieces' and takes' figures at the current temperature."""
    length = BARS * BAR_STEPS
    tallies = []
    for chorale in split_chorales(load_chorales())["validation"]:
        own = model.harmonize(chorale.roll[0])
        steps = own.shape[1]
        if steps < length + 2 * BAR_STEPS:
            continue
        seam_faults = seam_beats = changed = notes = 0.0
        for bar in range(1, (steps - length) // BAR_STEPS, 2):
            start, end = bar * BAR_STEPS, bar * BAR_STEPS + length
            mask = np.zeros(own.shape[:2], dtype=bool)
            mask[1:, start:end] = True
            slices = seam_slices(steps, start, end)
            own_beats = highest_pitches(own[1:, start:end:STEPS_PER_QUARTER])
            for seed in range(TAKES):
                take = model.infill(own, mask, seed=seed)
                seam_faults += sum(faults(take[:, s], chorale.tonic) for s in slices)
                seam_beats += sum(s.stop - s.start for s in slices) / STEPS_PER_QUARTER
                new_beats = highest_pitches(take[1:, start:end:STEPS_PER_QUARTER])
                changed += int((new_beats != own_beats)[own_beats >= 0].sum())
                notes += int((own_beats >= 0).sum())
        tallies.append(
            {
                "seams": Tally(seam_faults, seam_beats / 100),
                "whole": Tally(faults(own, chorale.tonic), steps / STEPS_PER_QUARTER / 100),
                "changed": Tally(changed, notes / 100),
            }
        )
    return summarise(tallies)


def choose(readings: dict[float, dict[str, Figure]]) -> float:
    """The rule: the largest temperature whose seams' upper bound is within the whole pieces'
    rate; failing that, the one with the fewest faults at the seams."""
    within = [t for t, f in readings.items() if f["seams"].high <= f["whole"].value]
    if within:
        return max(within)
    return min(readings, key=lambda t: readings[t]["seams"].value)


def sweep(values: list[T], apply: Callable[[T], None]) -> dict[T, dict[str, Figure]]:
    """`measure` at each of `values` (set by `apply`), each reading printed as it comes."""
    model = ChoraleHMM()
    readings = {}
    for value in values:
        apply(value)
        readings[value] = measure(model)
        rounded = {
            name: [round(f.value, 3), round(f.low, 3), round(f.high, 3)]
            for name, f in readings[value].items()
        }
        print(value, json.dumps(rounded), flush=True)
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperatures", default="5,2,1")
    args = parser.parse_args()

    def set_temperature(temperature: float) -> None:
        voicing.TEMPERATURE = temperature

    readings = sweep([float(t) for t in args.temperatures.split(",")], set_temperature)
    print("chosen:", choose(readings))


if __name__ == "__main__":
    main()
