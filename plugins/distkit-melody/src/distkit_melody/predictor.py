"""The shipped Transformer as an event predictor (numpy and torch: imported when a melody is
continued, never when models are listed)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from distkit.music.melody.events import Events
from distkit_melody.data import Sequences, all_windows, stack, window_arrays
from distkit_melody.network import MelodyTransformer

WEIGHTS = Path(__file__).parent / "weights" / "folk-transformer.pt"


@functools.lru_cache(maxsize=4)
def load_network(path: Path = WEIGHTS) -> MelodyTransformer:
    """The network stored at `path` (weights in half precision, computed in single)."""
    record = torch.load(path, map_location="cpu", weights_only=True)
    network = MelodyTransformer(**record["shape"], dropout=0.0)
    network.load_state_dict({k: v.float() for k, v in record["network"].items()})
    return network.eval()


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread: this small network is 40x slower on two busy cores (measured:
    16 ms against 0.7 s a step on this machine), and other models keep their setting."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class TransformerPredictor:
    """The next event's pitch and duration distributions from the network."""

    def __init__(self, network: MelodyTransformer) -> None:
        self.network = network
        self._last: tuple[bytes, torch.Tensor] | None = None

    def _hidden(self, events: Events, minor: bool, position: int, bar_steps: int) -> torch.Tensor:
        """The state that predicts the next event; the pitch and then the duration of one event
        are drawn from the same state, so the last one is kept."""
        key = b"|".join(
            [a.tobytes() for a in (events.pitches, events.durations, events.positions)]
            + [bytes(f"{minor},{position},{bar_steps},{events.bar_steps.tobytes()!r}", "ascii")]
        )
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        hidden = self._compute_hidden(events, minor, position, bar_steps)
        self._last = (key, hidden)
        return hidden

    def _compute_hidden(
        self, events: Events, minor: bool, position: int, bar_steps: int
    ) -> torch.Tensor:
        context = self.network.context
        padded = Events(
            np.r_[events.pitches, 0],
            np.r_[events.durations, 0],
            np.r_[events.positions, position],
            np.r_[events.bar_steps, bar_steps],
        )
        start = max(0, len(padded) - context)
        arrays = window_arrays(padded, int(minor), start, len(padded) - start)
        with one_thread(), torch.no_grad():
            return self.network.hidden(stack([arrays]))[0, -1]

    def pitch_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int
    ) -> np.ndarray:
        hidden = self._hidden(events, minor, position, bar_steps)
        with torch.no_grad():
            return torch.softmax(self.network.pitch_logits(hidden), -1).double().numpy()

    def duration_probabilities(
        self, events: Events, minor: bool, position: int, bar_steps: int, pitch: int
    ) -> np.ndarray:
        hidden = self._hidden(events, minor, position, bar_steps)
        with torch.no_grad():
            logits = self.network.duration_logits(hidden, torch.tensor(pitch))
            return torch.softmax(logits, -1).double().numpy()

    def event_nll(self, events: Events, minor: bool) -> np.ndarray:
        """Each event's negative log-likelihood (nats), in windows of the network's context."""
        values = []
        with one_thread(), torch.no_grad():
            for arrays in all_windows(Sequences([events], [int(minor)]), self.network.context):
                batch = stack([arrays])
                hidden = self.network.hidden(batch)
                pitch, duration = batch["target_pitch"][0], batch["target_duration"][0]
                kept = pitch >= 0
                pitch_nll = -torch.log_softmax(self.network.pitch_logits(hidden[0]), -1)
                duration_nll = -torch.log_softmax(
                    self.network.duration_logits(hidden[0], pitch), -1
                )
                rows = torch.arange(len(pitch))[kept]
                values.append(
                    (pitch_nll[rows, pitch[kept]] + duration_nll[rows, duration[kept]]).numpy()
                )
        return np.concatenate(values).astype(float)
