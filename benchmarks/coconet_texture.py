"""Which soprano should bach-coconet's network be shown? A chorale's texture under any melody.

Run: python benchmarks/coconet_texture.py [--excerpts 24] [--record]

Validation only. Each candidate (CANDIDATES: how the melody's rests and off-grid notes are shown
to the network, `distkit_coconet.melody_shown`) harmonizes the top voices of the string-quartet
and renaissance validation excerpts (`style_eval.held_out`). Two texture statistics of the lower
voices are compared with real Bach's on the Bach validation excerpts: the share of silent frames,
and the share of onsets off the eighth-note grid (on an odd sixteenth step). The rule, written
before the first run (/work/notes/coconet-texture-rule.md): the smallest mean over styles and
statistics of |log((100 m + 1) / (100 b + 1))|; candidates within NEAR of it are settled by
bach-coconet's panel on the 45 Bach validation chorales (fewest faults per 100 beats, within
FAULT_TIE the best mean frame accuracy, then the earlier candidate); a candidate whose Bach panel
has a fault rate above, or a frame accuracy below, the as-is candidate's 95 % interval is
dropped. The style check is not consulted. `--record` writes the choice into the shipped
sampler.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from typing import Any

import numpy as np
import style_eval  # benchmarks/ is the script's folder

from distkit.music.base import highest_pitches

CANDIDATES: dict[str, dict[str, Any]] = {
    "as-is": {"melody_rests": "kept", "melody_grid": 1},
    "grid": {"melody_rests": "kept", "melody_grid": 2},
    "held": {"melody_rests": "held", "melody_grid": 1},
    "held+grid": {"melody_rests": "held", "melody_grid": 2},
    "all-held+grid": {"melody_rests": "held-from-start", "melody_grid": 2},
}
STYLES = ("string-quartet", "renaissance")
NEAR = 0.05
FAULT_TIE = 0.1
FAULTS = (
    "parallel_5ths_8ves",
    "contrary_5ths_8ves",
    "hidden_5ths_8ves",
    "unresolved_leading_notes",
    "unresolved_sevenths",
    "leaps_over_octave",
    "spacing_over_octave",
    "crossings",
)
FRAMES = ("frame_alto", "frame_tenor", "frame_bass")


def texture(rolls: list[np.ndarray[Any, Any]]) -> dict[str, float]:
    """Lower voices' silent frames and off-eighth onsets, as ratios of sums over the rolls."""
    silent = frames = off = onsets = 0
    for roll in rolls:
        lines = highest_pitches(np.asarray(roll, dtype=bool))[1:]
        silent += int((lines < 0).sum())
        frames += lines.size
        previous = np.concatenate([np.full((3, 1), -1), lines[:, :-1]], axis=1)
        starts = (lines >= 0) & (lines != previous)
        onsets += int(starts.sum())
        off += int(starts[:, 1::2].sum())
    return {"silent": silent / max(frames, 1), "off_eighth": off / max(onsets, 1)}


def distance(model: dict[str, dict[str, float]], bach: dict[str, float]) -> float:
    gaps = [
        abs(np.log((100 * model[style][name] + 1) / (100 * bach[name] + 1)))
        for style in STYLES
        for name in ("silent", "off_eighth")
    ]
    return float(np.mean(gaps))


def bach_panel(settings: Any) -> dict[str, Any]:
    """bach-coconet's panel on the Bach validation chorales under `settings`, seed 0."""
    import music_eval
    from distkit_coconet.model import BachCoconet

    from distkit.music.chorales import load_chorales, split_chorales

    chorales = split_chorales(load_chorales())["validation"]
    model = BachCoconet(settings=settings)
    table = music_eval.evaluate(chorales, {"bach-coconet": model.harmonize}, 0)
    return table["bach-coconet"]


def choose(rows: dict[str, dict[str, Any]]) -> tuple[str, list[str]]:
    """The rule (see the module docstring); and the reasons, line by line."""
    reasons = []
    base = rows["as-is"]["panel"]
    allowed = []
    for label, row in rows.items():
        panel = row["panel"]
        worse = [n for n in FAULTS if panel[n]["value"] > base[n]["high"] + 1e-12]
        worse += [n for n in FRAMES if panel[n]["value"] < base[n]["low"] - 1e-12]
        if worse:
            reasons.append(f"{label}: dropped by the guard ({', '.join(worse)})")
        else:
            allowed.append(label)
    nearest = min(rows[label]["distance"] for label in allowed)
    near = [label for label in allowed if rows[label]["distance"] <= nearest + NEAR]
    reasons.append(f"nearest distance {nearest:.3f}; near ties (within {NEAR}): {near}")
    fewest = min(rows[label]["faults"] for label in near)
    near = [label for label in near if rows[label]["faults"] <= fewest + FAULT_TIE]
    reasons.append(f"fewest Bach-panel faults {fewest:.3f} /100 beats; within {FAULT_TIE}: {near}")
    best_frame = max(rows[label]["mean_frame"] for label in near)
    chosen = next(label for label in near if rows[label]["mean_frame"] == best_frame)
    reasons.append(f"best mean frame accuracy among them {best_frame:.4f}: {chosen}")
    return chosen, reasons


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--excerpts", type=int, default=24)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    import torch
    from distkit_coconet.model import SAMPLER, BachCoconet, shipped_settings

    torch.set_num_threads(1)
    bach_excerpts = style_eval.held_out(style_eval.BACH_STYLE, "validation", 60)
    bach = texture([ex.roll for ex in bach_excerpts])
    print(
        f"real Bach, {len(bach_excerpts)} validation excerpts: silent {bach['silent']:.4f}, "
        f"off-eighth onsets {bach['off_eighth']:.4f}",
        flush=True,
    )
    melodies = {style: style_eval.held_out(style, "validation", args.excerpts) for style in STYLES}
    for style in STYLES:
        real = texture([ex.roll for ex in melodies[style]])
        print(
            f"real {style}, {len(melodies[style])} validation excerpts: silent "
            f"{real['silent']:.4f}, off-eighth onsets {real['off_eighth']:.4f}",
            flush=True,
        )
    shipped = shipped_settings()
    rows: dict[str, dict[str, Any]] = {}
    for label, values in CANDIDATES.items():
        settings = replace(shipped, **values)
        model = BachCoconet(settings=settings)
        stats = {}
        for style in STYLES:
            harmonized = style_eval.harmonize_all(
                model.harmonize, melodies[style], 0, f"{label} {style}"
            )
            stats[style] = texture(harmonized)
        panel = bach_panel(settings)
        faults = float(sum(panel[name].value for name in FAULTS))
        frames = float(np.mean([panel[name].value for name in FRAMES]))
        rows[label] = {
            "settings": values,
            "texture": stats,
            "distance": distance(stats, bach),
            "faults": faults,
            "mean_frame": frames,
            "panel": {name: asdict(figure) for name, figure in panel.items()},
        }
        print(
            f"{label}: "
            + ", ".join(
                f"{style} silent {stats[style]['silent']:.4f} off-eighth "
                f"{stats[style]['off_eighth']:.4f}"
                for style in STYLES
            )
            + f"; distance {rows[label]['distance']:.3f}; Bach validation panel: faults "
            f"{faults:.3f} /100 beats, mean frame {frames:.4f} (alto/tenor/bass "
            + " / ".join(
                f"{panel[n].value:.3f} [{panel[n].low:.3f}, {panel[n].high:.3f}]" for n in FRAMES
            )
            + ")",
            flush=True,
        )
        print(
            "    faults: "
            + ", ".join(
                f"{n} {panel[n].value:.3f} [{panel[n].low:.3f}, {panel[n].high:.3f}]"
                for n in FAULTS
            ),
            flush=True,
        )
    chosen, reasons = choose(rows)
    for line in reasons:
        print(line)
    print(f"chosen: {chosen} {CANDIDATES[chosen]}")
    if args.record:
        SAMPLER.write_text(
            json.dumps(asdict(replace(shipped, **CANDIDATES[chosen])), indent=1) + "\n"
        )
        print(f"recorded in {SAMPLER}", file=sys.stderr)


if __name__ == "__main__":
    main()
