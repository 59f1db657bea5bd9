"""An n-gram model of note events with Witten-Bell interpolation, in numpy and plain dicts.

An event's probability is P(pitch | mode, the previous pitches) times P(duration | bar length,
bar position, the previous durations). Each factor interpolates its longest context with the
next shorter one, down to a uniform distribution, so every distribution sums to one and every
event has a probability above zero. The counts are small tables shipped as package data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.music.melody.events import DURATION_TOKENS, PITCH_TOKENS, START, Events

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Context = tuple[int, ...]


@dataclass
class Factor:
    """Counts of a token after contexts of each length 0..order-1 (longest context last).

    `contexts(events, t, ...)` of the owner gives the full context; level k uses its first k
    entries, so that backing off drops the entries named last.
    """

    vocabulary: int
    order: int
    counts: list[dict[Context, dict[int, int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [{} for _ in range(self.order)]

    def truncated(self, order: int) -> Factor:
        """The same counts used up to contexts of `order` levels (a lower-order model)."""
        if not 1 <= order <= self.order:
            raise ValueError(f"order must be 1 to {self.order}, got {order}")
        return Factor(self.vocabulary, order, self.counts[:order])

    def add(self, context: Context, token: int) -> None:
        for level in range(self.order):
            table = self.counts[level].setdefault(context[:level], {})
            table[token] = table.get(token, 0) + 1

    def probability(self, context: Context, token: int) -> float:
        """P(token | context), interpolated down to uniform."""
        value = 1.0 / self.vocabulary
        for level in range(self.order):
            table = self.counts[level].get(context[:level])
            if table is None:
                break
            total, distinct = sum(table.values()), len(table)
            value = (table.get(token, 0) + distinct * value) / (total + distinct)
        return value

    def distribution(self, context: Context) -> NDArray[np.float64]:
        """P(every token | context) as a vector that sums to one."""
        import numpy as np

        values = np.full(self.vocabulary, 1.0 / self.vocabulary)
        for level in range(self.order):
            table = self.counts[level].get(context[:level])
            if table is None:
                break
            total, distinct = sum(table.values()), len(table)
            counts = np.zeros(self.vocabulary)
            counts[list(table)] = list(table.values())
            values = (counts + distinct * values) / (total + distinct)
        return values


class NgramModel:
    """P(pitch | mode, previous pitches) x P(duration | bar, position, previous durations)."""

    def __init__(self, pitch_order: int = 4, duration_order: int = 4) -> None:
        if pitch_order < 1 or duration_order < 1:
            raise ValueError("the n-gram orders must be at least 1")
        self.pitch = Factor(PITCH_TOKENS, pitch_order)
        self.duration = Factor(DURATION_TOKENS, duration_order)

    @staticmethod
    def pitch_context(events: Events, index: int, minor: bool, order: int) -> Context:
        """(mode, previous pitch, the one before, ...): `order - 1` entries, START before a tune."""
        previous = [
            int(events.pitches[index - back]) if index - back >= 0 else START
            for back in range(1, order - 1)
        ]
        return (int(minor), *previous)

    @staticmethod
    def duration_context(
        events: Events, index: int, position: int, bar_steps: int, order: int
    ) -> Context:
        """(bar length and position, previous duration, the one before, ...)."""
        previous = [
            int(events.durations[index - back]) if index - back >= 0 else START
            for back in range(1, order - 1)
        ]
        return (bar_steps * 64 + position, *previous)

    def truncated(self, pitch_order: int, duration_order: int) -> NgramModel:
        """The model of lower orders that the same counts give (no refitting)."""
        model = NgramModel(pitch_order, duration_order)
        model.pitch = self.pitch.truncated(pitch_order)
        model.duration = self.duration.truncated(duration_order)
        return model

    def fit(self, tunes: Sequence[tuple[Events, bool]]) -> NgramModel:
        """Count every event of `tunes` ((events, minor) pairs)."""
        for events, minor in tunes:
            for index in range(len(events)):
                self.pitch.add(
                    self.pitch_context(events, index, minor, self.pitch.order),
                    int(events.pitches[index]),
                )
                self.duration.add(
                    self.duration_context(
                        events,
                        index,
                        int(events.positions[index]),
                        int(events.bar_steps[index]),
                        self.duration.order,
                    ),
                    int(events.durations[index]),
                )
        return self

    def event_nll(self, events: Events, minor: bool) -> NDArray[np.float64]:
        """The negative log-likelihood (nats) of each event of a tune."""
        return self.pitch_nll(events, minor) + self.duration_nll(events)

    def pitch_nll(self, events: Events, minor: bool) -> NDArray[np.float64]:
        """-log P(pitch | ...) of each event (nats)."""
        import numpy as np

        order = self.pitch.order
        return -np.log(
            [
                self.pitch.probability(
                    self.pitch_context(events, index, minor, order), int(events.pitches[index])
                )
                for index in range(len(events))
            ]
        )

    def duration_nll(self, events: Events) -> NDArray[np.float64]:
        """-log P(duration | ...) of each event (nats)."""
        import numpy as np

        order = self.duration.order
        return -np.log(
            [
                self.duration.probability(
                    self.duration_context(
                        events,
                        index,
                        int(events.positions[index]),
                        int(events.bar_steps[index]),
                        order,
                    ),
                    int(events.durations[index]),
                )
                for index in range(len(events))
            ]
        )

    def pitch_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int
    ) -> NDArray[np.float64]:
        """P(the next event's pitch) after `events`."""
        index = len(events)
        return self.pitch.distribution(self.pitch_context(events, index, minor, self.pitch.order))

    def duration_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int, pitch: int
    ) -> NDArray[np.float64]:
        """P(the next event's duration) after `events`, at `position` (the pitch is not used)."""
        index = len(events)
        return self.duration.distribution(
            self.duration_context(events, index, position, bar_steps, self.duration.order)
        )

    def save(self, path: Path) -> None:
        """The counts as arrays (factor, level, context..., token, count) in one npz file."""
        import numpy as np

        arrays: dict[str, Any] = {
            "orders": np.array([self.pitch.order, self.duration.order], dtype=np.int64)
        }
        for name, factor in (("pitch", self.pitch), ("duration", self.duration)):
            for level, tables in enumerate(factor.counts):
                rows = [
                    (*context, token, count)
                    for context, table in tables.items()
                    for token, count in table.items()
                ]
                arrays[f"{name}{level}"] = np.array(rows, dtype=np.int64).reshape(-1, level + 2)
        tmp = path.with_name(path.name + ".partial.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | str) -> NgramModel:
        import numpy as np

        with np.load(path) as data:
            pitch_order, duration_order = (int(n) for n in data["orders"])
            model = cls(pitch_order, duration_order)
            for name, factor in (("pitch", model.pitch), ("duration", model.duration)):
                for level in range(factor.order):
                    tables = factor.counts[level]
                    for *context, token, count in data[f"{name}{level}"].tolist():
                        tables.setdefault(tuple(context), {})[token] = count
        return model
