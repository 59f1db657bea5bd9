"""Train one style's infiller on its corpus: `python -m distkit_styles.train STYLE OUT ...`.

Runs under torchrun (two processes, a seed per rank) and resumes from OUT's checkpoint.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from distkit.music.training.distributed import end_if_joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m distkit_styles.train")
    parser.add_argument("style")
    parser.add_argument("out", type=Path)
    parser.add_argument("--iterations", type=int, default=4000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--channels", type=int, default=128)
    parser.add_argument("--stacks", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument(
        "--extend",
        action="store_true",
        help="Carry a finished run's checkpoint on to --iterations (the other settings the same).",
    )
    args = parser.parse_args(argv)

    from distkit_coconet.corpus_training import train_on_pieces
    from distkit_coconet.training import TrainConfig

    from distkit.music.corpus import load_corpus
    from distkit_styles.styles import STYLES

    style = STYLES[args.style]
    corpus = load_corpus(style.corpus)
    print(corpus.summary(), flush=True)
    parts = corpus.split()
    config = TrainConfig(
        iterations=args.iterations,
        batch_size=args.batch_size,
        channels=args.channels,
        stacks=args.stacks,
        seed=args.seed,
        log_every=args.log_every,
        checkpoint_every=args.checkpoint_every,
    )
    train_on_pieces(
        config,
        args.out,
        parts["train"],
        parts["validation"],
        log=lambda line: print(line, flush=True),
        extend=args.extend,
    )
    return 0


if __name__ == "__main__":
    status = main()
    end_if_joined(status)
    sys.exit(status)
