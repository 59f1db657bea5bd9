"""Harmonizing a melody with a registered music model, and writing what comes out.

The model's answer is checked before anyone uses it: a plugin that returns the wrong shape or
changes the melody is a `PluginError` that names it, not a broken file later.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.errors import DistkitError, PluginError, UsageError
from distkit.music.base import STEPS_PER_QUARTER, VOICES, as_melody, recorded_panel
from distkit.plugins import MUSIC_MODEL, Registry, get_registry, plugin_code

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

BUILT_IN = "chorale-hmm"


@dataclass(frozen=True)
class Harmonization:
    """An arrangement, (4, steps, 128) bool, and the model that wrote it."""

    model: str
    plugin: str
    arrangement: NDArray[np.bool_]
    voices: tuple[str, ...] | None = None
    """The model's names of its tracks, top first (its optional `voices`), if it gives them."""
    programs: tuple[int, ...] | None = None
    """The model's General MIDI program per track (its optional `programs`), if it gives them."""

    @property
    def steps(self) -> int:
        return int(self.arrangement.shape[1])

    @property
    def bars(self) -> float:
        """Length in bars of 4/4."""
        return self.steps / (4 * STEPS_PER_QUARTER)


@dataclass(frozen=True)
class Outputs:
    """Where a harmonization goes: a MIDI file, and optionally a piano-roll PNG and a WAV."""

    midi: Path
    png: Path | None = None
    wav: Path | None = None

    def suffixes(self) -> Iterator[tuple[Path, tuple[str, ...]]]:
        """Each output path with the file name endings its format may have."""
        yield self.midi, (".mid", ".midi")
        if self.png is not None:
            yield self.png, (".png",)
        if self.wav is not None:
            yield self.wav, (".wav",)


def default_model(registry: Registry | None = None) -> str:
    """The model `harmonize` uses when none is named: among the registered ones, the one the
    teacher's panel ranks best (see `panel_rank`); chorale-hmm when none has a recorded panel."""
    ranked = []
    for registration in (registry or get_registry()).music_models:
        try:
            record = recorded_panel(registration.cls)
        except PluginError:
            continue
        if record is not None:
            ranked.append((panel_rank(record), registration.name == BUILT_IN, registration.name))
    return max(ranked)[2] if ranked else BUILT_IN


def panel_rank(record: dict[str, Any]) -> tuple[float, float]:
    """How a recorded panel summary ranks: goals met first, then beat-chord accuracy."""
    try:
        return float(record["goals_met"]), float(record["beat_chord"])
    except (KeyError, TypeError, ValueError):
        return float("-inf"), float("-inf")


def harmonize(
    melody: Any,
    model: str | None = None,
    *,
    seed: int | None = None,
    registry: Registry | None = None,
) -> Harmonization:
    """Harmonize a (steps, 128) melody with the music model named `model` (or `PLUGIN:NAME`)."""
    registry = registry or get_registry()
    roll = as_melody(melody)
    if not roll.any():
        raise UsageError("the melody has no notes to harmonize")
    registration = registry.lookup(MUSIC_MODEL, model or default_model(registry))
    label = f"music model {registration.name!r} (plugin {registration.plugin!r})"
    model_class = registration.cls
    with _model_code(registration.plugin, label):
        answer = model_class().harmonize(roll, seed=seed)
        arrangement = check_arrangement(answer, roll, label)  # may run the answer's own code
    return Harmonization(
        registration.name,
        registration.plugin,
        arrangement,
        _declared(model_class, "voices", str),
        _declared(model_class, "programs", int),
    )


def _declared(model_class: type[Any], member: str, kind: type[Any]) -> Any:
    """A model's optional tuple of one entry per track (`voices`, `programs`), or None when it
    gives none or gives something else."""
    value = getattr(model_class, member, None)
    if not isinstance(value, tuple | list) or len(value) != len(VOICES):
        return None
    if not all(isinstance(item, kind) and not isinstance(item, bool) for item in value):
        return None
    return tuple(value)


@contextlib.contextmanager
def _model_code(plugin: str, label: str) -> Iterator[None]:
    """Run a model's code under `plugin_code`: whatever it raises, SystemExit and MemoryError
    included, is a PluginError saying which model failed and how; Ctrl-C still stops it."""
    try:
        with plugin_code(plugin, f"in the {label}"):
            yield
    except PluginError as error:
        cause = error.__cause__
        if cause is None or isinstance(cause, DistkitError):
            raise
        reason = str(cause).strip().splitlines()
        detail = f"{type(cause).__name__}: {reason[0]}" if reason else type(cause).__name__
        raise PluginError(f"the {label} failed: {detail}") from cause


def check_arrangement(answer: Any, melody: NDArray[np.bool_], label: str) -> NDArray[np.bool_]:
    """`answer` as a (4, steps, 128) bool roll whose first track is `melody`, or a PluginError."""
    import numpy as np

    try:
        arrangement = np.asarray(answer).astype(bool)
    except (TypeError, ValueError):
        raise PluginError(f"the {label} returned something that is not a piano roll") from None
    expected = (len(VOICES), *melody.shape)
    if arrangement.shape != expected:
        raise PluginError(
            f"the {label} returned shape {arrangement.shape}; expected {expected} "
            "(soprano, alto, tenor, bass)"
        )
    if not np.array_equal(arrangement[0], melody):
        raise PluginError(f"the {label} changed the melody; track 0 must be the melody as given")
    return arrangement


def default_output(stem: str) -> Path:
    """`<stem>-harmonized.mid` in the current folder, for a melody read from `<stem>.mid`."""
    return Path(f"{stem}-harmonized.mid")


def check_outputs(outputs: Outputs, *, force: bool = False, source: Path | None = None) -> None:
    """A UsageError, before anything is written, if an output cannot or should not be written:
    an output that is the melody file `source` itself (by any name or link) is refused even
    when replacing is asked for."""
    for path, endings in outputs.suffixes():  # distinct endings: no path serves two outputs
        if path.suffix.lower() not in endings:
            raise UsageError(f"{path}: the file name must end in {' or '.join(endings)}")
        if path.is_dir():
            raise UsageError(f"{path} is a folder; give a file path")
        if not path.parent.is_dir():
            raise UsageError(f"{path.parent} is not a folder; create it first")
        if source is not None and path.exists() and os.path.samefile(path, source):
            alias = "" if path == source else f" (the same file as {source})"
            raise UsageError(f"{path} is the melody being read{alias}; write to another file")
        if os.path.lexists(path) and not force:
            raise UsageError(f"{path} already exists; use --force to overwrite it")


def write_outputs(
    arrangement: NDArray[Any],
    outputs: Outputs,
    *,
    tempo: float,
    force: bool = False,
    voices: tuple[str, ...] | None = None,
    programs: tuple[int, ...] | None = None,
) -> None:
    """Write the arrangement as MIDI, and as a PNG and a WAV where those are asked for.

    Every file is written whole beside its target and moved into place when all are done, so
    an interruption leaves no half-written file; an existing file is replaced only with `force`.
    """
    from distkit.files.writing import staged
    from distkit.music.midi import write_arrangement

    targets = [path for path, _ in outputs.suffixes()]
    with staged(targets, replace=force) as temporaries:
        written = dict(zip(targets, temporaries, strict=True))
        write_arrangement(
            arrangement, written[outputs.midi], tempo=tempo, programs=programs, names=voices
        )
        if outputs.png is not None:
            from distkit.music.plotting import save_pianoroll

            save_pianoroll(arrangement, written[outputs.png])
        if outputs.wav is not None:
            from distkit.music.synth import render_wav

            render_wav(arrangement, written[outputs.wav], tempo=tempo)
