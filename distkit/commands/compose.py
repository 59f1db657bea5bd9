"""`distkit compose`: harmonize a melody with a music model (or continue it first, or regenerate
a passage of an arrangement); write MIDI, and a PNG, WAV and page to share. The work is one
library call, `distkit.music.compose.compose`; this module parses, and picks hints by error type.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from distkit.music.limits import memory_errors_reported

if TYPE_CHECKING:
    from distkit.music.compose import Composed, ComposeRequest, Remark

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
    type=float,
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
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Seed for models that sample.")
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
    help="First write N more bars of the melody (in its key and metre) with a melody model.",
)
@click.option(
    "--metre",
    "--time-signature",
    metavar="N/D",
    help="With --continue: the melody's metre, 3/4, 6/8, ... [default: 4/4].",
)
@click.option(
    "--pickup",
    metavar="BEATS",
    help="With --continue: the melody starts BEATS beats (of the metre's note: quarters in 3/4, "
    "eighths in 6/8) before its first bar line [default: 0, on a downbeat].",
)
@click.option(
    "--regenerate",
    metavar="BARS",
    help="Redraw bars N-M (counted from 1) of the arrangement MELODY.mid, keeping every other "
    "note; with --voices.",
)
@click.option(
    "--voices",
    metavar="V,...",
    help="With --regenerate: the voices to redraw, of alto, tenor, bass [default: all three].",
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
    regenerate: str | None,
    voices: str | None,
    close: bool,
    continue_only: bool,
    melody_model: str | None,
    metre: str | None,
    pickup: str | None,
) -> None:
    """Write alto, tenor and bass under MELODY.mid (or --notes, --example) as a four-track MIDI
    file; or redraw a passage of an arrangement (--regenerate BARS)."""
    from distkit.errors import UsageError
    from distkit.music.compose import ComposeRequest

    for option, value in (("--model", model_name), ("--style", style)):
        if value is not None and not value.strip():
            raise UsageError(f"{option} needs a name (see `distkit list`)")
    request = ComposeRequest(
        melody=melody,
        notes=notes,
        example=example,
        track=track,
        tempo=tempo,
        model=model_name,
        style=style,
        seed=seed,
        output=output,
        png=png,
        wav=wav,
        share=share,
        force=force,
        continue_bars=continue_bars,
        close=close,
        continue_only=continue_only,
        melody_model=melody_model,
        metre=metre,
        pickup=pickup,
        regenerate=regenerate,
        voices=tuple(voices.split(",")) if voices is not None else (),
    )
    _report(_composed(request), request)


def _composed(request: ComposeRequest) -> Composed:
    """The library's answer; the hint each error needs, chosen by its type."""
    from distkit.errors import CannotRegenerate, OutputExists, UsageError
    from distkit.music.compose import compose as run

    def tell(remark: Remark) -> None:
        if remark.kind == "plugin":
            click.echo(f"warning: {remark.text} (see `distkit plugins`)", err=True)
        elif remark.kind == "chords":
            click.echo(f"warning: {remark.text}", err=True)
        elif remark.kind == "track" and request.track is None:
            click.echo(f"note: {remark.text}; --track N reads another", err=True)
        else:
            click.echo(f"note: {remark.text}", err=True)

    try:
        return run(request, notify=tell)
    except OutputExists as error:
        raise UsageError(f"{error}; use --force to overwrite it") from None
    except CannotRegenerate as error:
        hint = "; pick one with --model NAME" if error.able else ""
        raise UsageError(f"{error}{hint}") from None


def _report(done: Composed, request: ComposeRequest) -> None:
    result, continuation, passage = done.result, done.continuation, done.passage
    if continuation is not None:
        signature = done.time_signature
        told = [f"in {signature}"] if signature is not None else []
        if signature is not None and signature.pickup:
            told += [f"{signature.pickup_beats:g}-beat pickup"]
        metre = f" ({', '.join(told)})" if told else ""
        click.echo(
            f"Continued {done.source}{metre} by {request.continue_bars} bars with "
            f"{continuation.model} (plugin {continuation.plugin})"
        )
    if passage is not None:
        from distkit.music.base import VOICES

        names = ", ".join(VOICES[voice] for voice in passage.voices)
        first, last = passage.first_bar, passage.last_bar
        bars = f"bar {first}" if first == last else f"bars {first}-{last}"
        verb = f"Regenerated {bars} ({names}) of"
    else:
        verb = "Wrote" if request.continue_only else "Harmonized"
    length = result.bars if continuation is None else continuation.bars  # in its metre
    click.echo(
        f"{verb} {done.source} with {result.model} (plugin {result.plugin}): "
        f"{length:g} bar{'' if length == 1 else 's'}, {result.steps} steps"
    )
    outputs = done.outputs
    for label, path in (
        ("MIDI", outputs.midi),
        ("PNG", outputs.png),
        ("WAV", outputs.wav),
        ("HTML", outputs.share),
    ):
        if path is not None:
            click.echo(f"  {label:<5}{path}")
