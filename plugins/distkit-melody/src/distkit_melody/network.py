"""A small decoder-only Transformer over note events.

At event t the network sees the events before it (pitch and duration tokens) and where event t
falls (its bar position, the bar's length, the mode), and gives a distribution over event t's
pitch, then over its duration given that pitch: one event's likelihood is their product.
"""

from __future__ import annotations

import torch
from torch import nn

from distkit.music.melody.events import DURATION_TOKENS, PITCH_TOKENS, POSITIONS

START_PITCH = PITCH_TOKENS
START_DURATION = DURATION_TOKENS
IGNORE = -100


class MelodyTransformer(nn.Module):
    """Causal self-attention over up to `context` events."""

    def __init__(
        self,
        width: int = 128,
        layers: int = 4,
        heads: int = 4,
        context: int = 128,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        self.width, self.layers, self.heads, self.context = width, layers, heads, context
        self.pitch_in = nn.Embedding(PITCH_TOKENS + 1, width)
        self.duration_in = nn.Embedding(DURATION_TOKENS + 1, width)
        self.position_in = nn.Embedding(POSITIONS, width)
        self.bar_in = nn.Embedding(POSITIONS + 1, width)
        self.mode_in = nn.Embedding(2, width)
        self.time_in = nn.Embedding(context, width)
        layer = nn.TransformerEncoderLayer(
            width, heads, 4 * width, dropout, batch_first=True, norm_first=True
        )
        self.body = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.pitch_out = nn.Linear(width, PITCH_TOKENS)
        self.given_pitch = nn.Embedding(PITCH_TOKENS, width)
        self.duration_out = nn.Sequential(
            nn.Linear(width, width), nn.GELU(), nn.Linear(width, DURATION_TOKENS)
        )

    def hidden(self, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        """(batch, time, width) states; inputs: previous pitch and duration tokens, and the
        position, bar length and mode of each event to predict, all (batch, time)."""
        time = inputs["pitch"].shape[1]
        x = (
            self.pitch_in(inputs["pitch"])
            + self.duration_in(inputs["duration"])
            + self.position_in(inputs["position"])
            + self.bar_in(inputs["bar"])
            + self.mode_in(inputs["mode"])
            + self.time_in(torch.arange(time, device=inputs["pitch"].device))
        )
        mask = nn.Transformer.generate_square_subsequent_mask(time, device=x.device)
        return self.norm(self.body(x, mask=mask, is_causal=True))

    def pitch_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.pitch_out(hidden)

    def duration_logits(self, hidden: torch.Tensor, pitch: torch.Tensor) -> torch.Tensor:
        """Duration logits given each event's pitch token (a rest is a pitch token too)."""
        return self.duration_out(hidden + self.given_pitch(pitch.clamp(min=0)))

    def forward(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """`event_nll` of a batch that holds its targets (`target_pitch`, `target_duration`)."""
        return self.event_nll(batch, batch["target_pitch"], batch["target_duration"])

    def event_nll(
        self, inputs: dict[str, torch.Tensor], pitch: torch.Tensor, duration: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed negative log-likelihood (nats) of the target events, and how many there are;
        targets equal to IGNORE are padding."""
        hidden = self.hidden(inputs)
        pitch_loss = nn.functional.cross_entropy(
            self.pitch_logits(hidden).transpose(1, 2), pitch, ignore_index=IGNORE, reduction="sum"
        )
        duration_loss = nn.functional.cross_entropy(
            self.duration_logits(hidden, pitch).transpose(1, 2),
            duration,
            ignore_index=IGNORE,
            reduction="sum",
        )
        return pitch_loss + duration_loss, (pitch != IGNORE).sum()
