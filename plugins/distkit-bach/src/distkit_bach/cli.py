"""`distkit bach ...` and the `distkit-bach` console script: one click group for both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from distkit.music.training.options import refuse_overwrite, training_options


@click.group(name="bach")
def bach() -> None:
    """The Bach-trained U-Net GAN harmonizer."""


@bach.command()
@training_options(
    iterations=1500, out="bach-unet.pt", threads=2, checkpoint_every=100, log_every=25
)
@click.option("--critic-steps", type=click.IntRange(min=1), default=2, show_default=True)
@click.option(
    "--filters",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Width of the first U-Net layer.",
)
@click.option("--reconstruction-weight", default=10.0, show_default=True)
def train(out: Path, force: bool, **settings: Any) -> None:
    """Train the generator on the cached Bach chorales; works under torchrun (DDP)."""
    from distkit_bach.model import WEIGHTS
    from distkit_bach.training import TrainConfig
    from distkit_bach.training import train as run_training

    refuse_overwrite(out, force=force, shipped=WEIGHTS)
    run_training(TrainConfig(**settings), out, log=click.echo)
