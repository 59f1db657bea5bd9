"""Harmonize every test-split chorale melody with each music model and compare with Bach.

Run: python benchmarks/music_eval.py [--limit N] [--files N] [--seed S] [--json]

Columns: Bach's own alto/tenor/bass, a random-accompaniment baseline, and every registered music
model (chorale-hmm always; bach-unet when distkit-bach and torch are installed). Each metric is
averaged over the chorales; the last column names the model whose value is nearest Bach's. The
last row is the median time to harmonize one 8-bar (128-step) melody on the CPU. The chorales
come from music21's corpus, parsed once and cached (see distkit.music.chorales).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np

from distkit.music.base import SATB_RANGES
from distkit.music.chorales import Chorale, load_chorales, split_chorales
from distkit.music.metrics import arrangement_metrics
from distkit.plugins import get_registry

BACH = "Bach"
RANDOM = "random"
EIGHT_BARS = 128
TIMED_MELODIES = 10
LABELS = {
    "in_scale": "in-scale ratio",
    "pc_histogram_l1": "pitch-class histogram L1 to Bach",
    "polyphony": "polyphony (notes per step)",
    "empty_bars": "empty-bar rate",
    "qualified_notes": "qualified-note ratio",
    "tonal_distance": "tonal distance between voices",
    "out_of_range": "notes out of SATB range",
    "parallels_per_100": "parallel 5ths/8ves per 100 steps",
    "frame_accuracy_alto": "frame accuracy, alto",
    "frame_accuracy_tenor": "frame accuracy, tenor",
    "frame_accuracy_bass": "frame accuracy, bass",
}
SECONDS = "seconds per 8-bar melody"

Harmonizer = Callable[..., Any]


class RandomAccompaniment:
    """The floor: each voice plays a random pitch from its SATB range on every sounding beat."""

    name = RANDOM

    def harmonize(self, melody: Any, *, seed: int | None = None) -> np.ndarray[Any, Any]:
        rng = np.random.default_rng(seed)
        melody = np.asarray(melody, dtype=bool)
        arrangement = np.zeros((4, *melody.shape), dtype=bool)
        arrangement[0] = melody
        for start in range(0, len(melody), 4):
            if melody[start : start + 4].any():
                for voice, (low, high) in enumerate(SATB_RANGES[1:], start=1):
                    arrangement[voice, start : start + 4, rng.integers(low, high + 1)] = True
        return arrangement


def models() -> dict[str, Harmonizer]:
    """The random baseline and one instance of every registered music model, by name."""
    registry = get_registry()
    for warning in registry.problems:
        print(f"warning: {warning}", file=sys.stderr)
    found: dict[str, Harmonizer] = {RANDOM: RandomAccompaniment().harmonize}
    for registration in registry.music_models:
        bare = sum(r.name == registration.name for r in registry.music_models) == 1
        name = registration.name if bare else registration.qualified_name
        found[name] = registration.cls().harmonize
    return found


def evaluate(
    chorales: list[Chorale], harmonizers: dict[str, Harmonizer], seed: int
) -> dict[str, dict[str, float]]:
    """Mean of each metric over the chorales, by metric and then by column (Bach first)."""
    rows: dict[str, list[dict[str, float]]] = {BACH: [], **{name: [] for name in harmonizers}}
    for chorale in chorales:
        rows[BACH].append(
            arrangement_metrics(chorale.roll, chorale.roll, chorale.tonic, chorale.mode)
        )
        for name, harmonize in harmonizers.items():
            arrangement = np.asarray(harmonize(chorale.roll[0], seed=seed), dtype=bool)
            rows[name].append(
                arrangement_metrics(arrangement, chorale.roll, chorale.tonic, chorale.mode)
            )
    return {
        metric: {name: float(np.nanmean([r[metric] for r in runs])) for name, runs in rows.items()}
        for metric in LABELS
    }


def seconds_per_melody(
    chorales: list[Chorale], harmonizers: dict[str, Harmonizer], seed: int
) -> dict[str, float]:
    """Median wall time of harmonizing the first 8 bars of up to TIMED_MELODIES melodies."""
    melodies = [c.roll[0, :EIGHT_BARS] for c in chorales if c.roll.shape[1] >= EIGHT_BARS]
    melodies = melodies[:TIMED_MELODIES]
    timings: dict[str, float] = {}
    if not melodies:
        return timings
    for name, harmonize in harmonizers.items():
        harmonize(melodies[0], seed=seed)
        times = []
        for melody in melodies:
            start = time.perf_counter()
            harmonize(melody, seed=seed)
            times.append(time.perf_counter() - start)
        timings[name] = statistics.median(times)
    return timings


def nearest_to_bach(values: dict[str, float]) -> str:
    """The column (other than Bach's) whose value is nearest Bach's; ties joined by '='."""
    gaps = {name: abs(value - values[BACH]) for name, value in values.items() if name != BACH}
    best = min(gaps.values())
    return "=".join(name for name, gap in gaps.items() if np.isclose(gap, best))


def head_to_head(
    table: dict[str, dict[str, float]], first: str, second: str
) -> tuple[int, int, int]:
    """On how many metrics `first` is nearer Bach than `second`, the reverse, and tied."""
    gaps = [
        (abs(values[first] - values[BACH]), abs(values[second] - values[BACH]))
        for values in table.values()
    ]
    tied = sum(bool(np.isclose(a, b)) for a, b in gaps)
    closer = sum(a < b and not np.isclose(a, b) for a, b in gaps)
    return closer, len(gaps) - closer - tied, tied


def print_table(
    table: dict[str, dict[str, float]], timings: dict[str, float], chorales: int
) -> None:
    columns = list(next(iter(table.values())))
    width = max(len(label) for label in (*LABELS.values(), SECONDS))
    cell = max(11, *(len(name) for name in columns))
    print(f"{chorales} test chorales; each value is the mean over them\n")
    header = "".join(name.rjust(cell + 2) for name in columns)
    print(f"{'metric'.ljust(width)}{header}  nearest Bach")
    wins = dict.fromkeys(columns[1:], 0)
    for metric, label in LABELS.items():
        values = table[metric]
        nearest = nearest_to_bach(values)
        for name in nearest.split("="):
            wins[name] += 1
        cells = "".join(f"{values[name]:.3f}".rjust(cell + 2) for name in columns)
        print(f"{label.ljust(width)}{cells}  {nearest}")
    times = "".join(
        (f"{timings[name]:.3f}" if name in timings else "-").rjust(cell + 2) for name in columns
    )
    print(f"{SECONDS.ljust(width)}{times}")
    print()
    for name, count in wins.items():
        print(f"{name}: nearest Bach on {count} of {len(LABELS)} metrics (ties count for each)")
    for first, second in combinations(columns[1:], 2):
        closer, further, tied = head_to_head(table, first, second)
        print(
            f"{first} vs {second}: {first} closer to Bach on {closer}, {second} on {further}",
            end="",
        )
        print(f", tied on {tied}" if tied else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="evaluate only the first N test chorales")
    parser.add_argument("--files", type=int, help="parse only the first N corpus files (quick)")
    parser.add_argument("--seed", type=int, default=0, help="seed passed to every model")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    chorales = split_chorales(load_chorales(limit=args.files))["test"][: args.limit]
    if not chorales:
        parser.error("no test-split chorales to evaluate; raise --files")
    harmonizers = models()
    table = evaluate(chorales, harmonizers, args.seed)
    timings = seconds_per_melody(chorales, harmonizers, args.seed)
    if args.json:
        columns = list(next(iter(table.values())))[1:]
        report = {
            "chorales": len(chorales),
            "metrics": table,
            "nearest_bach": {metric: nearest_to_bach(values) for metric, values in table.items()},
            "head_to_head": {
                f"{a} vs {b}": head_to_head(table, a, b) for a, b in combinations(columns, 2)
            },
            "seconds_per_8_bars": timings,
        }
        print(json.dumps(report, indent=2))
    else:
        print_table(table, timings, len(chorales))


if __name__ == "__main__":
    main()
