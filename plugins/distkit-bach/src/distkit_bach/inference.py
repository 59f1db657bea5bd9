"""Turning the generator's probabilities into notes."""

from __future__ import annotations

import torch

from distkit_bach.decoding import SOUNDING as NOTE_THRESHOLD


def binarize(probs: torch.Tensor) -> torch.Tensor:
    """At most one note per voice per step: the likeliest pitch, when the voice likely sounds.

    `probs` is (..., steps, pitches); a voice sounds at a step when its expected number of
    notes (the sum of the pitch probabilities) reaches NOTE_THRESHOLD.
    """
    best = probs.argmax(dim=-1, keepdim=True)
    notes = torch.zeros_like(probs, dtype=torch.bool).scatter_(-1, best, True)
    sounding = probs.sum(dim=-1, keepdim=True) >= NOTE_THRESHOLD
    return notes & sounding
