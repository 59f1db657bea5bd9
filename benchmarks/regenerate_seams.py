"""Regenerating a passage: the teacher's panel's fault rates at the seams against the model's
own rates over whole pieces (issue 21, item 2).

Run: python benchmarks/regenerate_seams.py [--split validation|test] [--model NAME]
     [--limit N] [--takes K] [--bars B] [--json]

For each chorale of the split, the model harmonizes the melody (its own take); then, in a
window of B bars chosen at random inside the piece, alto, tenor and bass are regenerated with
`infill` (K takes, seeds 0..K-1). A seam is the two beats either side of each window edge; the
panel's voice-leading faults are counted inside those 16-step slices of the regenerated
arrangements (each fault is counted where both its notes lie in the slice), per 100 beats of
slice. Against them: the same faults over the model's whole pieces, per 100 beats, and, for
reference, the same seam slices of the model's own take. How different the takes are: the
share of the window's alto, tenor and bass beats whose note differs from the model's own
take. Figures are ratios of sums over chorales with 95 % bootstrap intervals (whole chorales
resampled). Choose settings on validation; read the test split once per reported figure.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from distkit.music.base import BAR_STEPS, STEPS_PER_QUARTER, highest_pitches
from distkit.music.chorales import load_chorales, split_chorales
from distkit.music.compose import infill
from distkit.music.metrics import Figure, Tally, summarise
from distkit.music.model_calls import harmonize
from distkit.music.voice_leading import FAULTS

SEAM = 2 * STEPS_PER_QUARTER
"""Steps either side of a window edge that make one seam slice (two beats)."""


def faults(roll: np.ndarray, tonic: int) -> int:
    """Every voice-leading fault of the panel in `roll`, summed over the kinds."""
    return sum(count(roll, tonic) for count in FAULTS.values())


def seam_slices(steps: int, start: int, end: int) -> list[slice]:
    """The slices of SEAM steps either side of each window edge inside the piece."""
    return [
        slice(max(edge - SEAM, 0), min(edge + SEAM, steps))
        for edge in (start, end)
        if 0 < edge < steps
    ]


def measure(model: str, split: str, limit: int | None, takes: int, bars: int) -> dict[str, Figure]:
    chorales = split_chorales(load_chorales())[split][:limit]
    rng = np.random.default_rng(0)
    tallies = []
    for chorale in chorales:
        melody = chorale.roll[0]
        own = harmonize(melody, model, seed=0).arrangement
        steps = own.shape[1]
        length = bars * BAR_STEPS
        if steps < length + 2 * BAR_STEPS:
            continue
        start = int(rng.integers(1, (steps - length) // BAR_STEPS)) * BAR_STEPS
        end = start + length
        mask = np.zeros(own.shape[:2], dtype=bool)
        mask[1:, start:end] = True
        slices = seam_slices(steps, start, end)
        seam_beats = sum(s.stop - s.start for s in slices) / STEPS_PER_QUARTER
        seam_own = sum(faults(own[:, s], chorale.tonic) for s in slices)
        seam_new = changed = 0
        own_beats = highest_pitches(own[1:, start:end:STEPS_PER_QUARTER])
        for seed in range(takes):
            redrawn = infill(own, mask, model, seed=seed).arrangement
            seam_new += sum(faults(redrawn[:, s], chorale.tonic) for s in slices)
            new_beats = highest_pitches(redrawn[1:, start:end:STEPS_PER_QUARTER])
            changed += int((new_beats != own_beats)[own_beats >= 0].sum())
        tallies.append(
            {
                "seams, regenerated": Tally(seam_new, takes * seam_beats / 100),
                "seams, the model's own take": Tally(seam_own, seam_beats / 100),
                "whole pieces, the model's own take": Tally(
                    faults(own, chorale.tonic), steps / STEPS_PER_QUARTER / 100
                ),
                "window notes changed (%)": Tally(
                    changed, takes * int((own_beats >= 0).sum()) / 100
                ),
            }
        )
    print(f"{len(tallies)} {split} chorales, {takes} takes each, windows of {bars} bars")
    return summarise(tallies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--model", default="chorale-hmm")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--takes", type=int, default=3)
    parser.add_argument("--bars", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure(args.model, args.split, args.limit, args.takes, args.bars)
    if args.json:
        print(json.dumps({name: vars(figure) for name, figure in figures.items()}, indent=1))
        return
    print(f"{args.model}: voice-leading faults per 100 beats (all eight kinds of the panel)")
    print("  and the share of the window's beat notes a take changes, in per cent")
    for name, figure in figures.items():
        print(f"  {name:<36} {figure.value:6.2f}  [{figure.low:.2f}, {figure.high:.2f}]")


if __name__ == "__main__":
    main()
