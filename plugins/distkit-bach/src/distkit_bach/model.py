"""BachUNet: the music model that distkit's `compose` calls.

Light to import (no numpy, no torch at module level), so that `distkit list`, which imports this
class to show its panel, stays fast; `harmonizing` does the work when a melody comes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from distkit_bach.networks import UNetGenerator

WEIGHTS = Path(__file__).parent / "weights" / "bach-unet.pt"


class BachUNet:
    """Alto, tenor and bass under a melody, from a U-Net GAN trained on Bach's chorales."""

    name = "bach-unet"
    description = "U-Net GAN (WGAN-GP) trained on 272 Bach chorales; writes alto, tenor and bass"
    style = "bach-chorale"
    panel_file = "distkit_bach:weights/panel.json"

    def __init__(self, weights: Path | None = None) -> None:
        self.weights = weights or WEIGHTS

    def harmonize(self, melody: NDArray[Any], *, seed: int | None = None) -> NDArray[np.bool_]:
        """The melody as the soprano plus three generated voices: (4, steps, 128) bool."""
        import numpy as np

        from distkit_bach.harmonizing import voices_under

        melody = np.asarray(melody).astype(bool)
        if melody.ndim != 2 or melody.shape[1] != 128:
            raise ValueError(f"a melody is a (steps, 128) piano roll, got shape {melody.shape}")
        arrangement = np.zeros((4, *melody.shape), dtype=bool)
        arrangement[0] = melody
        if melody.any():
            arrangement[1:] = voices_under(melody, load_generator(self.weights), seed)
        return arrangement


@cache
def load_generator(weights: Path) -> UNetGenerator:
    """The generator in evaluation mode, from a weights file written by training."""
    import torch

    from distkit_bach.networks import UNetGenerator

    record = torch.load(weights, map_location="cpu", weights_only=True)
    generator = UNetGenerator(record["filters"])
    generator.load_state_dict(record["generator"])
    return generator.eval()
