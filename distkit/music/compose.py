"""`compose` as one library call: read the melody (or an arrangement), check the limits and the
outputs, call the model (harmonize, continue first, or regenerate a passage), write every output
whole. The command line only fills a `ComposeRequest` and prints the `Composed` it gets back.

A new option is a field of `ComposeRequest` and a step in `compose`; nothing is decided in the
command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from distkit.errors import UsageError
from distkit.music.base import BAR_STEPS, VOICES
from distkit.music.model_calls import (
    BUILT_IN,
    Harmonization,
    check_arrangement,
    default_model,
    harmonize,
    infill,
    infill_models,
    panel_rank,
)
from distkit.music.time_signatures import TimeSignature
from distkit.plugins import Registry, get_registry

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.melody.continuing import Continuation

__all__ = [
    "BUILT_IN",
    "ComposeRequest",
    "Composed",
    "Harmonization",
    "Outputs",
    "Passage",
    "Remark",
    "check_arrangement",
    "check_outputs",
    "check_request",
    "compose",
    "default_model",
    "default_output",
    "harmonize",
    "infill",
    "infill_models",
    "panel_rank",
    "parse_passage",
    "write_outputs",
]

RemarkKind = Literal["pattern", "track", "chords", "plugin"]


@dataclass(frozen=True)
class ComposeRequest:
    """What `compose` is asked for: one source (`melody` file, `notes` text or the `example`),
    the model, the outputs, and optionally a continuation or a passage to regenerate."""

    melody: Path | None = None
    notes: str | None = None
    example: bool = False
    track: int | None = None
    tempo: float | None = None
    model: str | None = None
    style: str | None = None
    seed: int | None = None
    output: Path | None = None
    png: Path | None = None
    wav: Path | None = None
    share: Path | None = None
    force: bool = False
    continue_bars: int | None = None
    close: bool = False
    continue_only: bool = False
    melody_model: str | None = None
    metre: str | None = None
    """With `continue_bars`: the melody's metre, "3/4", "6/8" (when None: the melody file's time
    signature, else 4/4)."""
    pickup: str | None = None
    """With `continue_bars`: beats of the metre's note before the first bar line (when None: the
    melody file's pickup, else 0)."""
    regenerate: str | None = None
    """Bars to redraw in the arrangement read from `melody`, "7-8" or "7" (counted from 1)."""
    voices: tuple[str, ...] = ()
    """With `regenerate`: the voices to redraw (alto, tenor, bass); all three when empty."""


@dataclass(frozen=True)
class Remark:
    """Something the reader chose or a plugin problem, said on stderr as the work goes on."""

    kind: RemarkKind
    text: str


@dataclass(frozen=True)
class Outputs:
    """Where a harmonization goes: a MIDI file (none when only a page to share was asked for:
    the page holds the MIDI), and optionally a piano-roll PNG, a WAV and a self-contained HTML
    page to share."""

    midi: Path | None
    png: Path | None = None
    wav: Path | None = None
    share: Path | None = None

    def suffixes(self) -> Iterator[tuple[Path, tuple[str, ...]]]:
        """Each output path with the file name endings its format may have."""
        if self.midi is not None:
            yield self.midi, (".mid", ".midi")
        if self.png is not None:
            yield self.png, (".png",)
        if self.wav is not None:
            yield self.wav, (".wav",)
        if self.share is not None:
            yield self.share, (".html", ".htm")


@dataclass(frozen=True)
class Passage:
    """The bars (counted from 1, inclusive) and voices (indices, 1-3) that were redrawn."""

    first_bar: int
    last_bar: int
    voices: tuple[int, ...]
    start: int | None = None
    """The passage's first step (bars of 4/4 from the start when None)."""
    end: int | None = None
    """The step after its last (see `start`)."""

    def mask(self, steps: int) -> NDArray[np.bool_]:
        """(4, steps) True on the passage's cells."""
        import numpy as np

        cells = np.zeros((len(VOICES), steps), dtype=bool)
        start = (self.first_bar - 1) * BAR_STEPS if self.start is None else self.start
        end = min(self.last_bar * BAR_STEPS if self.end is None else self.end, steps)
        cells[list(self.voices), start:end] = True
        return cells


@dataclass(frozen=True)
class Composed:
    """What `compose` did: the source's name, the model's result and where it was written."""

    source: str
    result: Harmonization
    outputs: Outputs
    continuation: Continuation | None = None
    passage: Passage | None = None
    time_signature: TimeSignature | None = None
    """The metre written into the MIDI file (from --metre/--pickup or the melody's file)."""


def compose(
    request: ComposeRequest,
    *,
    registry: Registry | None = None,
    notify: Callable[[Remark], None] | None = None,
) -> Composed:
    """Do what `request` asks, writing every output whole or not at all; `notify` hears the
    reader's remarks and plugin problems as they arise (before the model runs)."""
    from distkit.music.limits import TEMPO_RANGE, check_tempo, check_wav_seconds

    tell = notify or (lambda remark: None)
    check_request(request)
    if request.tempo is not None:
        check_tempo(request.tempo)
    roll, file_tempo, source, found = _read(request, tell)
    tempo = request.tempo if request.tempo is not None else file_tempo
    if request.tempo is None and request.melody is not None:
        low, high = TEMPO_RANGE
        if not low <= tempo <= high:
            raise UsageError(
                f"{request.melody} sets a tempo of {tempo:g} quarter notes a minute; distkit "
                f"writes {low:g} to {high:g}: give one with --tempo"
            )
    signature = written_time_signature(request, found)
    passage = None
    if request.regenerate is not None:
        passage = parse_passage(request.regenerate, request.voices, roll.shape[1], found)
    only_shared = request.share is not None and request.png is None and request.wav is None
    midi = request.output or (None if only_shared else _default_output(request, source))
    outputs = Outputs(midi, request.png, request.wav, request.share)
    check_outputs(outputs, force=request.force, source=request.melody)
    if request.wav is not None:
        check_wav_seconds(roll.shape[-2], tempo)
    registry = registry or get_registry()
    model = _chosen_model(request, registry)  # loads the music models: their problems are known
    for problem in registry.problems:
        tell(Remark("plugin", problem))
    continuation = None
    if passage is not None:
        result = infill(
            roll, passage.mask(roll.shape[1]), model, seed=request.seed, registry=registry
        )
    elif request.continue_bars is not None:
        from distkit.music.melody.continuing import continue_and_harmonize

        bar_steps, pickup = continuation_metre(request, found)
        continued = continue_and_harmonize(
            roll,
            request.continue_bars,
            melody_model=request.melody_model,
            model=model,
            seed=request.seed,
            close=request.close,
            bar_steps=bar_steps,
            pickup=pickup,
            harmonize=not request.continue_only,
            registry=registry,
        )
        result, continuation = continued.result, continued.continuation
        if request.wav is not None:
            check_wav_seconds(result.steps, tempo)
    else:
        result = harmonize(roll, model, seed=request.seed, registry=registry)
    write_outputs(
        result.arrangement,
        outputs,
        tempo=tempo,
        force=request.force,
        voices=result.voices,
        programs=result.programs,
        title=source,
        model=result.model,
        time_signature=signature,
    )
    return Composed(source, result, outputs, continuation, passage, signature)


def check_request(request: ComposeRequest) -> None:
    """A UsageError naming the options of `request` that do not go together."""
    if request.style is not None and request.model is not None:
        raise UsageError("give --model or --style, not both")
    continuing = request.close or request.continue_only or request.melody_model is not None
    if request.continue_bars is None and continuing:
        raise UsageError("--close, --continue-only and --melody-model go with --continue N")
    if request.continue_bars is None and (request.metre is not None or request.pickup is not None):
        raise UsageError("--metre and --pickup go with --continue N")
    continuation_metre(request)
    if request.continue_only and (request.model is not None or request.style is not None):
        raise UsageError("--continue-only writes the melody alone; drop --model/--style")
    if request.track is not None and request.melody is None:
        raise UsageError("--track picks a track of a MELODY.mid")
    if request.voices and request.regenerate is None:
        raise UsageError("--voices goes with --regenerate BARS")
    sources = (request.melody is not None) + request.example + (request.notes is not None)
    if sources > 1:
        raise UsageError("give one of MELODY.mid, --notes or --example, not both")
    if not sources:
        raise UsageError("give a MELODY.mid to harmonize, or --example, or --notes TEXT")
    if request.regenerate is not None and request.melody is None:
        raise UsageError("--regenerate redraws part of an ARRANGEMENT.mid; give its file")
    if request.regenerate is not None and request.continue_bars is not None:
        raise UsageError("give --regenerate or --continue, not both")


def continuation_metre(
    request: ComposeRequest, found: TimeSignature | None = None
) -> tuple[int, int]:
    """The bar length and pickup in steps that `request.metre` and `request.pickup` say, where
    not said those of the melody file's time signature `found`, else 4/4 and no pickup; or a
    UsageError."""
    from distkit.music.melody.metre import COMMON_TIME, Metre, parse_metre, pickup_steps

    if request.metre is not None:
        metre = parse_metre(request.metre)
    elif found is not None:
        metre = Metre(found.beats, found.unit)
    else:
        metre = COMMON_TIME
    if request.pickup is not None:
        pickup = pickup_steps(request.pickup, metre)
    else:
        pickup = found.pickup if found is not None and request.metre is None else 0
    return metre.bar_steps, pickup


def written_time_signature(
    request: ComposeRequest, found: TimeSignature | None
) -> TimeSignature | None:
    """The metre to write into the MIDI file: the continuation's when one is asked for with a
    metre or pickup (said, or the file's), else the melody file's own (None: none written)."""
    said = request.metre is not None or request.pickup is not None
    if request.continue_bars is None or not (said or found is not None):
        return found
    from distkit.music.melody.metre import COMMON_TIME, parse_metre

    _, pickup = continuation_metre(request, found)
    if request.metre is not None:
        metre = parse_metre(request.metre)
        return TimeSignature(metre.beats, metre.unit, pickup)
    if found is not None:
        return TimeSignature(found.beats, found.unit, pickup)
    return TimeSignature(COMMON_TIME.beats, COMMON_TIME.unit, pickup)


def _read(
    request: ComposeRequest, tell: Callable[[Remark], None]
) -> tuple[NDArray[np.bool_], float, str, TimeSignature | None]:
    """The melody (steps, 128), or with `regenerate` the arrangement (4, steps, 128); its
    tempo; the name the outputs are called after; and the file's metre, if it gives one."""
    from distkit.music.midi import DEFAULT_TEMPO

    if request.melody is not None and request.regenerate is not None:
        from distkit.music.midi import read_arrangement, read_tempo, read_time_signature

        tracks = read_arrangement(request.melody)
        if tracks.shape[0] != len(VOICES):
            raise UsageError(
                f"{request.melody} has {tracks.shape[0]} tracks with notes; --regenerate needs "
                "the four of an arrangement (soprano, alto, tenor, bass)"
            )
        found = read_time_signature(request.melody)
        return tracks, read_tempo(request.melody), request.melody.stem, found
    if request.melody is not None:
        from distkit.music.midi import load_melody

        melody = load_melody(request.melody, track=request.track)
        remarks: list[tuple[RemarkKind, str | None]] = [
            ("pattern", melody.pattern_remark()),
            ("track", melody.track_remark()),
            ("chords", melody.chord_warning()),
        ]
        for kind, text in remarks:
            if text:
                tell(Remark(kind, text))
        return melody.roll, melody.tempo, request.melody.stem, melody.time_signature
    if request.notes is not None:
        from distkit.music.melody_text import melody_from_text

        return melody_from_text(request.notes), DEFAULT_TEMPO, "melody", None
    from distkit.music.example import EXAMPLE_NAME, example_melody

    return example_melody(), DEFAULT_TEMPO, EXAMPLE_NAME, None


def _default_output(request: ComposeRequest, source: str) -> Path:
    if request.continue_only:
        return Path(f"{source}-continued.mid")
    if request.regenerate is not None:
        return Path(f"{source}-regenerated.mid")
    return default_output(source)


def _chosen_model(request: ComposeRequest, registry: Registry) -> str:
    """The model named, the best of the style asked for, or the default (loading every music
    model, so that their problems are known before any work)."""
    default = default_model(registry)
    if request.style is not None:
        from distkit.music.styles import best_of_style

        return best_of_style(registry, request.style)
    return request.model or default


def parse_passage(
    bars: str, voices: tuple[str, ...], steps: int, metre: TimeSignature | None = None
) -> Passage:
    """The passage of `--regenerate BARS --voices V,...` in an arrangement of `steps` steps,
    its bars those of `metre` (the file's time signature; bars of 4/4 when None)."""
    first, _, last = bars.strip().partition("-")
    try:
        low, high = int(first), int(last or first)
    except ValueError:
        raise UsageError(
            f"--regenerate takes bars as N or N-M (counted from 1), not {bars!r}"
        ) from None
    starts = (metre or TimeSignature(4, 4)).bar_starts(steps)
    length = len(starts) - 1
    if not 1 <= low <= high <= length:
        raise UsageError(
            f"--regenerate {bars}: the arrangement has bars 1-{length}; give N-M within them"
        )
    names = [voice.strip().lower() for voice in voices if voice.strip()]
    if voices and not names:
        raise UsageError(
            "--voices names no voice; give alto, tenor or bass, or leave it out for all three"
        )
    names = names or list(VOICES[1:])
    unknown = [name for name in names if name not in VOICES[1:]]
    if unknown:
        raise UsageError(
            f"--voices takes alto, tenor and bass (the soprano is the melody), not {unknown[0]!r}"
        )
    chosen = tuple(sorted({VOICES.index(name) for name in names}))
    return Passage(low, high, chosen, starts[low - 1], starts[high])


def default_output(stem: str) -> Path:
    """`<stem>-harmonized.mid` in the current folder, for a melody read from `<stem>.mid`."""
    return Path(f"{stem}-harmonized.mid")


def check_outputs(outputs: Outputs, *, force: bool = False, source: Path | None = None) -> None:
    """A UsageError, before anything is written, if an output cannot or should not be written
    (see `distkit.files.writing.check_targets`); an output that is the file being read is
    refused even when replacing is asked for."""
    from distkit.files.writing import check_targets

    inputs = [source] if source is not None else []
    check_targets(list(outputs.suffixes()), replace=force, inputs=inputs, reading="the melody")


def write_outputs(
    arrangement: NDArray[Any],
    outputs: Outputs,
    *,
    tempo: float,
    force: bool = False,
    voices: tuple[str, ...] | None = None,
    programs: tuple[int, ...] | None = None,
    title: str = "A harmonization",
    model: str = "",
    time_signature: TimeSignature | None = None,
) -> None:
    """Write the arrangement as MIDI (with `time_signature`, if any), and as a PNG, a WAV and a
    page to share where those are asked for (the page titled `title`, naming `model`).

    Every file is written whole beside its target and moved into place when all are done, so
    an interruption leaves no half-written file; an existing file is replaced only with `force`.
    """
    from distkit.files.writing import staged
    from distkit.music.midi import write_arrangement

    targets = [path for path, _ in outputs.suffixes()]
    with staged(targets, replace=force) as temporaries:
        written = dict(zip(targets, temporaries, strict=True))
        if outputs.midi is not None:
            write_arrangement(
                arrangement,
                written[outputs.midi],
                tempo=tempo,
                programs=programs,
                names=voices,
                time_signature=time_signature,
            )
        if outputs.png is not None:
            from distkit.music.plotting import save_pianoroll

            save_pianoroll(arrangement, written[outputs.png], time_signature, voices)
        if outputs.wav is not None:
            from distkit.music.synth import render_wav

            render_wav(arrangement, written[outputs.wav], tempo=tempo)
        if outputs.share is not None:
            from distkit.music.share import share_html

            page = share_html(
                arrangement,
                tempo=tempo,
                model=model,
                title=title,
                time_signature=time_signature,
                programs=programs,
                names=voices,
            )
            written[outputs.share].write_text(page, "utf-8")
