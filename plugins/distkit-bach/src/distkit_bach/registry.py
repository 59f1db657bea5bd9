"""Named user models of the U-Net (see distkit.music.user_models): how compose loads one, and
registering weights that `bach train --out FILE` wrote, so that compose and the studio can use
them by name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distkit.music.user_models import UserModelRecord
    from distkit_bach.model import BachUNet

FACTORY = "distkit_bach.registry:from_folder"
WEIGHTS_FILE = "weights.pt"
CHOIR = (52, 52, 52, 52)
"""General MIDI choir aahs for every voice, as bach-unet writes them."""


def from_folder(folder: Path, record: Any) -> BachUNet:
    """The U-Net a user trained and registered."""
    from distkit_bach.model import BachUNet

    return BachUNet(folder / WEIGHTS_FILE)


def register_weights(
    weights: Path, name: str, *, taken: Sequence[str] = (), force: bool = False
) -> UserModelRecord:
    """Register a weights file written by `bach train` (on the chorales) as the model `name`.

    A ModelRegistryError (one line) when the name cannot be used or the file is not U-Net
    weights; nothing is stored then.
    """
    import torch

    from distkit.errors import ModelRegistryError
    from distkit.music.user_models import check_new_name, register_model
    from distkit_bach.networks import UNetGenerator

    check_new_name(name, taken, force=force)
    if not weights.is_file():  # a FIFO would be waited on for ever by torch.load
        raise ModelRegistryError(f"{weights} is not a regular file; give a weights file")
    try:
        record = torch.load(weights, map_location="cpu", weights_only=True)
        UNetGenerator(record["filters"]).load_state_dict(record["generator"])
    except Exception as error:  # torch.load and load_state_dict raise many kinds
        raise ModelRegistryError(
            f"{weights} is not a weights file written by `distkit bach train` "
            f"({type(error).__name__})"
        ) from None
    config = dict(record.get("config", {}))
    return register_model(
        name,
        {WEIGHTS_FILE: weights},
        factory=FACTORY,
        style="bach-chorale",
        voices=("soprano", "alto", "tenor", "bass"),
        programs=CHOIR,
        corpus="bach",
        description=(
            f"U-Net GAN trained on the Bach chorales ({record.get('iteration', '?')} iterations, "
            f"from {weights.name})"
        ),
        details={"settings": config, "metrics": dict(record.get("metrics", {}))},
        force=force,
    )
