"""Fitting the n-gram tables on the folk tunes' train split, orders chosen on validation.

    python -m distkit.music.melody [--out PATH]     # writes distkit/music/melody/data/ngram.npz

Training code: `compose` never imports it (it needs music21 to parse the corpus once).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from distkit.music.melody.events import Events
from distkit.music.melody.ngram import NgramModel

Tunes = Sequence[tuple[Events, bool]]
DATA = Path(__file__).parent / "data"
MAX_ORDER = 6


def mean_nll(model: NgramModel, tunes: Tunes) -> float:
    """Negative log-likelihood per event (nats) over `tunes`."""
    total = count = 0.0
    for events, minor in tunes:
        values = model.event_nll(events, minor)
        total += float(values.sum())
        count += len(values)
    return total / max(count, 1.0)


def choose_orders(
    full: NgramModel,
    validation: Tunes,
    log: Callable[[str], None] = print,
) -> tuple[int, int, dict[str, float]]:
    """The pitch and duration orders (up to `full`'s) with the lowest validation NLL, and every
    reading.

    An event's NLL is the sum of its pitch and duration terms, which depend on their own
    factor alone, so each factor's order is chosen on its own term.
    """
    import numpy as np

    readings: dict[str, float] = {}
    orders = range(1, min(full.pitch.order, full.duration.order) + 1)
    for order in orders:
        model = full.truncated(order, order)
        count = sum(len(events) for events, _ in validation)
        pitch = sum(float(np.sum(model.pitch_nll(e, minor))) for e, minor in validation)
        duration = sum(float(np.sum(model.duration_nll(e))) for e, _ in validation)
        readings[f"pitch_order_{order}"] = pitch / count
        readings[f"duration_order_{order}"] = duration / count
        log(
            f"order {order}: validation nll/event pitch {pitch / count:.4f}, "
            f"duration {duration / count:.4f}"
        )
    best = {
        name: min(orders, key=lambda order: readings[f"{name}_order_{order}"])
        for name in ("pitch", "duration")
    }
    return best["pitch"], best["duration"], readings


def fit_tables(out: Path, log: Callable[[str], object] = print) -> None:
    """Fit the tables on the train split, choose the orders on validation, write them to `out`
    with a JSON record of every validation reading beside it."""
    from distkit.music.melody.folk import load_tunes, split_tunes

    parts = split_tunes(load_tunes())
    train = [(t.events(), t.key.mode == "minor") for t in parts["train"]]
    validation = [(t.events(), t.key.mode == "minor") for t in parts["validation"]]
    log(f"{len(train)} train tunes, {len(validation)} validation tunes")
    full = NgramModel(MAX_ORDER, MAX_ORDER).fit(train)
    pitch, duration, readings = choose_orders(full, validation)
    model = full.truncated(pitch, duration)
    chosen = mean_nll(model, validation)
    log(f"chosen: pitch order {pitch}, duration order {duration}: validation {chosen:.4f}")
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    record = {"pitch_order": pitch, "duration_order": duration, "validation_nll": chosen}
    out.with_suffix(".json").write_text(json.dumps({**record, "readings": readings}, indent=1))
