"""Choosing the sampler's settings on the validation split, with the teacher's panel.

Every candidate harmonizes every validation chorale; candidates are ranked as `distkit compose`
ranks models: most panel goals met, then beat-chord accuracy. The test split is never read here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, replace
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit_coconet.settings import GibbsSettings

if TYPE_CHECKING:
    from distkit.music.chorales import Chorale
    from distkit.music.metrics import Figure

SAMPLING: dict[str, Iterable[Any]] = {"passes": (48, 128), "final_temperature": (1.0, 0.5, 0.2)}
"""Stage one: how long and how cold the sampler runs, one chain."""
RULES: dict[str, Iterable[Any]] = {
    "rule_weight": (0.0, 10.0, 100.0),
    "sweeps": (0, 2),
    "close_on_tonic": (False, True),
    "dominant_before": (False, True),
}
"""Stage two: how hard the voice-leading rules steer the sampler, and the close (none, the
tonic in the bass, or dominant then tonic)."""
CHOOSING: dict[str, Iterable[Any]] = {
    "chains": (1, 6),
    "fault_weight": (0.0, 10.0),
    "cadence_weight": (0.0, 1.0),
}
"""Stage three: how many chains, and how the kept one is chosen."""


def grid(base: GibbsSettings, axes: dict[str, Iterable[Any]]) -> list[GibbsSettings]:
    """Every combination of the values on `axes`, the other settings as in `base`."""
    names = list(axes)
    return [
        replace(base, **dict(zip(names, values, strict=True)))
        for values in product(*(axes[name] for name in names))
    ]


def score(
    weights: Path, settings: GibbsSettings, chorales: Sequence[Chorale], seed: int = 0
) -> dict[str, Figure]:
    """The teacher's panel of one sampler setting over `chorales`."""
    from distkit.music.metrics import panel, summarise
    from distkit_coconet.model import BachCoconet

    model = BachCoconet(weights, settings)
    tallies = [
        panel(model.harmonize(c.roll[0], seed=seed), c.roll, c.tonic, c.fermatas) for c in chorales
    ]
    return summarise(tallies, resamples=200)


def _scores(
    weights: Path, settings: Sequence[GibbsSettings], chorales: Sequence[Chorale], workers: int
) -> Iterator[dict[str, Figure]]:
    if workers <= 1:
        for candidate in settings:
            yield score(weights, candidate, chorales)
        return
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    with ProcessPoolExecutor(workers, initializer=_one_thread) as pool:
        yield from pool.map(partial(score, weights, chorales=chorales), settings)


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def rank_key(figures: dict[str, Figure], bach: dict[str, Figure]) -> tuple[int, float]:
    from distkit.music.metrics import goals

    return sum(goals(figures, bach).values()), figures["beat_chord"].value


def tune_in_stages(
    weights: Path,
    chorales: Sequence[Chorale],
    stages: Sequence[dict[str, Iterable[Any]]] = (SAMPLING, RULES, CHOOSING),
    log: Callable[[str], None] = print,
    workers: int = 1,
    start: GibbsSettings | None = None,
) -> tuple[GibbsSettings, list[dict[str, Any]]]:
    """Each stage's grid around the best setting so far (first `start`, by default the
    defaults); the last best, and every row. What no stage varies is kept from `start`."""
    best, rows = start or GibbsSettings(), []
    for axes in stages:
        settings = [s for s in grid(best, axes) if _meaningful(s)]
        best, stage_rows = tune(weights, chorales, settings, log, workers)
        rows += stage_rows
    return best, rows


def _meaningful(settings: GibbsSettings) -> bool:
    """False for settings that only repeat another: weighing one chain by faults or cadence, or
    a dominant before a close that is not asked for."""
    choosing = bool(settings.fault_weight or settings.cadence_weight)
    return (settings.chains > 1 or not choosing) and (
        settings.close_on_tonic or not settings.dominant_before
    )


def tune(
    weights: Path,
    chorales: Sequence[Chorale],
    settings: Sequence[GibbsSettings],
    log: Callable[[str], None] = print,
    workers: int = 1,
) -> tuple[GibbsSettings, list[dict[str, Any]]]:
    """The best of `settings` on `chorales` (the validation split), and every candidate's row.

    With several `workers`, candidates are scored in that many processes of one torch thread.
    """
    from distkit.music.metrics import panel, summarise

    bach = summarise([panel(c.roll, c.roll, c.tonic, c.fermatas) for c in chorales], resamples=10)
    rows = []
    best: tuple[tuple[int, float], GibbsSettings] | None = None
    for candidate, figures in zip(
        settings, _scores(weights, settings, chorales, workers), strict=True
    ):
        key = rank_key(figures, bach)
        rows.append(
            {
                "settings": asdict(candidate),
                "goals_met": key[0],
                "panel": {name: figure.value for name, figure in figures.items()},
            }
        )
        log(
            f"{asdict(candidate)}: {key[0]} goals, beat chord {key[1]:.3f}, "
            f"bass {figures['frame_bass'].value:.3f}, "
            f"final cadence {figures['final_cadence'].value:.3f}"
        )
        if best is None or key > best[0]:
            best = (key, candidate)
    if best is None:
        raise ValueError("no sampler settings to choose from")
    return best[1], rows
