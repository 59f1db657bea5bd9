"""`distkit bach ...` and the `distkit-bach` console script: one click group for both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from distkit.music.training.options import console_script, refuse_overwrite, training_options


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
@click.option(
    "--corpus",
    metavar="SOURCE",
    help="Train on this corpus instead: a folder of MIDI, MusicXML, kern or ABC files in four "
    "voices, or a music21 corpus name (bach, palestrina, string-quartets, ...). Needs --name.",
)
@click.option(
    "--name",
    metavar="NAME",
    help="Register the result as the music model NAME (in your data folder), for compose "
    "--model NAME and the studio.",
)
def train(out: Path, force: bool, corpus: str | None, name: str | None, **settings: Any) -> None:
    """Train the generator on the cached Bach chorales (weights to --out), or on --corpus as the
    model --name (resumes from its checkpoint); works under torchrun (DDP)."""
    from distkit_bach.model import WEIGHTS
    from distkit_bach.training import TrainConfig
    from distkit_bach.training import train as run_training

    if corpus is not None or name is not None:
        _train_named(corpus, name, TrainConfig(**settings), force=force)
        return
    refuse_overwrite(out, force=force, shipped=WEIGHTS)
    run_training(TrainConfig(**settings), out, log=click.echo)
    click.echo(f"wrote {out}; use it in compose: distkit bach register {out} --name NAME")


def _train_named(corpus: str | None, name: str | None, config: Any, *, force: bool) -> None:
    """`train --corpus SOURCE --name NAME`: train on any corpus and register the model."""
    from distkit_bach.corpus_training import train_named

    if corpus is None or name is None:
        raise click.UsageError("--corpus SOURCE and --name NAME go together")
    if config.limit is not None:
        raise click.UsageError("--limit counts chorales; it does not apply to --corpus")
    with _one_line():
        folder = train_named(corpus, name, config, taken=_installed(), force=force, log=click.echo)
    if folder is not None:
        click.echo(f"registered {name} in {folder}; use it: distkit compose --model {name}")


@bach.command()
@click.argument("weights", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--name", metavar="NAME", required=True, help="The music model's name.")
@click.option("--force", is_flag=True, help="Replace a model of yours with the same name.")
def register(weights: Path, name: str, force: bool) -> None:
    """Register WEIGHTS written by `bach train --out` as the music model NAME, for compose
    --model NAME and the studio (a copy goes to your data folder)."""
    from distkit_bach.registry import register_weights

    with _one_line():
        record = register_weights(weights, name, taken=_installed(), force=force)
    click.echo(f"registered {name} in {record.folder}; use it: distkit compose --model {name}")


@contextmanager
def _one_line() -> Iterator[None]:
    """distkit's errors as one line with their exit code, as `distkit` prints them (for the
    `distkit-bach` script too)."""
    from distkit.cli import one_line
    from distkit.errors import DistkitError

    try:
        yield
    except DistkitError as error:
        raise one_line(error) from None


def _installed() -> list[str]:
    """The names of the installed music models (a new model may not take one)."""
    from distkit.plugins import get_registry

    return [registration.name for registration in get_registry().music_models]


main = console_script(bach)
