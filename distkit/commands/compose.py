"""`distkit compose`: harmonize a melody with a music model; write MIDI, and a PNG and WAV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from distkit.commands._output import warn_problems
from distkit.music.limits import memory_errors_reported

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

PATH = click.Path(dir_okay=False, path_type=Path)


@click.command("compose")
@click.argument("melody", required=False, type=PATH)
@click.option("--example", is_flag=True, help="Harmonize Twinkle Twinkle Little Star instead.")
@click.option(
    "--notes",
    metavar="TEXT",
    help='Harmonize a melody written as text: "G4 G4 D5 D5 E5 E5 D5:2 r C5:0.5" '
    "(note, octave, :beats; r rests).",
)
@click.option(
    "--tempo",
    type=click.FloatRange(20, 300),
    metavar="BPM",
    help="Tempo in beats per minute [default: the MIDI file's, else 100].",
)
@click.option(
    "--model",
    "model_name",
    metavar="NAME",
    help="Music model NAME or PLUGIN:NAME [default: the installed model ranked best].",
)
@click.option(
    "--style",
    metavar="STYLE",
    help="Use the best installed model of this style (string-quartet, renaissance, ...; "
    "see `distkit list`).",
)
@click.option(
    "-o",
    "--output",
    type=PATH,
    help="MIDI file to write [default: <melody>-harmonized.mid in this folder].",
)
@click.option("--png", type=PATH, help="Also draw the piano roll to this PNG.")
@click.option("--wav", type=PATH, help="Also render the four voices to this WAV.")
@click.option("--share", type=PATH, help="Also write one self-contained HTML page to share.")
@click.option("--seed", type=int, help="Seed for models that sample.")
@click.option("--force", is_flag=True, help="Overwrite output files that exist.")
@click.option(
    "--track",
    type=click.IntRange(min=1),
    metavar="N",
    help="Read the melody from the Nth track with notes [default: the first].",
)
@click.option(
    "--continue",
    "continue_bars",
    type=int,
    metavar="N",
    help="First write N more bars of the melody (in its key, 4/4) with a melody model.",
)
@click.option("--close", is_flag=True, help="With --continue: end on the tonic.")
@click.option(
    "--continue-only", is_flag=True, help="With --continue: write the melody alone, unharmonized."
)
@click.option(
    "--melody-model",
    metavar="NAME",
    help="With --continue: the melody model [default: folk-transformer if installed, "
    "else folk-ngram].",
)
@memory_errors_reported("composing")
def compose(
    melody: Path | None,
    example: bool,
    notes: str | None,
    tempo: float | None,
    model_name: str | None,
    style: str | None,
    output: Path | None,
    png: Path | None,
    wav: Path | None,
    share: Path | None,
    seed: int | None,
    force: bool,
    track: int | None,
    continue_bars: int | None,
    close: bool,
    continue_only: bool,
    melody_model: str | None,
) -> None:
    """Write alto, tenor and bass under MELODY.mid (or --notes, --example) as a four-track MIDI
    file."""
    if style is not None and model_name is not None:
        raise click.UsageError("give --model or --style, not both")
    if continue_bars is None and (close or continue_only or melody_model is not None):
        raise click.UsageError("--close, --continue-only and --melody-model go with --continue N")
    if continue_only and (model_name is not None or style is not None):
        raise click.UsageError("--continue-only writes the melody alone; drop --model/--style")
    if track is not None and melody is None:
        raise click.UsageError("--track picks a track of a MELODY.mid")
    sources = (melody is not None) + example + (notes is not None)
    if sources > 1:
        raise click.UsageError("give one of MELODY.mid, --notes or --example, not both")
    if not sources:
        raise click.UsageError("give a MELODY.mid to harmonize, or --example, or --notes TEXT")
    from distkit.music.compose import (
        Outputs,
        check_outputs,
        default_model,
        default_output,
        harmonize,
        write_outputs,
    )
    from distkit.music.limits import check_wav_seconds
    from distkit.plugins import get_registry

    if melody is not None:
        roll, file_tempo = _read(melody, track)
        source = melody.stem
    elif notes is not None:
        from distkit.music.melody_text import melody_from_text
        from distkit.music.midi import DEFAULT_TEMPO

        roll, file_tempo, source = melody_from_text(notes), DEFAULT_TEMPO, "melody"
    else:
        from distkit.music.example import EXAMPLE_NAME, example_melody
        from distkit.music.midi import DEFAULT_TEMPO

        roll, file_tempo, source = example_melody(), DEFAULT_TEMPO, EXAMPLE_NAME
    tempo = tempo or file_tempo
    fallback = Path(f"{source}-continued.mid") if continue_only else default_output(source)
    outputs = Outputs(output or fallback, png, wav)
    check_outputs(outputs, force=force, source=melody)
    if wav is not None:
        check_wav_seconds(roll.shape[0], tempo)
    if share is not None:
        from distkit.errors import UsageError
        from distkit.music.share import check_share_path

        try:
            check_share_path(share, force=force)
        except UsageError as error:
            hint = " (use --force to overwrite it)" if share.is_file() else ""
            raise UsageError(f"{error}{hint}") from None
    registry = get_registry()
    default = default_model(registry)  # loads the music models, so their problems are known
    warn_problems(registry)
    if style is not None:
        from distkit.music.styles import best_of_style

        model_name = best_of_style(registry, style)
    if continue_bars is None:
        result = harmonize(roll, model_name or default, seed=seed, registry=registry)
    else:
        from distkit.music.melody.continuing import continue_and_harmonize

        continued = continue_and_harmonize(
            roll,
            continue_bars,
            melody_model=melody_model,
            model=model_name or default,
            seed=seed,
            close=close,
            harmonize=not continue_only,
            registry=registry,
        )
        result = continued.result
        click.echo(
            f"Continued {source} by {continue_bars} bars with {continued.continuation.model} "
            f"(plugin {continued.continuation.plugin})"
        )
        if wav is not None:
            check_wav_seconds(result.steps, tempo)
    write_outputs(
        result.arrangement,
        outputs,
        tempo=tempo,
        force=force,
        voices=result.voices,
        programs=result.programs,
    )
    if share is not None:
        from distkit.music.share import write_share

        write_share(
            result.arrangement, share, tempo=tempo, model=result.model, title=source, force=force
        )
    click.echo(
        f"{'Wrote' if continue_only else 'Harmonized'} {source} with {result.model} "
        f"(plugin {result.plugin}): "
        f"{result.bars:g} bars, {result.steps} steps"
    )
    for label, path in (
        ("MIDI", outputs.midi),
        ("PNG", outputs.png),
        ("WAV", outputs.wav),
        ("HTML", share),
    ):
        if path is not None:
            click.echo(f"  {label:<5}{path}")


def _read(path: Path, track: int | None) -> tuple[NDArray[np.bool_], float]:
    """The melody and tempo of a MIDI file; what the reader chose, one line each on stderr."""
    from distkit.music.midi import load_melody

    melody = load_melody(path, track=track)
    pattern, chosen, chords = melody.pattern_remark(), melody.track_remark(), melody.chord_warning()
    if pattern:
        click.echo(f"note: {pattern}", err=True)
    if chosen:
        hint = "" if track is not None else "; --track N reads another"
        click.echo(f"note: {chosen}{hint}", err=True)
    if chords:
        click.echo(f"warning: {chords}", err=True)
    return melody.roll, melody.tempo
