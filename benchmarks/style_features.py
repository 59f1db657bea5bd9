"""Why is a model heard as a style? The style check's features that move its harmonizations
towards that style, against real music of the model's own style.

Run: python benchmarks/style_features.py MODEL STYLE [--own bach-chorale] [--toward STYLE]
     [--split validation] [--most 12]

The check is fitted as `benchmarks/style_eval.py` fits it (real validation excerpts of every
shipped style); MODEL harmonizes the top voices of STYLE's `--split` excerpts. For each feature,
its contribution to the logit of `--toward` (default STYLE) over the model's own style `--own` is
the classifier's weight difference times how far the model's mean (standardized) lies from real
music of `--own`.
A diagnosis, not a figure: read it on validation.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
import style_eval  # benchmarks/ is the script's folder

from distkit.music.style_check import feature_names, texture_features


def contributions(
    classifier: Any, model_features: np.ndarray, own_features: np.ndarray, style: str, own: str
) -> np.ndarray:
    """Each feature's push of the model's excerpts from `own` towards `style`, in logits."""
    toward, away = classifier.styles.index(style), classifier.styles.index(own)
    weight = classifier.weights[:, toward] - classifier.weights[:, away]

    def standard(features: np.ndarray) -> np.ndarray:
        scaled: np.ndarray = (features.mean(axis=0) - classifier.mean) / classifier.scale
        return scaled

    pushed: np.ndarray = (standard(model_features) - standard(own_features)) * weight
    return pushed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("style")
    parser.add_argument("--own", default=style_eval.BACH_STYLE)
    parser.add_argument(
        "--toward", help="the style the pushes lead to (default: STYLE, the melodies' style)"
    )
    parser.add_argument("--split", choices=("validation", "test"), default="validation")
    parser.add_argument("--excerpts", type=int, default=24)
    parser.add_argument("--most", type=int, default=12)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    styles = (style_eval.BACH_STYLE, *style_eval.STYLE_MODELS)
    real = {s: style_eval.held_out(s, "validation", 60) for s in styles}
    classifier, _ = style_eval.fit_style_check(real)
    melodies = style_eval.held_out(args.style, args.split, args.excerpts)
    harmonized = style_eval.harmonize_all(
        style_eval.harmonizer(args.model), melodies, 0, args.model
    )
    heard = classifier.classify(harmonized)
    print(f"{args.model} on {len(melodies)} {args.split} excerpts of {args.style}, heard as:")
    for style in classifier.styles:
        print(f"  {style:<16} {heard.count(style)}")
    model = np.stack([texture_features(a) for a in harmonized])
    own = np.stack([texture_features(e.roll) for e in real[args.own]])
    given = np.stack([texture_features(e.roll) for e in melodies])
    toward = args.toward or args.style
    pushed = contributions(classifier, model, own, toward, args.own)
    names = feature_names()
    print(f"\nfeatures pushing it towards {toward} rather than {args.own} (logits):")
    heads = (args.model, args.own, f"real {args.style}")
    print(f"  {'feature':<38} {'push':>6} " + " ".join(f"{h[:14]:>14}" for h in heads))
    for index in np.argsort(-pushed)[: args.most]:
        print(
            f"  {names[index]:<38} {pushed[index]:+6.2f} {model[:, index].mean():14.3f} "
            f"{own[:, index].mean():14.3f} {given[:, index].mean():14.3f}"
        )


if __name__ == "__main__":
    main()
