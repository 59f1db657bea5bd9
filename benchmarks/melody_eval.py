"""The melody models on held-out folk tunes: likelihood and continuations, against the real tunes.

Run: python benchmarks/melody_eval.py --split validation [--choose]   # tune settings
     python benchmarks/melody_eval.py --split test --json OUT.json     # report, once

1. Negative log-likelihood per note event (pitch and duration given everything before) of every
   tune of the split, for the n-gram baseline and the Transformer, with 95 % bootstrap
   intervals (whole tunes resampled) and the interval of their difference (paired).
2. Continuations of the split's openings: the first 4 bars given (after any pickup), 4 bars
   continued with several seeds, with and without --close; the tune's real bars 5-8 are the
   reference. Measures: share of notes in the tune's scale (its tonic and mode), share whose
   last note is the tune's tonic, leaps over an octave per 100 notes, and the shares of
   continuations that copy a training tune for 8, 12 and 16 notes running (pitch intervals
   and lengths equal; see melody_copies.py).
With --choose (validation only), each model's sampling (temperature, top-p, weight of pitches
outside the key's scale) is chosen from SWEEP by `choose_sampling`'s rule, and with --write it
is recorded where the model reads it. --keys measures how often each key method names the
tune's own key; --choose-guard (validation only) chooses each model's key method, copy guard
and out-of-scale weight by `choose_guard`'s rules. Continuations use each model's shipped key
method and, where its copy weight is under 1, the shipped index of training runs, as `compose`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import numpy as np
from melody_copies import RUNS, TrainingRuns

from distkit.music.base import MAJOR_SCALE, MINOR_SCALE
from distkit.music.melody.continuation import EventPredictor, Note, Sampling, continue_notes
from distkit.music.melody.events import Key, estimate_key
from distkit.music.melody.folk import Tune, load_tunes, split_tunes
from distkit.music.melody.keys import likeliest_key, melody_key
from distkit.music.melody.model import SETTINGS, FolkNgram, data_file, shipped_ngram
from distkit.music.melody.runs import shipped_runs

GIVEN_BARS = 4
CONTINUED_BARS = 4
SWEEP = tuple(
    Sampling(temperature, top_p, out_of_scale)
    for out_of_scale, top_p, temperature in product((1.0, 0.5, 0.2), (1.0, 0.9), (1.0, 0.9, 0.8))
)
"""The sampling settings tried on validation, mildest first (plain sampling at the start)."""
COPY_GOAL = 0.01
RESAMPLES = 2000


@dataclass(frozen=True)
class Opening:
    """A tune cut at bar lines: the notes given, the real notes that follow, the metre."""

    tune: Tune
    given: list[Note]
    real: list[Note]
    start_in_bar: int
    bar_steps: int
    end: int


def openings(tunes: Sequence[Tune]) -> list[Opening]:
    """Every tune with 8 whole bars in one metre after its pickup, cut after bar 4 and bar 8."""
    found = []
    for tune in tunes:
        bar = int(tune.bar_steps[0])
        start_in_bar = int(tune.positions[0])
        first_bar_line = (bar - start_in_bar) % bar
        given_end = first_bar_line + GIVEN_BARS * bar
        end = given_end + CONTINUED_BARS * bar
        onsets = np.r_[0, np.cumsum(tune.steps)[:-1]]
        inside = onsets < end
        if onsets[-1] + tune.steps[-1] < end or (tune.bar_steps[inside] != bar).any():
            continue
        notes = [
            (None if p < 0 else int(p), int(s))
            for p, s in zip(tune.pitches, tune.steps, strict=True)
        ]
        given = _cut(notes, onsets, 0, given_end)
        real = _cut(notes, onsets, given_end, end)
        if any(p is not None for p, _ in given) and any(p is not None for p, _ in real):
            found.append(Opening(tune, given, real, start_in_bar, bar, end))
    return found


def _cut(notes: list[Note], onsets: np.ndarray, start: int, stop: int) -> list[Note]:
    """The notes with onsets in [start, stop), the last one cut at `stop`."""
    kept = [
        (pitch, min(steps, stop - onset))
        for (pitch, steps), onset in zip(notes, onsets, strict=True)
        if start <= onset < stop
    ]
    return kept


def measures(opening: Opening, new: Sequence[Note], train: TrainingRuns) -> dict[str, float]:
    """Counts for one continuation: notes in scale, notes, leaps, tonic ending, copying."""
    key = opening.tune.key
    scale = MINOR_SCALE if key.mode == "minor" else MAJOR_SCALE
    pitches = [p for p, _ in new if p is not None]
    before = [p for p, _ in opening.given if p is not None][-1:]
    line = before + pitches
    return {
        "notes": len(pitches),
        "in_scale": sum((p - key.tonic) % 12 in scale for p in pitches),
        "leaps": sum(abs(b - a) > 12 for a, b in pairwise(line)),
        "tonic_end": float(bool(pitches) and pitches[-1] % 12 == key.tonic),
        **{f"copies_{run}": float(train.copies(new, run)) for run in RUNS},
        "pieces": 1.0,
    }


def summarise(rows: list[list[dict[str, float]]], seed: int = 0) -> dict[str, list[float]]:
    """Each measure as a ratio of sums with a 95 % interval, resampling whole tunes."""
    per_tune = {
        name: np.array([sum(r[name] for r in tune_rows) for tune_rows in rows])
        for name in rows[0][0]
    }
    ratios = {
        "in_scale": "notes",
        "leaps": "notes",
        "tonic_end": "pieces",
        **{f"copies_{run}": "pieces" for run in RUNS},
    }
    scale = {"leaps": 100.0}
    picks = np.random.default_rng(seed).integers(0, len(rows), (RESAMPLES, len(rows)))
    out = {}
    for name, total in ratios.items():
        times = scale.get(name, 1.0)
        value = per_tune[name].sum() / per_tune[total].sum() * times
        boot = per_tune[name][picks].sum(1) / per_tune[total][picks].sum(1) * times
        out[name] = [float(value), *np.percentile(boot, [2.5, 97.5]).tolist()]
    return out


@dataclass(frozen=True)
class Contender:
    """A melody model as `compose --continue` runs it."""

    predictor: EventPredictor
    scorer: Any
    """Its negative log-likelihood of each event (`event_nll`)."""
    sampling: Sampling
    key_method: str = "profile"

    def key(self, case: Opening) -> Key:
        """The key the model writes the continuation in, from the given bars only."""
        return melody_key(
            self.key_method, self.scorer, case.given, case.bar_steps, case.start_in_bar
        )


def continuation_panel(
    contenders: dict[str, Contender],
    cases: Sequence[Opening],
    train: TrainingRuns,
    seeds: int,
    closes: Sequence[bool] = (False, True),
) -> dict[str, dict[str, list[float]]]:
    """The measures of the real bars 5-8 and of each model's continuations (free and closed);
    a sampling with a copy weight under 1 is guarded by the shipped index, as in `compose`."""
    table = {"real tunes": summarise([[measures(o, o.real, train)] for o in cases])}
    for name, contender in contenders.items():
        predictor, sampling = contender.predictor, contender.sampling
        runs = shipped_runs() if sampling.copy_weight < 1 else None
        keys = [contender.key(case) for case in cases]
        for close in closes:
            rows = []
            for index, case in enumerate(cases):
                key = keys[index]
                rows.append(
                    [
                        measures(
                            case,
                            continue_notes(
                                predictor,
                                case.given,
                                key,
                                case.end,
                                bar_steps=case.bar_steps,
                                start_in_bar=case.start_in_bar,
                                seed=seed * 100_003 + index,
                                close=close,
                                sampling=sampling,
                                runs=runs,
                            ),
                            train,
                        )
                        for seed in range(seeds)
                    ]
                )
            table[f"{name}{' --close' if close else ''}"] = summarise(rows)
            print(
                f"  {name} close={close}: {table[f'{name}' + (' --close' if close else '')]}",
                file=sys.stderr,
            )
    return table


def key_panel(
    scorers: dict[str, Any], cases: Sequence[Opening], log_every: int = 100
) -> dict[str, dict[str, float]]:
    """How often each key method names the tune's own key (tonic and mode), and its tonic, from
    the given bars: the profiles once, and each scorer's likelihood of the given notes."""
    methods: dict[str, Any] = {"profile": lambda case: estimate_key(case.given)}
    for name, scorer in scorers.items():
        methods[f"model: {name}"] = lambda case, scorer=scorer: likeliest_key(
            scorer, case.given, case.bar_steps, case.start_in_bar
        )
    out = {}
    for label, method in methods.items():
        keys = []
        for index, case in enumerate(cases):
            keys.append(method(case))
            if log_every and (index + 1) % log_every == 0:
                print(f"  {label}: {index + 1} openings", file=sys.stderr, flush=True)
        out[label] = {
            "key": float(np.mean([k == c.tune.key for k, c in zip(keys, cases, strict=True)])),
            "tonic": float(
                np.mean([k.tonic == c.tune.key.tonic for k, c in zip(keys, cases, strict=True)])
            ),
            "openings": len(cases),
        }
        print(f"{label}: {out[label]}", file=sys.stderr, flush=True)
    return out


def nll_panel(
    scorers: dict[str, Any], tunes: Sequence[Tune], seed: int = 0
) -> dict[str, list[float]]:
    """NLL per event of each scorer over `tunes`, 95 % intervals, and the paired difference."""
    sums = {
        name: np.array([float(scorer(t.events(), t.key.mode == "minor").sum()) for t in tunes])
        for name, scorer in scorers.items()
    }
    counts = np.array([len(t) for t in tunes], dtype=float)
    picks = np.random.default_rng(seed).integers(0, len(tunes), (RESAMPLES, len(tunes)))
    out = {}
    for name, values in sums.items():
        boot = values[picks].sum(1) / counts[picks].sum(1)
        out[name] = [float(values.sum() / counts.sum()), *np.percentile(boot, [2.5, 97.5]).tolist()]
    if len(sums) == 2:
        (a, first), (b, second) = sums.items()
        difference = first - second
        boot = difference[picks].sum(1) / counts[picks].sum(1)
        out[f"{a} - {b}"] = [
            float(difference.sum() / counts.sum()),
            *np.percentile(boot, [2.5, 97.5]).tolist(),
        ]
    return out


def models(weights: Path | None = None, only: Sequence[str] | None = None) -> dict[str, Contender]:
    """The n-gram and the Transformer if installed, with their shipped settings."""
    ngram = shipped_ngram()
    found = {
        "folk-ngram": Contender(
            ngram, ngram.event_nll, FolkNgram().sampling(), FolkNgram().key_method()
        )
    }
    if only and "folk-transformer" not in only:
        return {name: found[name] for name in only}
    try:
        from distkit_melody.model import FolkTransformer
        from distkit_melody.predictor import TransformerPredictor, load_network
    except ImportError:
        print("warning: distkit-melody is not installed; the n-gram alone", file=sys.stderr)
        return found
    predictor = TransformerPredictor(load_network(weights) if weights else load_network())
    transformer = FolkTransformer()
    found["folk-transformer"] = Contender(
        predictor, predictor.event_nll, transformer.sampling(), transformer.key_method()
    )
    return found


def bounded(reading: dict[str, list[float]], real: dict[str, list[float]]) -> bool:
    """Leaps at most as often as in the real tunes, and copies of 8 and of 12 training notes
    under 1 % or at most as often as the real continuations have them."""
    return reading["leaps"][0] <= real["leaps"][0] and all(
        reading[f"copies_{run}"][0] <= max(COPY_GOAL, real[f"copies_{run}"][0]) for run in (8, 12)
    )


def admissible(reading: dict[str, list[float]], real: dict[str, list[float]]) -> bool:
    """`bounded`, and in scale at least as often as the real tunes."""
    return bounded(reading, real) and reading["in_scale"][0] >= real["in_scale"][0]


def choose_sampling(
    found: dict[str, Contender],
    cases: Sequence[Opening],
    train: TrainingRuns,
    seeds: int,
) -> dict[str, Any]:
    """Each model's sampling, chosen on validation: the first (mildest) setting of SWEEP that is
    `admissible`; if none is, the one with the most notes in scale among those that keep the
    `bounded` (plain sampling if none does). The chosen one is read with --close
    too."""
    real = summarise([[measures(o, o.real, train)] for o in cases])
    chosen: dict[str, Any] = {"real tunes": real}
    print(f"real tunes: {real}", file=sys.stderr)
    for name, contender in found.items():
        readings = []
        for sampling in SWEEP:
            table = continuation_panel(
                {name: replace(contender, sampling=sampling)}, cases, train, seeds, closes=(False,)
            )
            readings.append((sampling, table[name]))
            print(f"{name} {asdict(sampling)}: {table[name]}", file=sys.stderr, flush=True)
        good = [(s, r) for s, r in readings if admissible(r, real)]
        kept = [(s, r) for s, r in readings if bounded(r, real)]
        if good:
            best = good[0][0]
        elif kept:
            best = max(kept, key=lambda pair: pair[1]["in_scale"][0])[0]
        else:
            best = SWEEP[0]
        closed = continuation_panel(
            {name: replace(contender, sampling=best)}, cases, train, seeds, closes=(True,)
        )
        chosen[name] = {
            "sampling": asdict(best),
            "goals_met": bool(good),
            "closed": closed[f"{name} --close"],
            "readings": [{"sampling": asdict(s), "reading": r} for s, r in readings],
        }
    return chosen


GUARD_LADDER = (0.1, 0.0)
"""Copy weights tried by `choose_guard`, mildest first."""
OUT_OF_SCALE_LADDER = (0.5, 0.2, 0.1)
"""Out-of-scale weights tried by `choose_guard` from the model's current one down."""


def guarded(reading: dict[str, list[float]], real: dict[str, list[float]]) -> bool:
    """Copies of 8 training notes under 1 % and leaps at most as often as in the real tunes."""
    return reading["copies_8"][0] < COPY_GOAL and reading["leaps"][0] <= real["leaps"][0]


def read(
    name: str,
    contender: Contender,
    sampling: Sampling,
    cases: Sequence[Opening],
    train: TrainingRuns,
    seeds: int,
    readings: list[dict[str, Any]],
) -> dict[str, list[float]]:
    """The continuations' measures with `sampling`, also appended to `readings`."""
    table = continuation_panel(
        {name: replace(contender, sampling=sampling)}, cases, train, seeds, (False,)
    )
    readings.append({"sampling": asdict(sampling), "reading": table[name]})
    print(f"{name} {asdict(sampling)}: {table[name]}", file=sys.stderr, flush=True)
    return table[name]


def choose_guard(
    found: dict[str, Contender],
    cases: Sequence[Opening],
    key_cases: Sequence[Opening],
    train: TrainingRuns,
    seeds: int,
    key_reading: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """Each model's key method, copy weight and out-of-scale weight, chosen on validation by
    rules fixed before any of them was measured (temperature and top-p stay as chosen before):

    1. the key method: "model" if the model's likelihood names the tune's own key (tonic and
       mode) more often than the profiles do on `key_cases` (or in `key_reading`, a saved
       `key_panel` of them), else "profile";
    2. the copy weight: the first of GUARD_LADDER whose continuations are `guarded`; 0 if none;
    3. the out-of-scale weight: from the current one down OUT_OF_SCALE_LADDER, the first that
       is in scale at least as often as the real bars and stays `guarded`; if none, the most in
       scale of those that stay `guarded` (the current one if none does).
    """
    real = summarise([[measures(o, o.real, train)] for o in cases])
    chosen: dict[str, Any] = {"real tunes": real}
    print(f"real tunes: {real}", file=sys.stderr)
    for name, contender in found.items():
        keys = key_reading or key_panel({name: contender.scorer}, key_cases)
        method = "model" if keys[f"model: {name}"]["key"] > keys["profile"]["key"] else "profile"
        contender = replace(contender, key_method=method)
        readings = []

        base = contender.sampling
        guard = GUARD_LADDER[-1]
        for weight in GUARD_LADDER:
            if guarded(
                read(
                    name,
                    contender,
                    replace(base, copy_weight=weight),
                    cases,
                    train,
                    seeds,
                    readings,
                ),
                real,
            ):
                guard = weight
                break
        ladder = [base.out_of_scale, *(w for w in OUT_OF_SCALE_LADDER if w < base.out_of_scale)]
        tried = []
        for weight in ladder:
            sampling = replace(base, copy_weight=guard, out_of_scale=weight)
            done = [r["reading"] for r in readings if r["sampling"] == asdict(sampling)]
            reading = (
                done[0] if done else read(name, contender, sampling, cases, train, seeds, readings)
            )
            tried.append((sampling, reading))
            if guarded(reading, real) and reading["in_scale"][0] >= real["in_scale"][0]:
                break
        kept = [(s, r) for s, r in tried if guarded(r, real)]
        best = max(kept, key=lambda pair: pair[1]["in_scale"][0])[0] if kept else tried[0][0]
        final = replace(contender, sampling=best)
        closed = continuation_panel({name: final}, cases, train, seeds, closes=(True,))
        chosen[name] = {
            "key": method,
            "keys": keys,
            "sampling": asdict(best),
            "goals_met": any(
                s == best and r["in_scale"][0] >= real["in_scale"][0] for s, r in kept
            ),
            "closed": closed[f"{name} --close"],
            "readings": readings,
        }
    return chosen


def settings_files() -> dict[str, Path]:
    """Where each melody model reads its settings (folk-transformer's when its plugin is in)."""
    targets = {"folk-ngram": data_file(SETTINGS)}
    try:
        from distkit_melody.model import SETTINGS as TRANSFORMER_SETTINGS

        targets["folk-transformer"] = TRANSFORMER_SETTINGS
    except ImportError:
        pass
    return targets


def write_guard(chosen: dict[str, Any], openings: int, seeds: int) -> None:
    """Record each model's chosen key method and sampling (and the readings) where it reads
    them; the earlier sampling sweep's record is kept."""
    for name, path in settings_files().items():
        if name in chosen:
            record = json.loads(path.read_text()) if path.exists() else {}
            record.update(chosen[name]["sampling"])
            record["key"] = chosen[name]["key"]
            record["key_and_guard_choice"] = {
                "split": "validation",
                "openings": openings,
                "seeds": seeds,
                "real tunes": chosen["real tunes"],
                **{k: v for k, v in chosen[name].items() if k != "sampling"},
            }
            path.write_text(json.dumps(record, indent=1) + "\n")
            print(f"{name}: {chosen[name]['key']}, {chosen[name]['sampling']} -> {path}")


def write_sampling(chosen: dict[str, Any]) -> None:
    """Record each chosen sampling (and the sweep's readings) where its model reads it."""
    for name, path in settings_files().items():
        if name in chosen:
            record = json.loads(path.read_text()) if path.exists() else {}
            record.pop("temperature_readings", None)
            record.update(chosen[name]["sampling"])
            record["sampling_sweep"] = {
                "split": "validation",
                "real tunes": chosen["real tunes"],
                "goals_met": chosen[name]["goals_met"],
                "closed": chosen[name]["closed"],
                "readings": chosen[name]["readings"],
            }
            path.write_text(json.dumps(record, indent=1) + "\n")
            print(f"{name}: {chosen[name]['sampling']} -> {path}", file=sys.stderr)


def markdown(result: dict[str, Any]) -> str:
    """The reading's two tables in Markdown, each figure with its 95 % interval."""

    def cell(figure: list[float], digits: int = 3) -> str:
        value, low, high = figure
        return f"{value:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"

    def copies(row: dict[str, list[float]], run: int) -> str:
        """A run length's cell; a reading made before 12 and 16 were measured has "copies"
        (8 notes, the same measure) alone."""
        figure = row.get(f"copies_{run}", row.get("copies") if run == 8 else None)
        return "-" if figure is None else cell(figure, 3)

    lines = (
        [
            "| model | NLL per note event (nats) |",
            "| --- | ---: |",
            *(f"| {name} | {cell(figure)} |" for name, figure in result["nll"].items()),
            "",
        ]
        if result["nll"]
        else []
    )
    lines += [
        "| continuation | in scale | last note on the tonic | leaps > octave /100 notes "
        + "".join(f"| copies {run} training notes " for run in RUNS)
        + "|",
        "| --- | ---: | ---: | ---: " + "| ---: " * len(RUNS) + "|",
    ]
    for name, row in result["continuations"].items():
        lines.append(
            f"| {name} | {cell(row['in_scale'])} | {cell(row['tonic_end'], 2)} "
            f"| {cell(row['leaps'], 2)} " + "".join(f"| {copies(row, run)} " for run in RUNS) + "|"
        )
    return "\n".join(lines)


def sweep_markdown(result: dict[str, Any]) -> str:
    """A --choose reading as one table per model: each setting's point figures, and which
    setting was chosen."""
    real = result["real tunes"]
    lines = []
    for name, chosen in result.items():
        if name == "real tunes":
            continue
        lines += [
            f"{name} (validation; real tunes: in scale {real['in_scale'][0]:.3f}, leaps "
            f"{real['leaps'][0]:.2f}, copies 8/12 {real['copies_8'][0]:.3f}/"
            f"{real['copies_12'][0]:.3f}):",
            "",
            "| temperature | top-p | out-of-scale weight | in scale | leaps /100 | copies 8 "
            "| copies 12 | |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for row in chosen["readings"]:
            setting, reading = row["sampling"], row["reading"]
            mark = "chosen" if setting == chosen["sampling"] else ""
            mark += " (meets all)" if mark and chosen["goals_met"] else ""
            lines.append(
                f"| {setting['temperature']} | {setting['top_p']} | {setting['out_of_scale']} "
                f"| {reading['in_scale'][0]:.3f} | {reading['leaps'][0]:.2f} "
                f"| {reading['copies_8'][0]:.3f} | {reading['copies_12'][0]:.3f} | {mark} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--choose", action="store_true", help="choose the sampling (validation)")
    parser.add_argument("--openings", type=int, default=300, help="openings to continue")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path, help="print a saved reading's tables")
    parser.add_argument("--only", metavar="NAME,...", help="measure only these models")
    parser.add_argument("--weights", type=Path, help="the Transformer's weights [the shipped]")
    parser.add_argument("--write", action="store_true", help="with --choose: record them")
    parser.add_argument(
        "--no-nll", action="store_true", help="continuations only (the NLL is not sampled)"
    )
    parser.add_argument(
        "--keys", action="store_true", help="only how often each key method names the tune's key"
    )
    parser.add_argument(
        "--choose-guard",
        action="store_true",
        help="choose the key method, copy guard and out-of-scale weight (validation)",
    )
    parser.add_argument("--key-reading", type=Path, help="with --choose-guard: a --keys JSON")
    args = parser.parse_args(argv)
    if args.markdown:
        saved = json.loads(args.markdown.read_text())
        print(markdown(saved) if "nll" in saved else sweep_markdown(saved))
        return
    if (args.choose or args.choose_guard) and args.split != "validation":
        parser.error("settings are chosen on the validation split only")
    parts = split_tunes(load_tunes())
    held_out = parts[args.split]
    train = TrainingRuns(parts["train"])
    every = openings(held_out)
    cases = [every[i] for i in np.random.default_rng(1).permutation(len(every))[: args.openings]]
    found = models(args.weights, args.only.split(",") if args.only else None)
    if args.only:
        found = {name: found[name] for name in args.only.split(",")}
    print(
        f"{len(parts['train'])} train tunes; {args.split}: {len(held_out)} tunes, "
        f"{len(cases)} openings continued",
        file=sys.stderr,
    )
    if args.keys:
        keys = key_panel({name: c.scorer for name, c in found.items()}, cases)
        text = json.dumps({"split": args.split, "keys": keys}, indent=1)
        if args.json:
            args.json.write_text(text)
        print(text)
        return
    if args.choose_guard:
        saved = json.loads(args.key_reading.read_text())["keys"] if args.key_reading else None
        result = choose_guard(found, cases, every, train, args.seeds, saved)
        text = json.dumps(result, indent=1)
        if args.json:
            args.json.write_text(text)
        print(text)
        if args.write:
            write_guard(result, len(cases), args.seeds)
        return
    if args.choose:
        result = choose_sampling(found, cases, train, args.seeds)
        text = json.dumps(result, indent=1)
        if args.json:
            args.json.write_text(text)
        print(text)
        if args.write:
            write_sampling(result)
        return
    result = {
        "split": args.split,
        "tunes": len(held_out),
        "openings": len(cases),
        "seeds": args.seeds,
        "nll": {}
        if args.no_nll
        else nll_panel({name: c.scorer for name, c in found.items()}, held_out),
        "continuations": continuation_panel(found, cases, train, args.seeds),
        "sampling": {name: asdict(c.sampling) for name, c in found.items()},
        "key_method": {name: c.key_method for name, c in found.items()},
    }
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
