"""The Gibbs sampler's settings (no torch here: listing models must stay light)."""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from distkit.errors import ModelRegistryError


@dataclass(frozen=True)
class GibbsSettings:
    """How the sampler runs; the shipped values were chosen on the validation split."""

    passes: int = 96
    floor: float = 0.05
    anneal: float = 0.75
    temperature: float = 1.0
    final_temperature: float = 0.25
    chains: int = 1
    rule_weight: float = 0.0
    """Logits lowered by this much per voice-leading fault a pitch would make (see rules.py)."""
    sweeps: int = 0
    """Final sweeps, each redrawing alto, tenor and bass one voice and every other step at a time
    at the final temperature."""
    close_on_tonic: bool = False
    """The bass under the melody's last note must be that note's pitch class (its final)."""
    dominant_before: bool = False
    """With `close_on_tonic` and a final that is the key's tonic, the bass of the beat before that
    note must be the dominant."""
    fault_weight: float = 0.0
    """Among the chains, the one kept has the lowest pseudo-NLL per cell plus this weight times
    its voice-leading faults per beat (the teacher's panel rules) ..."""
    cadence_weight: float = 0.0
    """... plus this weight if its last bass note is not the melody's final."""
    melody_rests: str = "kept"
    """How the network is shown the melody's rests (`melody_shown.REST_CHOICES`): as rests, or
    held over by the note before them; the output's top voice keeps them either way."""
    melody_grid: int = 1
    """The network hears the melody on a grid of this many sixteenths (2: eighths), so that the
    lower voices need not move with its off-grid notes; the rules judge the melody as written."""
    lower_grid: int = 1
    """Alto, tenor and bass change note only on a grid of this many sixteenths (2: eighths): the
    cells of each grid block are hidden together and drawn as one token from the product of
    their conditionals, where every cell of the block is open and may take the same tokens.
    The product sharpens the draw (about as a temperature divided by the grid) and counts each
    cell's rule and rest penalties once per cell; a block is hidden when any of its cells is."""
    rest_penalty: float = 0.0
    """Nats taken from the rest token's logit in every lower cell before the temperature, where
    a network's conditionals rest more often than its corpus's voices do."""
    offbeat_penalty: float = 0.0
    """Nats taken, in every lower cell, from each token that would change the voice's note (or
    rest) on an off-eighth step (an odd sixteenth), against its neighbours as they stand: a
    soft form of `lower_grid` 2, counted from both sides as the rules' faults are. Steered
    passes only."""
    inner_leap_penalty: float = 0.0
    """Nats taken, in alto and tenor, from each token that would leap more than a fifth (over 7
    semitones) from the note before it or to the note after it, as they stand (`rules.
    inner_leaps`): chorale inner voices move mostly by step. Steered passes only."""
    held_beat_penalty: float = 0.0
    """Nats taken, in every lower cell, from each token that would hold the voice's note (or
    rest) over a beat, with no new note on the beat, against its neighbours as they stand
    (`sampling.beat_holds`): a chorale's lower voices move about once a beat under any melody.
    Steered passes only."""
    contrary_bonus: float = 0.0
    """Nats added, in the bass on each beat, to each token that would move against the melody
    from the beat before or to the beat after, as they stand (`rules.contrary_outer`): a
    chorale's outer voices move against each other more often than a network's do under a
    wide melody. Steered passes only."""
    register_weight: float = 0.0
    """Nats taken, in every lower cell and every pass, from each pitch token: this weight times
    half its squared distance, in the voice's spreads, from where the voice sits below the
    melody's mean pitch in the training chorales (`register.REGISTER`): a chorale's alto, tenor
    and bass keep their registers under any melody, where a network follows a wide one."""


CHOSEN_BY_TEXTURE = (
    "melody_rests",
    "melody_grid",
    "lower_grid",
    "offbeat_penalty",
    "inner_leap_penalty",
    "contrary_bonus",
    "held_beat_penalty",
    "register_weight",
)
"""The settings benchmarks/coconet_texture.py chooses (how the melody is shown, the lower
voices' grid and motion), which `distkit coconet tune` keeps from the shipped ones."""

POSITIVE = ("passes", "chains", "melody_grid", "lower_grid", "temperature", "final_temperature")
"""Settings that must be above 0; every other number must be at least 0."""
LARGEST = 1_000_000
"""No setting is larger: a million passes already take days."""
TEMPERATURES = ("temperature", "final_temperature")
LOWEST_TEMPERATURE = 0.001
"""Colder than this, the logits divided by the temperature overflow float32 (1e-40 did)."""
SHARES = ("floor", "anneal")
"""Settings that are shares of the run or of the cells: at most 1."""


def read_settings(path: Path) -> GibbsSettings:
    """The settings stored at `path` as a JSON object of `GibbsSettings` fields (those left out
    keep their defaults), or the defaults when there is no such file. A file that cannot be
    read, or a field of the wrong type or out of range, is a `ModelRegistryError` that names
    the file and the field."""
    try:
        if not path.exists():
            return GibbsSettings()
        if not path.is_file():
            raise ModelRegistryError(f"{path}: the sampler settings are not a regular file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return GibbsSettings()
    except (OSError, UnicodeDecodeError) as error:
        raise ModelRegistryError(f"{path}: cannot read the sampler settings: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelRegistryError(
            f"{path}: the sampler settings are not JSON (line {error.lineno}: {error.msg})"
        ) from None
    except (ValueError, RecursionError) as error:
        raise ModelRegistryError(f"{path}: the sampler settings cannot be read: {error}") from None
    try:
        return settings_from_json(data)
    except ValueError as error:
        raise ModelRegistryError(f"{path}: {error}") from None


def settings_from_json(data: Any) -> GibbsSettings:
    """`GibbsSettings` from a decoded JSON object, each field checked against its default's
    type and its range; a ValueError says which field is wrong and why."""
    if not isinstance(data, dict):
        raise ValueError("the sampler settings must be a JSON object of named settings")
    defaults = {field.name: field.default for field in fields(GibbsSettings)}
    for name, value in data.items():
        if name not in defaults:
            near = difflib.get_close_matches(str(name), defaults, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(defaults)}"
            raise ValueError(f"unknown sampler setting {name!r} ({hint})")
        problem = _problem(name, value, defaults[name])
        if problem:
            raise ValueError(f"the sampler setting {name!r} {problem}, not {value!r}")
    return GibbsSettings(**data)


def _problem(name: str, value: Any, default: Any) -> str:
    """What is wrong with `value` for the setting `name`, or "" when nothing is."""
    if isinstance(default, bool):
        return "" if isinstance(value, bool) else "must be true or false"
    if isinstance(default, str):
        from distkit_coconet.melody_shown import REST_CHOICES

        if name == "melody_rests" and value not in REST_CHOICES:
            return f"must be one of {', '.join(REST_CHOICES)}"
        return "" if isinstance(value, str) else "must be text"
    whole = isinstance(default, int)
    kinds: tuple[type, ...] = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        return "must be a whole number" if whole else "must be a number"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if abs(value) > LARGEST:
        return f"must be at most {LARGEST:,}"
    if name in POSITIVE and value <= 0:
        return "must be above 0"
    if name in TEMPERATURES and value < LOWEST_TEMPERATURE:
        return f"must be at least {LOWEST_TEMPERATURE}"
    if value < 0:
        return "must be 0 or more"
    if name in SHARES and value > 1:
        return "must be at most 1"
    return ""
