"""How far can a voice under a wide melody keep a chorale alto's register? A bound, on validation.

Run: python benchmarks/melody_spread.py [--model bach-coconet] [--split validation]

For each style's excerpts (`style_eval.held_out`), the spread (standard deviation, in octaves,
as `distkit.music.style_check` measures it) of the melody (voice 1), of voice 2, and of the gap
between them. Over the steps where both sound, spread(melody) <= spread(voice 2) + spread(gap),
so a voice 2 with real Bach's mean spread leaves a gap spread of at least
|spread(melody) - Bach's| on average: under a melody twice as wide as a chorale soprano, a
harmonizer must move its second voice, or the gap to the melody, more than Bach's. With
`--model`, the model's harmonizations of the same melodies are measured too.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
import style_eval  # benchmarks/ is the script's folder

from distkit.music.base import highest_pitches

STYLES = (style_eval.BACH_STYLE, "string-quartet", "renaissance")


def spreads(roll: np.ndarray[Any, Any]) -> tuple[float, float, float]:
    """The melody's, voice 2's and their gap's spread in octaves, over the steps both sound."""
    lines = highest_pitches(np.asarray(roll, dtype=bool))
    both = (lines[0] >= 0) & (lines[1] >= 0)
    if not both.any():
        return 0.0, 0.0, 0.0
    top, second = lines[0][both], lines[1][both]
    return float(top.std()) / 12, float(second.std()) / 12, float((top - second).std()) / 12


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="Also measure this model's harmonizations.")
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--excerpts", type=int, default=24)
    args = parser.parse_args(argv)
    excerpts = {
        style: style_eval.held_out(style, args.split, 60 if style == STYLES[0] else args.excerpts)
        for style in STYLES
    }
    bach_second = float(np.mean([spreads(ex.roll)[1] for ex in excerpts[STYLES[0]]]))
    harmonize = None
    if args.model:
        harmonize = style_eval.harmonizer(args.model)
    print("spreads in octaves (means over excerpts): melody, voice 2, gap 1-2")
    for style, found in excerpts.items():
        real = np.array([spreads(ex.roll) for ex in found])
        bound = float(np.mean(np.abs(real[:, 0] - bach_second)))
        melody, second, gap = real.mean(axis=0)
        print(
            f"{style}, {len(found)} {args.split} excerpts: melody {melody:.3f}; real voice 2 "
            f"{second:.3f}, gap {gap:.3f} (sum {second + gap:.3f}); with Bach's voice-2 spread "
            f"({bach_second:.3f}) the gap spreads at least {bound:.3f}"
        )
        if harmonize is not None:
            rolls = style_eval.harmonize_all(harmonize, found, 0, f"{args.model} {style}")
            model = np.array([spreads(roll) for roll in rolls]).mean(axis=0)
            print(
                f"  {args.model}: voice 2 {model[1]:.3f}, gap {model[2]:.3f} "
                f"(sum {model[1] + model[2]:.3f})"
            )


if __name__ == "__main__":
    main()
