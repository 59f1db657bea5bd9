"""`distkit models`: the named models you trained (list them, remove one, relearn the HMM)."""

from __future__ import annotations

import click

from distkit.commands._output import echo_json, echo_table


@click.group("models")
def models() -> None:
    """The music models you trained with `--corpus SOURCE --name NAME`."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_models(as_json: bool) -> None:
    """List your named models: style, corpus, date and folder."""
    from distkit.music.user_models import damaged_models, models_dir
    from distkit.music.user_models import list_models as stored

    records = stored()
    for name, why in damaged_models().items():
        click.echo(
            f"warning: the model {name!r} cannot be used, its record is damaged ({why}); "
            f"remove it with `distkit models remove {name}`",
            err=True,
        )
    if as_json:
        echo_json([{**r.to_json(), "folder": str(r.folder)} for r in records])
        return
    if not records:
        click.echo(f"No models of yours yet (they are kept in {models_dir()}).")
        return
    echo_table(
        ["NAME", "STYLE", "CORPUS", "CREATED"],
        [[r.name, r.style, r.corpus, r.created] for r in records],
    )


@models.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Forget the model NAME: its folder in your data folder is deleted."""
    from distkit.music.user_models import remove_model

    record = remove_model(name)
    if record is None:
        click.echo(f"Removed {name} (its record was damaged).")
    else:
        click.echo(f"Removed {record.name} (trained on {record.corpus}, {record.created}).")


@models.command("train-hmm")
@click.option(
    "--corpus",
    "source",
    metavar="SOURCE",
    required=True,
    help="A folder of MIDI, MusicXML, kern or ABC files in four voices, or a music21 corpus "
    "name (bach, palestrina, string-quartets, ...).",
)
@click.option(
    "--name",
    metavar="NAME",
    required=True,
    help="Register the result as the music model NAME, for compose --model NAME and the studio.",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=None,
    help="Epochs of the melody-context classifier (default: the shipped model's, 8).",
)
@click.option("--force", is_flag=True, help="Replace a model of yours with the same name.")
def train_hmm(source: str, name: str, epochs: int | None, force: bool) -> None:
    """Relearn chorale-hmm's chord tables and context classifier on a corpus (its training
    split), and register the result as NAME. numpy only; seconds to minutes."""
    from distkit.music.hmm.relearning import train_named_hmm

    record = train_named_hmm(source, name, force=force, epochs=epochs, log=click.echo)
    click.echo(f"registered {name} in {record.folder}; use it: distkit compose --model {name}")
