"""`distkit bach ...` and the `distkit-bach` console script: one click group for both."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(name="bach")
def bach() -> None:
    """The Bach-trained U-Net GAN harmonizer."""


@bach.command()
@click.option(
    "--iterations",
    type=click.IntRange(min=1),
    default=1500,
    show_default=True,
    help="Generator updates.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("bach-unet.pt"),
    show_default=True,
    help="Where to write the weights (also written every --checkpoint-every iterations).",
)
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Across all processes.",
)
@click.option("--critic-steps", type=click.IntRange(min=1), default=2, show_default=True)
@click.option(
    "--filters",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Width of the first U-Net layer.",
)
@click.option("--learning-rate", default=1e-3, show_default=True)
@click.option("--reconstruction-weight", default=10.0, show_default=True)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="CPU threads per process.",
)
@click.option("--checkpoint-every", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--log-every", type=click.IntRange(min=1), default=25, show_default=True)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Train on the first N chorales only."
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def train(
    iterations: int,
    out: Path,
    seed: int,
    batch_size: int,
    critic_steps: int,
    filters: int,
    learning_rate: float,
    reconstruction_weight: float,
    threads: int,
    checkpoint_every: int,
    log_every: int,
    limit: int | None,
    force: bool,
) -> None:
    """Train the generator on the cached Bach chorales; works under torchrun (DDP)."""
    from distkit_bach.model import WEIGHTS
    from distkit_bach.training import TrainConfig
    from distkit_bach.training import train as run_training

    if out.exists() and not force:
        raise click.UsageError(f"{out} exists; pass --force to overwrite it.")
    if out.resolve() == WEIGHTS.resolve() and not force:
        raise click.UsageError("refusing to overwrite the shipped weights without --force.")
    config = TrainConfig(
        iterations=iterations,
        batch_size=batch_size,
        critic_steps=critic_steps,
        filters=filters,
        learning_rate=learning_rate,
        reconstruction_weight=reconstruction_weight,
        seed=seed,
        threads=threads,
        log_every=log_every,
        checkpoint_every=checkpoint_every,
        limit=limit,
    )
    run_training(config, out, log=click.echo)
