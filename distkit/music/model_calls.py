"""Calling a registered music model: the default one, `harmonize` and `infill`, each under
`plugin_code`, and the answer checked before anyone uses it: a plugin that returns the wrong
shape, changes the melody or touches a kept note is a `PluginError` that names it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distkit.errors import CannotRegenerate, DistkitError, PluginError, UsageError
from distkit.music.base import STEPS_PER_QUARTER, VOICES, as_melody, recorded_panel
from distkit.plugins import MUSIC_MODEL, Registry, get_registry, plugin_code
from distkit.plugins.describe import read_class

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


def default_model(registry: Registry | None = None) -> str:
    """The model `harmonize` uses when none is named: among the registered ones, the one the
    teacher's panel ranks best (see `panel_rank`); chorale-hmm when none has a recorded panel."""
    ranked = []
    for registration in (registry or get_registry()).music_models:
        try:
            record = read_class(registration, recorded_panel)
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


def infill_models(registry: Registry | None = None) -> list[str]:
    """The names of the registered music models that can regenerate a passage (`infill`)."""
    names = []
    for registration in (registry or get_registry()).music_models:
        try:
            able = callable(getattr(registration.cls, "infill", None))
        except PluginError:
            continue
        if able:
            names.append(registration.name)
    return names


def infill(
    arrangement: Any,
    mask: Any,
    model: str | None = None,
    *,
    seed: int | None = None,
    registry: Registry | None = None,
) -> Harmonization:
    """Redraw the cells of a (4, steps, 128) `arrangement` where `mask` (4, steps) is True with
    the music model `model` (or `PLUGIN:NAME`; the default model when None); every other cell
    is kept exactly, which is checked. A model without `infill` is a CannotRegenerate."""
    import numpy as np

    registry = registry or get_registry()
    given = np.asarray(arrangement).astype(bool)
    cells = np.asarray(mask).astype(bool)
    if given.ndim != 3 or given.shape[0] != len(VOICES) or cells.shape != given.shape[:2]:
        raise UsageError(
            f"an arrangement is (4, steps, 128) with a (4, steps) mask; got {given.shape} "
            f"and {cells.shape}"
        )
    registration = registry.lookup(MUSIC_MODEL, model or default_model(registry))
    model_class = registration.cls
    if not callable(getattr(model_class, "infill", None)):
        raise CannotRegenerate(registration.name, infill_models(registry))
    label = f"music model {registration.name!r} (plugin {registration.plugin!r})"
    with _model_code(registration.plugin, label):
        answer = model_class().infill(given.copy(), cells.copy(), seed=seed)
        result = check_arrangement(answer, given[0], label)
    kept = ~cells[:, :, None].repeat(given.shape[2], axis=2)
    if not np.array_equal(result[kept], given[kept]):
        raise PluginError(f"the {label} changed notes outside the passage it was asked to redraw")
    return Harmonization(
        registration.name,
        registration.plugin,
        result,
        _declared(model_class, "voices", str),
        _declared(model_class, "programs", int),
    )
