"""`distkit coconet ...` and the `distkit-coconet` console script: one click group for both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from distkit.music.training.options import console_script, refuse_overwrite, training_options


@click.group(name="coconet")
def coconet() -> None:
    """The Coconet-style Bach harmonizer."""


def _check_weights(weights: Path) -> None:
    """One clear line, before any work, when `weights` is not a file this plugin wrote."""
    from distkit_coconet.model import load_network

    if not weights.is_file():
        raise click.BadParameter(f"{weights} is not a regular file.", param_hint="--weights")
    try:
        load_network(weights)
    except Exception as error:  # torch.load raises many kinds for a file it cannot read
        raise click.BadParameter(
            f"{weights} is not a bach-coconet weights file ({type(error).__name__}).",
            param_hint="--weights",
        ) from None


@coconet.command()
@training_options(iterations=20000, out="bach-coconet.pt", checkpoint_every=500, log_every=100)
@click.option("--channels", type=click.IntRange(min=1), default=128, show_default=True)
@click.option("--stacks", type=click.IntRange(min=1), default=2, show_default=True)
@click.option(
    "--corpus",
    metavar="SOURCE",
    help="Train on this corpus instead: a folder of MIDI, MusicXML, kern or ABC files, or a "
    "music21 corpus name (bach, palestrina, string-quartets, ...). Needs --name.",
)
@click.option(
    "--name",
    metavar="NAME",
    help="Register the result as the music model NAME (in your data folder), for compose "
    "--model NAME and the studio.",
)
def train(out: Path, force: bool, corpus: str | None, name: str | None, **settings: Any) -> None:
    """Train the network on the cached Bach chorales, or on --corpus as the model --name;
    works under torchrun (DDP)."""
    from distkit_coconet.model import WEIGHTS
    from distkit_coconet.training import TrainConfig
    from distkit_coconet.training import train as run_training

    if corpus is not None or name is not None:
        _train_named(corpus, name, TrainConfig(**settings), force=force)
        return
    refuse_overwrite(out, force=force, shipped=WEIGHTS)
    run_training(TrainConfig(**settings), out, log=click.echo)


def _train_named(corpus: str | None, name: str | None, config: Any, *, force: bool) -> None:
    """`train --corpus SOURCE --name NAME`: train on any corpus and register the model."""
    from distkit.errors import DistkitError, UsageError
    from distkit.plugins import get_registry
    from distkit_coconet.corpus_training import train_named

    if corpus is None or name is None:
        raise click.UsageError("--corpus SOURCE and --name NAME go together")
    if config.limit is not None:
        raise click.UsageError("--limit counts chorales; it does not apply to --corpus")
    taken = [registration.name for registration in get_registry().music_models]
    try:
        folder = train_named(corpus, name, config, taken=taken, force=force, log=click.echo)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    except DistkitError as error:
        raise click.ClickException(str(error)) from None
    if folder is not None:
        click.echo(f"registered {name} in {folder}; use it: distkit compose --model {name}")


@coconet.command()
@click.option(
    "--weights",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Weights to tune the sampler for (default: the shipped ones).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("sampler.json"),
    show_default=True,
    help="Where to write the chosen settings (every candidate's panel goes to OUT.log.json).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="First N validation chorales."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes scoring candidates at once.",
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def tune(weights: Path | None, out: Path, limit: int | None, workers: int, force: bool) -> None:
    """Choose the Gibbs sampler's settings on the validation split with the teacher's panel.

    Stage one tries pass counts and final temperatures; stage two, from the best of those,
    the number of chains and how the kept chain is chosen. How the melody is shown to the
    network and the lower voices' grid and motion (`settings.CHOSEN_BY_TEXTURE`), chosen by
    benchmarks/coconet_texture.py, are kept from the shipped settings. The test split is never
    read.
    """
    import json
    from dataclasses import asdict

    import torch

    from distkit.music.chorales import load_chorales, split_chorales
    from distkit_coconet.model import SAMPLER, WEIGHTS
    from distkit_coconet.settings import CHOSEN_BY_TEXTURE, GibbsSettings, read_settings
    from distkit_coconet.tuning import tune_in_stages

    log_file = out.with_name(out.name + ".log.json")
    refuse_overwrite(out, force=force, shipped=SAMPLER)
    refuse_overwrite(log_file, force=force, shipped=SAMPLER)
    _check_weights(weights or WEIGHTS)
    torch.set_num_threads(2)
    validation = split_chorales(load_chorales())["validation"][:limit]
    shipped = read_settings(SAMPLER)
    start = GibbsSettings(**{name: getattr(shipped, name) for name in CHOSEN_BY_TEXTURE})
    best, rows = tune_in_stages(
        weights or WEIGHTS, validation, log=click.echo, workers=workers, start=start
    )
    log_file.write_text(json.dumps(rows, indent=1) + "\n")
    out.write_text(json.dumps(asdict(best), indent=1) + "\n")
    click.echo(f"chose {asdict(best)} on {len(validation)} validation chorales; wrote {out}")


main = console_script(coconet)
