"""`compose --continue`: continue a melody with a melody model, then harmonize the whole.

The melody model is any registered music model with `continue_melody`; its answer is checked
(a roll that keeps the given melody and is as long as asked) before anything uses it. A metre
other than 4/4, or a pickup, is handed to models whose `continue_melody` takes `bar_steps` and
`pickup` (distkit's do); another model is not asked to guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distkit.errors import PluginError, UsageError
from distkit.music.base import BAR_STEPS, as_melody
from distkit.music.melody.metre import bars_end
from distkit.music.melody.model import check_bars, check_metre
from distkit.plugins import MUSIC_MODEL, Registry, get_registry, plugin_code

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit.music.model_calls import Harmonization

PREFERRED = ("folk-transformer", "folk-ngram")
"""Melody models in order of preference when none is named: the Transformer where installed."""


@dataclass(frozen=True)
class Continuation:
    """A melody continued by a melody model: the whole melody and the steps that were given."""

    model: str
    plugin: str
    melody: NDArray[np.bool_]
    given_steps: int
    bar_steps: int = BAR_STEPS
    pickup: int = 0

    @property
    def bars(self) -> float:
        """Whole bars after the pickup (the melody ends on a bar line)."""
        return float((self.melody.shape[0] - self.pickup) / self.bar_steps)


def melody_models(registry: Registry | None = None) -> list[str]:
    """The names of the registered music models that continue melodies."""
    names = []
    for registration in (registry or get_registry()).music_models:
        try:
            usable = callable(getattr(registration.cls, "continue_melody", None))
        except PluginError:
            continue
        if usable:
            names.append(registration.name)
    return names


def default_melody_model(registry: Registry | None = None) -> str:
    """The preferred melody model that is installed and loads; folk-ngram is built in."""
    available = melody_models(registry)
    return next((name for name in PREFERRED if name in available), "folk-ngram")


def continue_melody(
    melody: Any,
    bars: int,
    model: str | None = None,
    *,
    seed: int | None = None,
    close: bool = False,
    bar_steps: int = BAR_STEPS,
    pickup: int = 0,
    registry: Registry | None = None,
) -> Continuation:
    """`bars` more bars of `bar_steps` steps after `melody` (its last bar completed first; its
    first bar line `pickup` steps in) by the melody model `model` (or `PLUGIN:NAME`; the
    default melody model when None)."""
    registry = registry or get_registry()
    bars = check_bars(bars)
    check_metre(bar_steps, pickup)
    roll = as_melody(melody)
    if not roll.any():
        raise UsageError("the melody has no notes to continue")
    registration = registry.lookup(MUSIC_MODEL, model or default_melody_model(registry))
    label = f"music model {registration.name!r} (plugin {registration.plugin!r})"
    with plugin_code(registration.plugin, f"in the {label}"):
        cls = registration.cls
        if not callable(getattr(cls, "continue_melody", None)):
            raise UsageError(
                f"{registration.name} cannot continue a melody; melody models: "
                f"{', '.join(melody_models(registry)) or 'none installed'}"
            )
        metre = {} if (bar_steps, pickup) == (BAR_STEPS, 0) else {"bar_steps": bar_steps}
        if pickup:
            metre["pickup"] = pickup
        if metre and not takes_metre(cls.continue_melody):
            raise UsageError(
                f"{registration.name} continues 4/4 melodies from a downbeat only; "
                "continue in 4/4 without a pickup, or with another melody model"
            )
        answer = cls().continue_melody(roll, bars, seed=seed, close=close, **metre)
    return Continuation(
        registration.name,
        registration.plugin,
        check_continuation(answer, roll, bars, label, bar_steps=bar_steps, pickup=pickup),
        roll.shape[0],
        bar_steps,
        pickup,
    )


def takes_metre(method: Any) -> bool:
    """Whether a `continue_melody` accepts the keywords `bar_steps` and `pickup`."""
    import inspect

    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return True
    return {"bar_steps", "pickup"} <= parameters.keys()


def check_continuation(
    answer: Any,
    melody: NDArray[np.bool_],
    bars: int,
    label: str,
    *,
    bar_steps: int = BAR_STEPS,
    pickup: int = 0,
) -> NDArray[np.bool_]:
    """`answer` as a (steps, 128) roll that starts with `melody`'s notes and runs to the end of
    `bars` more bars (of `bar_steps`, the first bar line `pickup` steps in), or a PluginError
    naming the model."""
    import numpy as np

    try:
        roll = as_melody(answer)
    except (TypeError, ValueError):
        raise PluginError(f"the {label} returned something that is not a melody roll") from None
    sounding = int(np.flatnonzero(melody.any(axis=1))[-1]) + 1
    expected = bars_end(sounding, bars, bar_steps, pickup)
    if roll.shape[0] != expected:
        raise PluginError(
            f"the {label} returned {roll.shape[0]} steps; expected {expected} "
            f"({bars} bars after the melody's last bar)"
        )
    if not np.array_equal(roll[: sounding - 1], melody[: sounding - 1]):
        raise PluginError(f"the {label} changed the given melody")
    return roll


@dataclass(frozen=True)
class Continued:
    """What `compose --continue` writes: the continued melody, harmonized unless asked not to."""

    continuation: Continuation
    harmonization: Harmonization | None

    @property
    def result(self) -> Harmonization:
        """What to write: the harmonization, or the melody alone as one track."""
        from distkit.music.model_calls import Harmonization

        if self.harmonization is not None:
            return self.harmonization
        melody = self.continuation
        return Harmonization(melody.model, melody.plugin, melody.melody[None], ("Melody",))


def continue_and_harmonize(
    melody: Any,
    bars: int,
    *,
    melody_model: str | None = None,
    model: str | None = None,
    seed: int | None = None,
    close: bool = False,
    bar_steps: int = BAR_STEPS,
    pickup: int = 0,
    harmonize: bool = True,
    registry: Registry | None = None,
) -> Continued:
    """Continue the melody, then (with `harmonize`) harmonize all of it with the music model
    `model` (the default harmonizer when None)."""
    from distkit.music import model_calls

    registry = registry or get_registry()
    continuation = continue_melody(
        melody,
        bars,
        melody_model,
        seed=seed,
        close=close,
        bar_steps=bar_steps,
        pickup=pickup,
        registry=registry,
    )
    if not harmonize:
        return Continued(continuation, None)
    harmony_model = model or model_calls.default_model(registry)
    return Continued(
        continuation,
        model_calls.harmonize(continuation.melody, harmony_model, seed=seed, registry=registry),
    )
