"""`distkit compose`: harmonize a melody with a music model; write MIDI, and a PNG and WAV."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click

from distkit.commands._output import warn_problems

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

PATH = click.Path(dir_okay=False, path_type=Path)


@click.command("compose")
@click.argument("melody", required=False, type=PATH)
@click.option("--example", is_flag=True, help="Harmonize Twinkle Twinkle Little Star instead.")
@click.option(
    "--model",
    "model_name",
    metavar="NAME",
    help="Music model NAME or PLUGIN:NAME [default: the installed model ranked best].",
)
@click.option(
    "-o",
    "--output",
    type=PATH,
    help="MIDI file to write [default: <melody>-harmonized.mid in this folder].",
)
@click.option("--png", type=PATH, help="Also draw the piano roll to this PNG.")
@click.option("--wav", type=PATH, help="Also render the four voices to this WAV.")
@click.option("--seed", type=int, help="Seed for models that sample.")
@click.option("--force", is_flag=True, help="Overwrite output files that exist.")
def compose(
    melody: Path | None,
    example: bool,
    model_name: str | None,
    output: Path | None,
    png: Path | None,
    wav: Path | None,
    seed: int | None,
    force: bool,
) -> None:
    """Write alto, tenor and bass under MELODY.mid (or --example) as a four-track MIDI file."""
    if melody is not None and example:
        raise click.UsageError("give a MELODY.mid or --example, not both")
    if melody is None and not example:
        raise click.UsageError("give a MELODY.mid to harmonize, or --example")
    from distkit.music.compose import (
        Outputs,
        check_outputs,
        default_model,
        default_output,
        harmonize,
        write_outputs,
    )
    from distkit.plugins import get_registry

    if melody is not None:
        roll, tempo = _read(melody)
        source = melody.stem
    else:
        from distkit.music.example import EXAMPLE_NAME, example_melody
        from distkit.music.midi import DEFAULT_TEMPO

        roll, tempo, source = example_melody(), DEFAULT_TEMPO, EXAMPLE_NAME
    outputs = Outputs(output or default_output(source), png, wav)
    check_outputs(outputs, force=force)
    registry = get_registry()
    default = default_model(registry)  # loads the music models, so their problems are known
    warn_problems(registry)
    result = harmonize(roll, model_name or default, seed=seed, registry=registry)
    write_outputs(result.arrangement, outputs, tempo=tempo)
    click.echo(
        f"Harmonized {source} with {result.model} (plugin {result.plugin}): "
        f"{result.bars:g} bars, {result.steps} steps"
    )
    for label, path in (("MIDI", outputs.midi), ("PNG", outputs.png), ("WAV", outputs.wav)):
        if path is not None:
            click.echo(f"  {label:<5}{path}")


def _read(path: Path) -> tuple[NDArray[np.bool_], float]:
    """The melody and tempo of a MIDI file, each polyphony warning as one line on stderr."""
    from distkit.music.midi import PolyphonyWarning, read_melody, read_tempo

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PolyphonyWarning)
        roll = read_melody(path)
    for warning in caught:
        if issubclass(warning.category, PolyphonyWarning):
            click.echo(f"warning: {warning.message}", err=True)
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return roll, read_tempo(path)
