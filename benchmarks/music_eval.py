"""The teacher's panel: every music model against Bach on the tune-disjoint test split.

Run: python benchmarks/music_eval.py [--split validation|test] [--limit N] [--files N]
     [--models NAME,...] [--record] [--json]

Columns: Bach's own voices (his fault rates and cadences are the bar to meet), a random
accompaniment, and every registered music model. Each figure is a ratio of sums over the
chorales with a 95 % bootstrap interval (whole chorales resampled). The ceiling is Bach
against Bach: on tunes he harmonized twice with the same soprano, one harmonization scored
against the other. Tune settings with `--split validation`; the test split is for reporting.
`--record` writes each model's test summary where the model keeps it (its `panel_file`), which is
what `distkit compose` ranks models by.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from distkit.music.base import SATB_RANGES, highest_pitches, panel_path
from distkit.music.chorales import Chorale, load_chorales, split_chorales, tunes
from distkit.music.metrics import Figure, Tally, goals, panel, summarise
from distkit.plugins import get_registry

BACH = "Bach"
RANDOM = "random"
LABELS = {
    "beat_chord": "beat chord (bass + pitch classes) = Bach's",
    "final_tonic": "final bass is the melody's final (its tonic)",
    "final_key_tonic": "final bass is the key note (music21, Bach's score)",
    "final_cadence": "final bass dominant -> tonic",
    "fermata_cadences": "fermata chords that are root-position triads",
    "parallel_5ths_8ves": "consecutive 5ths/8ves, similar motion /100 beats",
    "contrary_5ths_8ves": "consecutive 5ths/8ves, contrary motion /100 beats",
    "hidden_5ths_8ves": "hidden 5ths/8ves, outer voices /100 beats",
    "unresolved_leading_notes": "unresolved leading notes (V-I) /100 beats",
    "unresolved_sevenths": "unresolved sevenths /100 beats",
    "leaps_over_octave": "leaps over an octave /100 beats",
    "spacing_over_octave": "S-A or A-T over an octave /100 beats",
    "crossings": "voice crossings /100 beats",
    "frame_alto": "frame accuracy, alto",
    "frame_tenor": "frame accuracy, tenor",
    "frame_bass": "frame accuracy, bass",
}
NLL = "nll_per_cell"
NLL_LABEL = "NLL of Bach's A/T/B, nats per cell"
AGAINST_BACH = ("beat_chord", "frame_alto", "frame_tenor", "frame_bass")
"""The metrics that compare with Bach's own voices: the ones a ceiling means something for."""
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


def models(only: Sequence[str] | None = None) -> dict[str, tuple[Any, Any]]:
    """The random baseline and every registered music model: an instance and its class."""
    registry = get_registry()
    for warning in registry.problems:
        print(f"warning: {warning}", file=sys.stderr)
    found: dict[str, tuple[Any, Any]] = {RANDOM: (RandomAccompaniment(), RandomAccompaniment)}
    for registration in registry.music_models:
        if only and registration.name not in only:
            continue
        cls = registration.cls
        if getattr(cls, "harmonizes", True) is False:  # a melody model (compose --continue)
            continue
        found[registration.name] = (cls(), cls)
    return found


def evaluate(
    chorales: Sequence[Chorale], harmonizers: dict[str, Harmonizer], seed: int
) -> dict[str, dict[str, Figure]]:
    """The panel of every column over the chorales, by column then metric."""
    tallies: dict[str, list[dict[str, Tally]]] = {BACH: [], **{n: [] for n in harmonizers}}
    for chorale in chorales:
        bach = chorale.roll
        tallies[BACH].append(panel(bach, bach, chorale.tonic, chorale.fermatas))
        for name, harmonize in harmonizers.items():
            arrangement = np.asarray(harmonize(bach[0], seed=seed), dtype=bool)
            tallies[name].append(panel(arrangement, bach, chorale.tonic, chorale.fermatas))
    return {name: summarise(rows) for name, rows in tallies.items()}


def likelihoods(chorales: Sequence[Chorale], instances: dict[str, Any]) -> dict[str, Figure]:
    """Nats per alto/tenor/bass cell of Bach's voices, for the models that give a likelihood
    (a `negative_log_likelihood(arrangement)` method), with a bootstrap interval over chorales."""
    figures = {}
    for name, instance in instances.items():
        score = getattr(instance, "negative_log_likelihood", None)
        if not callable(score):
            continue
        rows = []
        for chorale in chorales:
            cells = 3 * chorale.roll.shape[1]
            rows.append({NLL: Tally(float(score(chorale.roll)) * cells, cells)})
        figures[name] = summarise(rows)[NLL]
    return figures


def twice_harmonized(chorales: Sequence[Chorale]) -> list[tuple[Chorale, Chorale, int]]:
    """Pairs of chorales with one soprano (up to transposition, step for step), and the shift
    that takes the first into the second's key."""
    pairs = []
    for group in tunes(chorales):
        for first, second in combinations(group, 2):
            if first.roll.shape != second.roll.shape:
                continue
            a, b = highest_pitches(first.roll[0]), highest_pitches(second.roll[0])
            sounding = a >= 0
            if not np.array_equal(sounding, b >= 0) or not sounding.any():
                continue
            shifts = np.unique(b[sounding] - a[sounding])
            if len(shifts) == 1:
                pairs.append((first, second, int(shifts[0])))
    return pairs


def ceiling(chorales: Sequence[Chorale]) -> tuple[int, dict[str, Figure]]:
    """Bach against Bach: each twice-harmonized tune scored both ways round."""
    rows = []
    pairs = twice_harmonized(chorales)
    for first, second, shift in pairs:
        for one, other, move in ((first, second, shift), (second, first, -shift)):
            moved = np.roll(one.roll, move, axis=-1)
            rows.append(panel(moved, other.roll, other.tonic, other.fermatas))
    return len(pairs), summarise(rows) if rows else {}


def summary(
    figures: dict[str, Figure],
    bach: dict[str, Figure],
    split: str,
    chorales: int,
    nll: Figure | None = None,
) -> dict[str, Any]:
    """What a model records with itself: the panel, its goals, and the key compose ranks by."""
    met = goals(figures, bach)
    extra = {} if nll is None else {NLL: [round(v, 4) for v in (nll.value, nll.low, nll.high)]}
    return {
        "split": split,
        "chorales": chorales,
        "goals_met": sum(met.values()),
        "goals": len(met),
        "beat_chord": round(figures["beat_chord"].value, 4),
        "final_tonic": round(figures["final_tonic"].value, 4),
        "panel": {k: [round(v, 4) for v in (f.value, f.low, f.high)] for k, f in figures.items()},
        **extra,
    }


def cell(figure: Figure) -> str:
    return f"{figure.value:.3f} [{figure.low:.2f}, {figure.high:.2f}]"


def print_table(
    table: dict[str, dict[str, Figure]],
    top: tuple[int, dict[str, Figure]],
    heading: str,
    nll: dict[str, Figure] | None = None,
) -> None:
    columns = list(table)
    width = max(len(label) for label in LABELS.values())
    pairs, ceiling_figures = top
    columns_text = "".join(name.rjust(22) for name in columns)
    print(heading)
    print(f"(value [95% bootstrap interval]; ceiling = Bach vs Bach on {pairs} tune pairs)\n")
    print(f"{'metric'.ljust(width)}{columns_text}{'ceiling'.rjust(22)}")
    for metric, label in LABELS.items():
        cells = "".join(cell(table[name][metric]).rjust(22) for name in columns)
        above = ceiling_figures.get(metric) if metric in AGAINST_BACH else None
        print(f"{label.ljust(width)}{cells}{(cell(above) if above else '-').rjust(22)}")
    if nll:
        cells = "".join((cell(nll[n]) if n in nll else "-").rjust(22) for n in columns)
        print(f"{NLL_LABEL.ljust(width)}{cells}{'-'.rjust(22)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("validation", "test"), default="test")
    parser.add_argument("--limit", type=int, help="evaluate only the first N chorales")
    parser.add_argument("--files", type=int, help="parse only the first N corpus files (quick)")
    parser.add_argument("--models", help="comma-separated model names (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed passed to every model")
    parser.add_argument("--record", action="store_true", help="write each model's summary")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.record and (args.split != "test" or args.limit or args.files):
        parser.error("--record takes the whole test split (no --split, --limit or --files)")
    corpus = load_chorales(limit=args.files)
    chorales = split_chorales(corpus)[args.split][: args.limit]
    if not chorales:
        parser.error(f"no {args.split}-split chorales to evaluate; raise --files")
    found = models(args.models.split(",") if args.models else None)
    instances = {name: instance for name, (instance, _) in found.items()}
    table = evaluate(chorales, {name: i.harmonize for name, i in instances.items()}, args.seed)
    nll = likelihoods(chorales, instances)
    top = ceiling(corpus)
    summaries = {
        name: summary(table[name], table[BACH], args.split, len(chorales), nll.get(name))
        for name in found
    }
    if args.record:
        for name, (_, cls) in found.items():
            path = panel_path(cls)
            if path is not None:
                path.write_text(json.dumps(summaries[name], indent=1) + "\n")
                print(f"recorded {name}'s panel in {path}", file=sys.stderr)
    if args.json:
        report = {
            "split": args.split,
            "chorales": len(chorales),
            "panel": {n: {k: vars(f) for k, f in t.items()} for n, t in table.items()},
            "ceiling": {"pairs": top[0], "panel": {k: vars(f) for k, f in top[1].items()}},
            "likelihood": {name: vars(figure) for name, figure in nll.items()},
            "summaries": summaries,
        }
        print(json.dumps(report, indent=2))
    else:
        heading = f"{len(chorales)} {args.split}-split chorales (split by tune)"
        print_table(table, top, heading, nll)
        print()
        for name, record in summaries.items():
            print(f"{name}: {record['goals_met']} of {record['goals']} goals met")


if __name__ == "__main__":
    main()
