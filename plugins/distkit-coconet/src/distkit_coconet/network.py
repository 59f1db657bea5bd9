"""The network: a stack of dilated 1-D convolutions over time that fills in hidden voices.

Each step's input is the sum of four voice embeddings (alto, tenor and bass have a "hidden"
token besides their pitches and rest; every voice has an "outside the piece" token). Residual
blocks with dilations 1, 2, 4, ... 32, repeated, give each output step a view of about 16 bars
either side. The output is, for alto, tenor and bass at every step, logits over the pitches and
rest: the conditional distribution of that cell given every visible cell.
"""

from __future__ import annotations

import torch
from torch import nn

from distkit_coconet.data import TOKENS

HIDDEN = TOKENS
OUTSIDE_TOKEN = TOKENS + 1
VOCABULARY = TOKENS + 2
DILATIONS = (1, 2, 4, 8, 16, 32)


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__()
        self.norm = nn.GroupNorm(1, channels)
        self.conv = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mixed: torch.Tensor = self.mix(torch.relu(self.conv(torch.relu(self.norm(x)))))
        return x + mixed


class Infiller(nn.Module):
    """(batch, 4, steps) input tokens in, (batch, 3, steps, TOKENS) logits for alto-tenor-bass."""

    def __init__(self, channels: int = 128, stacks: int = 2) -> None:
        super().__init__()
        self.channels, self.stacks = channels, stacks
        self.embed = nn.ModuleList(nn.Embedding(VOCABULARY, channels) for _ in range(4))
        self.blocks = nn.Sequential(
            *(ResidualBlock(channels, d) for _ in range(stacks) for d in DILATIONS)
        )
        self.norm = nn.GroupNorm(1, channels)
        self.out = nn.Conv1d(channels, 3 * TOKENS, 1)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = sum(embed(tokens[:, voice]) for voice, embed in enumerate(self.embed))
        assert isinstance(x, torch.Tensor)
        x = self.blocks(x.transpose(1, 2))
        logits: torch.Tensor = self.out(torch.relu(self.norm(x)))
        batch, _, steps = logits.shape
        return logits.view(batch, 3, TOKENS, steps).transpose(2, 3)


def network_input(tokens: torch.Tensor, hidden: torch.Tensor) -> torch.Tensor:
    """Data tokens (batch, 4, steps; OUTSIDE = -1) with `hidden` (batch, 3, steps) alto, tenor
    and bass cells replaced by the hidden token: what the network reads."""
    x = torch.where(tokens < 0, torch.full_like(tokens, OUTSIDE_TOKEN), tokens)
    lower = torch.where(hidden, torch.full_like(x[:, 1:], HIDDEN), x[:, 1:])
    return torch.cat([x[:, :1], lower], dim=1)
