"""Tunes as the network's training windows: inputs and targets of up to `context` events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from distkit.music.melody.events import POSITIONS, Events
from distkit_melody.network import IGNORE, START_DURATION, START_PITCH


@dataclass(frozen=True)
class Sequences:
    """Each tune's events with its mode (1 for minor)."""

    events: list[Events]
    minor: list[int]

    @classmethod
    def of(cls, pairs: Sequence[tuple[Events, bool]]) -> Sequences:
        return cls([events for events, _ in pairs], [int(minor) for _, minor in pairs])

    @property
    def count(self) -> int:
        return sum(len(events) for events in self.events)


def window_arrays(events: Events, minor: int, start: int, length: int) -> dict[str, np.ndarray]:
    """Inputs and targets for events[start:start+length], padded to `length`."""
    stop = min(len(events), start + length)
    size = stop - start
    arrays = {
        name: np.zeros(length, dtype=np.int64)
        for name in ("pitch", "duration", "position", "bar", "mode")
    }
    arrays["target_pitch"] = np.full(length, IGNORE, dtype=np.int64)
    arrays["target_duration"] = np.full(length, IGNORE, dtype=np.int64)
    previous_pitch = np.r_[START_PITCH, events.pitches[:-1]]
    previous_duration = np.r_[START_DURATION, events.durations[:-1]]
    arrays["pitch"][:size] = previous_pitch[start:stop]
    arrays["duration"][:size] = previous_duration[start:stop]
    arrays["position"][:size] = events.positions[start:stop]
    arrays["bar"][:size] = np.clip(events.bar_steps[start:stop], 0, POSITIONS)
    arrays["mode"][:] = minor
    arrays["target_pitch"][:size] = events.pitches[start:stop]
    arrays["target_duration"][:size] = events.durations[start:stop]
    return arrays


def stack(windows: Sequence[dict[str, np.ndarray]]) -> dict[str, torch.Tensor]:
    return {name: torch.from_numpy(np.stack([w[name] for w in windows])) for name in windows[0]}


def packed_stream(data: Sequences, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every tune's inputs and targets end to end, in a random order: each tune opens with the
    start event, so a window drawn anywhere in the stream trains on every event it holds."""
    order = rng.permutation(len(data.events))
    parts = [window_arrays(data.events[i], data.minor[i], 0, len(data.events[i])) for i in order]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def random_batch(
    stream: dict[str, np.ndarray], size: int, length: int, rng: np.random.Generator
) -> dict[str, torch.Tensor]:
    """`size` windows of `length` events from anywhere in the packed stream."""
    total = len(stream["pitch"])
    starts = rng.integers(0, max(1, total - length + 1), size=size)
    return {
        name: torch.from_numpy(np.stack([values[s : s + length] for s in starts.tolist()]))
        for name, values in stream.items()
    }


def all_windows(data: Sequences, length: int) -> list[dict[str, np.ndarray]]:
    """Every tune cut into consecutive windows of `length` events, each event in one window."""
    return [
        window_arrays(events, minor, start, length)
        for events, minor in zip(data.events, data.minor, strict=True)
        for start in range(0, len(events), length)
    ]
