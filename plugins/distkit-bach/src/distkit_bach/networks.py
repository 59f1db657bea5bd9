"""The U-Net generator and the conditional critic, after AWS DeepComposer's U-Net GAN."""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn

from distkit_bach.data import PITCH_SPAN


def _down(inputs: int, outputs: int, norm: bool) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(inputs, outputs, 3, stride=2, padding=1)]
    if norm:
        layers.append(nn.BatchNorm2d(outputs))
    layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


def _up(inputs: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(
        nn.ConvTranspose2d(inputs, outputs, 4, stride=2, padding=1),
        nn.BatchNorm2d(outputs),
        nn.ReLU(),
    )


class UNetGenerator(nn.Module):
    """Melody plus noise in, three accompaniment tracks out, as (batch, track, step, pitch) logits.

    Four stride-2 encoder stages (filters, 2x, 4x, 8x) and a mirrored decoder with skip links;
    step and pitch counts must be divisible by 16.
    """

    def __init__(self, filters: int = 16) -> None:
        super().__init__()
        f = filters
        self.filters = filters
        widths = [2, f, 2 * f, 4 * f, 8 * f]
        self.down = nn.ModuleList(
            _down(a, b, norm=i > 0) for i, (a, b) in enumerate(itertools.pairwise(widths))
        )
        self.up = nn.ModuleList(
            [_up(8 * f, 4 * f), _up(8 * f, 2 * f), _up(4 * f, f), _up(2 * f, f)]
        )
        self.out = nn.Conv2d(f + 2, 3, 3, padding=1)
        # Start near the data's rate of about one sounding pitch in 48, not at one half.
        assert self.out.bias is not None
        nn.init.constant_(self.out.bias, -math.log(PITCH_SPAN - 1))

    def forward(self, melody: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        x = torch.cat([melody, noise], dim=1)
        skips = [x]
        for stage in self.down:
            skips.append(stage(skips[-1]))
        y = skips.pop()
        for stage in self.up:
            y = torch.cat([stage(y), skips.pop()], dim=1)
        logits: torch.Tensor = self.out(y)
        return logits


class Critic(nn.Module):
    """Scores a four-track window (melody and accompaniment together): the conditional critic."""

    def __init__(self, filters: int = 16) -> None:
        super().__init__()
        f = filters
        self.body = nn.Sequential(
            nn.Conv2d(4, f, 3, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(f, 2 * f, 3, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(4 * f, 8 * f, 3, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(8 * f, 1),
        )

    def forward(self, melody: torch.Tensor, voices: torch.Tensor) -> torch.Tensor:
        scores: torch.Tensor = self.body(torch.cat([melody, voices], dim=1))
        return scores.squeeze(1)
